import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CODE_LENGTH, codeFromBytes, CROCKFORD, normalizeCode, printedCode } from './ballot-code.js';

describe('ballot codes', () => {
  it('are 10 Crockford characters from the first 50 bits of 7 bytes', () => {
    expect(codeFromBytes(new Uint8Array(7))).toBe('0000000000');
    expect(codeFromBytes(new Uint8Array([255, 255, 255, 255, 255, 255, 255]))).toBe('ZZZZZZZZZZ');
    // 0x00 0x00 0x00 0x00 0x00 0x00 0x40: bit 6 is the lowest of the 50 kept → value 1.
    expect(codeFromBytes(new Uint8Array([0, 0, 0, 0, 0, 0, 0x40]))).toBe('0000000001');
    // The low six bits of the last byte are dropped.
    expect(codeFromBytes(new Uint8Array([0, 0, 0, 0, 0, 0, 0x3f]))).toBe('0000000000');
    // 0x80 in the first byte is bit 49: 2^49 = 16 · 32^9 → "G" (16) then nine zeros.
    expect(codeFromBytes(new Uint8Array([0x80, 0, 0, 0, 0, 0, 0]))).toBe('G000000000');
    expect(() => codeFromBytes(new Uint8Array(6))).toThrow(RangeError);
  });

  it('never contain I, L, O or U', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 7, maxLength: 7 }), (bytes) => {
        const code = codeFromBytes(bytes);
        expect(code).toHaveLength(CODE_LENGTH);
        expect(code).toMatch(/^[0-9A-HJKMNP-TV-Z]{10}$/);
        expect(normalizeCode(printedCode(code).toLowerCase())).toBe(code);
      }),
      { seed: 20261207, numRuns: 500 },
    );
  });

  it('read what a voter types leniently, and refuse what cannot be a code', () => {
    expect(printedCode('7KQ2MX9D4P')).toBe('7KQ2M-X9D4P');
    expect(normalizeCode('7kq2m-x9d4p')).toBe('7KQ2MX9D4P');
    expect(normalizeCode(' 7KQ2M X9D4P ')).toBe('7KQ2MX9D4P');
    expect(normalizeCode('7KQ2M—X9D4P')).toBe('7KQ2MX9D4P');
    // Full-width characters from a Chinese keyboard.
    expect(normalizeCode('７ＫＱ２Ｍ－Ｘ９Ｄ４Ｐ')).toBe('7KQ2MX9D4P');
    expect(normalizeCode('IL0O0-00000')).toBe('1100000000');
    expect(normalizeCode('7KQ2M-X9D4')).toBeUndefined();
    expect(normalizeCode('7KQ2M-X9D4PP')).toBeUndefined();
    expect(normalizeCode('7KQ2M-X9D4U')).toBeUndefined();
    expect(normalizeCode('7KQ2M-X9D4票')).toBeUndefined();
    expect(CROCKFORD).toHaveLength(32);
  });
});
