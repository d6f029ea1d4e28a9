import { createHmac, createSecretKey, type KeyObject } from 'node:crypto';
import { dayKeyMessage, type Mac } from '#shared/domain/client-key.js';

/**
 * The day keys as KeyObjects, made once per key: handed a Buffer, createHmac runs its key-type
 * checks on every call, which the server profile of the ingestion benchmark showed as over half of
 * the MAC time (functions/src/throttle is on every rating's path).
 */
const keyObjects = new WeakMap<Uint8Array, KeyObject>();
function keyObjectOf(key: Uint8Array): KeyObject {
  let object = keyObjects.get(key);
  if (!object) keyObjects.set(key, (object = createSecretKey(key)));
  return object;
}

/** HMAC-SHA256, first 128 bits, base64url: the MAC of the keyed identities (shared/src/domain/client-key.ts). */
export const mac128: Mac = (key, message) => createHmac('sha256', keyObjectOf(key)).update(message).digest().subarray(0, 16).toString('base64url');

/** The local day key: HMAC-SHA256(root, dayKeyMessage(day)); KMS GenerateMac computes the same kind of value in AWS. */
export function localDayKey(root: Uint8Array, day: string): Buffer {
  return createHmac('sha256', root).update(dayKeyMessage(day)).digest();
}
