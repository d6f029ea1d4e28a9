import { keys } from './keys.js';

/**
 * The contact store (its own table): an encrypted phone number for one consented 回访.
 * The plain number never reaches any table, log or result; see contact-sealer.ts.
 */
export interface SealedContact {
  contactId: string;
  ratingId: string;
  windowCode: string;
  /** Ciphertext of the phone number (AES-256-GCM locally, KMS in AWS). */
  sealedPhone: string;
  /** Unix seconds: purged by TTL after the 回访 window. */
  expiresAt: number;
}

export function contactPut(table: string, contact: SealedContact) {
  return {
    TableName: table,
    Item: { ...keys.contact(contact.contactId), ...contact },
    ConditionExpression: 'attribute_not_exists(pk)',
  };
}
