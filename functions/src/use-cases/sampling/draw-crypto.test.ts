import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { nodeDrawCrypto } from './draw-crypto.js';

describe('nodeDrawCrypto', () => {
  it('answers the same draw key through its hex fast path as through the bytes path, for any text and seed', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), fc.string({ unit: 'grapheme', maxLength: 80 }), (seed, text) => {
        const viaBytes = Buffer.from(nodeDrawCrypto.hmacSha256(seed, new TextEncoder().encode(text))).toString('hex');
        expect(nodeDrawCrypto.hmacSha256Hex!(seed, text)).toBe(viaBytes);
        expect(viaBytes).toBe(createHmac('sha256', seed).update(new TextEncoder().encode(text)).digest('hex'));
      }),
      { seed: 13, numRuns: 300 },
    );
  });
});
