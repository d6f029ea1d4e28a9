import { describe, expect, it } from 'vitest';
import { wilsonInterval } from './wilson.js';

// Reference values from Newcombe RG (1998), "Two-sided confidence intervals for the single
// proportion: comparison of seven methods", Statistics in Medicine 17:857–872, Table I, method 3
// (Wilson score interval without continuity correction).
const NEWCOMBE_TABLE_1: [successes: number, n: number, low: number, high: number][] = [
  [81, 263, 0.2553, 0.3662],
  [15, 148, 0.0624, 0.1605],
  [0, 20, 0, 0.1611],
  [1, 29, 0.0061, 0.1718],
];

describe('wilsonInterval', () => {
  it.each(NEWCOMBE_TABLE_1)('matches Newcombe 1998 for %i of %i', (successes, n, low, high) => {
    const interval = wilsonInterval(successes, n)!;
    expect(interval.low).toBeCloseTo(low, 4);
    expect(interval.high).toBeCloseTo(high, 4);
  });

  it('stays inside [0, 1] at the extremes', () => {
    expect(wilsonInterval(0, 5)).toMatchObject({ low: 0 });
    expect(wilsonInterval(5, 5)!.high).toBe(1);
    expect(wilsonInterval(5, 5)!.low).toBeGreaterThan(0.5);
  });

  it('is symmetric: the interval of k of n mirrors that of n − k', () => {
    const a = wilsonInterval(3, 17)!;
    const b = wilsonInterval(14, 17)!;
    expect(a.low).toBeCloseTo(1 - b.high, 12);
    expect(a.high).toBeCloseTo(1 - b.low, 12);
  });

  it('narrows as n grows at the same proportion', () => {
    const small = wilsonInterval(8, 10)!;
    const large = wilsonInterval(800, 1000)!;
    expect(large.high - large.low).toBeLessThan(small.high - small.low);
  });

  it('has no interval without ratings, and refuses impossible counts', () => {
    expect(wilsonInterval(0, 0)).toBeNull();
    expect(() => wilsonInterval(6, 5)).toThrow(RangeError);
    expect(() => wilsonInterval(-1, 5)).toThrow(RangeError);
  });
});
