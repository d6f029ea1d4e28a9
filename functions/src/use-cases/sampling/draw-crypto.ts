import { createHash, createHmac, createSecretKey, type KeyObject } from 'node:crypto';
import type { DrawCrypto } from '#shared/domain/sampling/draw.js';

/**
 * The seed as a KeyObject, made once per seed: handed raw bytes, createHmac checks the key on every
 * call, which was most of a 200,000-entry draw's time (as for the day keys, throttle/mac.ts).
 */
const keyObjects = new WeakMap<Uint8Array, KeyObject>();
function keyObjectOf(key: Uint8Array): KeyObject {
  let object = keyObjects.get(key);
  if (!object) keyObjects.set(key, (object = createSecretKey(key)));
  return object;
}

/** The platform's SHA-256 and HMAC-SHA256 for the draw (manyi-draw-v1): Node's OpenSSL. */
export const nodeDrawCrypto: DrawCrypto = {
  sha256: (data) => createHash('sha256').update(data).digest(),
  hmacSha256: (key, data) => createHmac('sha256', keyObjectOf(key)).update(data).digest(),
  // A string given to update() is hashed as its UTF-8 bytes, as the format says.
  hmacSha256Hex: (key, text) => createHmac('sha256', keyObjectOf(key)).update(text, 'utf8').digest('hex'),
};
