import { createHash, createHmac } from 'node:crypto';
import type { DrawCrypto } from '#shared/domain/sampling/draw.js';

/** The platform's SHA-256 and HMAC-SHA256 for the draw (manyi-draw-v1): Node's OpenSSL. */
export const nodeDrawCrypto: DrawCrypto = {
  sha256: (data) => createHash('sha256').update(data).digest(),
  hmacSha256: (key, data) => createHmac('sha256', key).update(data).digest(),
};
