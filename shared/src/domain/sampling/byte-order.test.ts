import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { compareUtf8 } from './byte-order.js';

describe('compareUtf8', () => {
  it('orders as the UTF-8 bytes do, also where UTF-16 code units disagree', () => {
    // U+FF01 (EF BC 81) sorts before U+1F600 (F0 9F 98 80) in UTF-8; in UTF-16 D83D < FF01.
    expect(compareUtf8('\uFF01', '\u{1F600}')).toBe(-1);
    expect('\u{1F600}' < '\uFF01').toBe(true);
    expect(compareUtf8('a', 'ab')).toBe(-1);
    expect(compareUtf8('窗口', '窗口')).toBe(0);
  });

  it('agrees with Buffer.compare on the UTF-8 bytes for any strings', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), fc.string({ unit: 'grapheme' }), (a, b) => {
        expect(compareUtf8(a, b)).toBe(Math.sign(Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'))));
      }),
    );
  });
});
