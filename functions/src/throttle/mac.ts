import { createHmac } from 'node:crypto';
import { dayKeyMessage, type Mac } from '#shared/domain/client-key.js';

/** HMAC-SHA256, first 128 bits, base64url: the MAC of the keyed identities (shared/src/domain/client-key.ts). */
export const mac128: Mac = (key, message) => createHmac('sha256', key).update(message).digest().subarray(0, 16).toString('base64url');

/** The local day key: HMAC-SHA256(root, dayKeyMessage(day)); KMS GenerateMac computes the same kind of value in AWS. */
export function localDayKey(root: Uint8Array, day: string): Buffer {
  return createHmac('sha256', root).update(dayKeyMessage(day)).digest();
}
