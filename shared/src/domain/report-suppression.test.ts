import { describe, expect, it } from 'vitest';
import { suppress } from './report-suppression.js';

const hiddenOf = (n: Record<string, number>, families: { total: string; rows: string[] }[]) =>
  Object.fromEntries(suppress(new Map(Object.entries(n)), families));

describe('suppress', () => {
  it('hides every cell under 5', () => {
    expect(hiddenOf({ total: 20, a: 4, b: 16 }, [])).toEqual({ a: 'small-group' });
  });

  it('hides the smallest visible row with a lone small one, so the total minus the rest covers two', () => {
    // 本级 12, 甲 3, 乙 20 of 35: 甲 alone would be 35 − 12 − 20.
    expect(hiddenOf({ total: 35, self: 12, jia: 3, yi: 20 }, [{ total: 'total', rows: ['self', 'jia', 'yi'] }])).toEqual({
      jia: 'small-group',
      self: 'complementary',
    });
  });

  it('hides more until the hidden rows add up to at least 5', () => {
    const hidden = hiddenOf({ total: 30, a: 1, b: 2, c: 5, d: 22 }, [{ total: 'total', rows: ['a', 'b', 'c', 'd'] }]);
    expect(hidden).toEqual({ a: 'small-group', b: 'small-group', c: 'complementary' });
  });

  it('needs nothing more when the hidden rows are empty or already add up to 5', () => {
    expect(hiddenOf({ total: 30, a: 0, b: 0, c: 30 }, [{ total: 'total', rows: ['a', 'b', 'c'] }])).toEqual({ a: 'small-group', b: 'small-group' });
    expect(hiddenOf({ total: 30, a: 3, b: 4, c: 23 }, [{ total: 'total', rows: ['a', 'b', 'c'] }])).toEqual({ a: 'small-group', b: 'small-group' });
  });

  it('hides the rows of a hidden total, through every level', () => {
    const families = [
      { total: 'total', rows: ['u1', 'u2'] },
      { total: 'u1', rows: ['w1', 'w2'] },
      { total: 'u2', rows: ['w3'] },
    ];
    // u1 (3) is small; u2 must go with it; so must every window of both.
    expect(hiddenOf({ total: 40, u1: 3, u2: 37, w1: 1, w2: 2, w3: 37 }, families)).toEqual({
      u1: 'small-group',
      u2: 'complementary',
      w1: 'small-group',
      w2: 'small-group',
      w3: 'complementary',
    });
  });

  it('hides the same rows for the same data (ties broken by id)', () => {
    const n = { total: 24, a: 2, b: 11, c: 11 };
    const families = [{ total: 'total', rows: ['c', 'b', 'a'] }];
    expect(hiddenOf(n, families)).toEqual({ a: 'small-group', b: 'complementary' });
  });
});
