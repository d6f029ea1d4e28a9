/**
 * The one string order of the sampling formats (manyi-draw-v1): UTF-8 byte order, which is Unicode
 * code point order. JavaScript's `<` on strings compares UTF-16 code units, which differs only where
 * a surrogate (U+D800–U+DFFF, half of a character above U+FFFF) meets a unit in U+E000–U+FFFF;
 * other languages' byte comparisons agree with this function.
 */
export function compareUtf8(a: string, b: string): number {
  const length = Math.min(a.length, b.length);
  for (let index = 0; index < length; index++) {
    const x = a.charCodeAt(index);
    const y = b.charCodeAt(index);
    if (x === y) continue;
    // At the first differing unit, lift surrogates above U+E000–U+FFFF (where their characters sort).
    return codePointRank(x) < codePointRank(y) ? -1 : 1;
  }
  return a.length === b.length ? 0 : a.length < b.length ? -1 : 1;
}

function codePointRank(unit: number): number {
  if (unit >= 0xd800 && unit <= 0xdfff) return unit + 0x2000;
  if (unit >= 0xe000) return unit - 0x800;
  return unit;
}
