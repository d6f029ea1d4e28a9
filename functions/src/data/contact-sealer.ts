import { createCipheriv, createDecipheriv, createSecretKey, randomBytes } from 'node:crypto';

/**
 * Seals a phone number before it is written to the contact store. Locally: AES-256-GCM with a key
 * kept under .data/ (never in the repository). In AWS: a KMS key of the contact store (see
 * kms-contact-sealer.ts), so that only roles granted that key can ever read a number.
 */
export interface ContactSealer {
  seal(phone: string): Promise<string>;
  open(sealed: string): Promise<string>;
}

const VERSION = 'v1';

export function createAesContactSealer(keyBase64: string): ContactSealer {
  const bytes = Buffer.from(keyBase64, 'base64');
  if (bytes.length !== 32) throw new Error('contact key must be 32 bytes (base64)');
  // A KeyObject made once: handed a Buffer, every createCipheriv re-checks and copies the key.
  const key = createSecretKey(bytes);
  return {
    async seal(phone) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const body = Buffer.concat([cipher.update(phone, 'utf8'), cipher.final()]);
      return [VERSION, iv.toString('base64'), cipher.getAuthTag().toString('base64'), body.toString('base64')].join('.');
    },
    async open(sealed) {
      const [version, iv, tag, body] = sealed.split('.');
      if (version !== VERSION || !iv || !tag || !body) throw new Error('unrecognised sealed contact');
      const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64'));
      decipher.setAuthTag(Buffer.from(tag, 'base64'));
      return Buffer.concat([decipher.update(Buffer.from(body, 'base64')), decipher.final()]).toString('utf8');
    },
  };
}
