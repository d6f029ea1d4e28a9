import { DecryptCommand, EncryptCommand, KMSClient } from '@aws-sdk/client-kms';
import type { ContactSealer } from './contact-sealer.js';

/**
 * AWS: phone numbers are encrypted with the contact store's own KMS key. A phone number is tiny,
 * so KMS Encrypt takes it directly (no data key); the encryption context binds the ciphertext to
 * its purpose, and only roles granted kms:Decrypt on this key can ever read it back.
 */
const CONTEXT = { purpose: 'manyi-contact-callback' };

export function createKmsContactSealer(keyId: string, region: string): ContactSealer {
  const kms = new KMSClient({ region });
  return {
    async seal(phone) {
      const { CiphertextBlob } = await kms.send(
        new EncryptCommand({ KeyId: keyId, Plaintext: new TextEncoder().encode(phone), EncryptionContext: CONTEXT }),
      );
      return `kms.${Buffer.from(CiphertextBlob!).toString('base64')}`;
    },
    async open(sealed) {
      if (!sealed.startsWith('kms.')) throw new Error('unrecognised sealed contact');
      // KeyId too (AWS's advice for symmetric keys): only a ciphertext of this key is ever opened.
      const { Plaintext } = await kms.send(
        new DecryptCommand({ KeyId: keyId, CiphertextBlob: Buffer.from(sealed.slice(4), 'base64'), EncryptionContext: CONTEXT }),
      );
      // Never an empty phone number for a missing answer (TextDecoder decodes undefined to '').
      if (!Plaintext) throw new Error('KMS returned no plaintext');
      return new TextDecoder().decode(Plaintext);
    },
  };
}
