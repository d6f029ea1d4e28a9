import { describe, expect, it } from 'vitest';
import { isWindowCode, windowCode, WINDOW_CODE_ALPHABET } from './window-code.js';

/** mulberry32 with a fixed seed: a reproducible stand-in for node:crypto's randomInt. */
function seeded(seed: number): (n: number) => number {
  let state = seed >>> 0;
  return (n) => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return Math.floor((((t ^ (t >>> 14)) >>> 0) / 4294967296) * n);
  };
}

describe('windowCode', () => {
  it('uses 31 characters without the look-alikes 0, o, 1, l and i', () => {
    expect(WINDOW_CODE_ALPHABET).toHaveLength(31);
    expect(new Set(WINDOW_CODE_ALPHABET).size).toBe(31);
    for (const ambiguous of ['0', 'o', '1', 'l', 'i']) expect(WINDOW_CODE_ALPHABET).not.toContain(ambiguous);
  });

  it('draws 8 characters, each from the alphabet, so every code passes isWindowCode', () => {
    const random = seeded(20261122);
    for (let i = 0; i < 1000; i++) expect(isWindowCode(windowCode(random))).toBe(true);
  });

  it('is not sequential: 10,000 draws give 10,000 different codes and use every character', () => {
    const random = seeded(7);
    const codes = Array.from({ length: 10_000 }, () => windowCode(random));
    expect(new Set(codes).size).toBe(10_000);
    expect(new Set(codes.join(''))).toEqual(new Set(WINDOW_CODE_ALPHABET));
  });

  it('passes the alphabet size to the random source, never more', () => {
    const asked: number[] = [];
    windowCode((n) => {
      asked.push(n);
      return n - 1;
    });
    expect(asked).toEqual(Array(8).fill(31));
  });

  it('rejects codes of another length or with an ambiguous character', () => {
    expect(isWindowCode('k7m2q9xa')).toBe(true);
    expect(isWindowCode('k7m2q9x')).toBe(false);
    expect(isWindowCode('k7m2q9x0')).toBe(false);
    expect(isWindowCode('K7M2Q9XA')).toBe(false);
  });
});
