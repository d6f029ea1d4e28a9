import { keys } from './keys.js';

/**
 * The contact store (its own table): an encrypted phone number for one consented 回访 — of a
 * 差评 (its rating) or of a mailbox letter (its case).
 * The plain number never reaches any table, log or result; see contact-sealer.ts.
 */
export type SealedContact = {
  contactId: string;
  /** Unix seconds: purged by TTL after the 回访 window. */
  expiresAt: number;
  /** Ciphertext of the phone number (AES-256-GCM locally, KMS in AWS). */
  sealedPhone: string;
} & (
  | { ratingId: string; windowCode: string }
  /** A mailbox letter's (decision 0029): its case, and no rating. */
  | { caseId: string }
);

export function contactPut(table: string, contact: SealedContact) {
  return {
    TableName: table,
    Item: { ...keys.contact(contact.contactId), ...contact },
    ConditionExpression: 'attribute_not_exists(pk)',
  };
}
