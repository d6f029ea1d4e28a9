import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { marginForSize, sampleSizeForMargin, sizeInputProblem, Z95 } from './sample-size.js';

/**
 * The sample-size guard takes a size within 1e-9 of an integer as that integer, so the margin of
 * such a size can exceed e by a few ulps; the round trips allow for that and nothing more.
 */
const ULPS = 1e-12;

describe('sampleSizeForMargin', () => {
  // n0 = 1.959963984540054² · 0.25 / 0.03² = 3.841458820694124 · 0.25 / 0.0009 = 1,067.07 → 1,068.
  it('asks 1,068 for ±3 points of an unbounded population', () => {
    expect(sampleSizeForMargin(0.03)).toBe(1068);
  });

  // n = 1,067.07 / (1 + 1,066.07 / 2,000) = 1,067.07 / 1.533036 = 696.06 → 697.
  it('asks 697 for ±3 points of 2,000 people, by the finite population correction', () => {
    expect(sampleSizeForMargin(0.03, 2000)).toBe(697);
  });

  // n0 = 3.841458820694124 · 0.25 / 0.0025 = 384.15 → 385.
  it('asks 385 for ±5 points of an unbounded population', () => {
    expect(sampleSizeForMargin(0.05)).toBe(385);
  });

  it('never asks more than the population', () => {
    // 1,067.07 / (1 + 1,066.07 / 10) = 9.92 → 10 of 10.
    expect(sampleSizeForMargin(0.03, 10)).toBe(10);
    expect(sampleSizeForMargin(0.01, 1)).toBe(1);
    expect(sampleSizeForMargin(0.03, 0)).toBe(0);
  });

  it('does not round a size that is an integer on paper up by one for float error', () => {
    // With e = Z95·0.5/√50, n0 = 50 exactly on paper; the doubles give 50.00000000000001.
    const e = (Z95 * 0.5) / Math.sqrt(50);
    expect(Math.ceil((Z95 * Z95 * 0.25) / (e * e))).toBe(51);
    expect(sampleSizeForMargin(e)).toBe(50);
    // With the correction: n = 4 of 2,000 on paper, 4.000000000000001 in doubles.
    const corrected = Z95 * Math.sqrt(0.25 / 4) * Math.sqrt((2000 - 4) / 1999);
    expect(sampleSizeForMargin(corrected, 2000)).toBe(4);
  });

  it('returns NaN for inputs that sizeInputProblem rejects, rather than throwing', () => {
    expect(sampleSizeForMargin(0)).toBeNaN();
    expect(sampleSizeForMargin(0.5)).toBeNaN();
    expect(sampleSizeForMargin(0.03, -1)).toBeNaN();
    expect(sampleSizeForMargin(0.03, 20.5)).toBeNaN();
  });

  it('is the smallest size whose margin is at most e', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0.001, max: 0.499, noNaN: true }),
        fc.option(fc.integer({ min: 0, max: 10_000_000 }), { nil: undefined }),
        (e, N) => {
          const n = sampleSizeForMargin(e, N);
          expect(marginForSize(n, N)).toBeLessThanOrEqual(e * (1 + ULPS));
          if (n > 0) expect(marginForSize(n - 1, N)).toBeGreaterThan(e * (1 - ULPS));
          if (N !== undefined) expect(n).toBeLessThanOrEqual(N);
        },
      ),
      { seed: 20261206, numRuns: 2000 },
    );
  });
});

describe('marginForSize', () => {
  it('gives ±3 points or better for the reference sizes, and more than 3 one person short', () => {
    expect(marginForSize(1068)).toBeLessThanOrEqual(0.03);
    expect(marginForSize(1067)).toBeGreaterThan(0.03);
    expect(marginForSize(697, 2000)).toBeLessThanOrEqual(0.03);
    expect(marginForSize(696, 2000)).toBeGreaterThan(0.03);
  });

  it('is Z95·√(0.25/n) unbounded, times √((N − n)/(N − 1)) with a population', () => {
    // 1.959963984540054 · 0.5 / 10 = 0.0979982
    expect(marginForSize(100)).toBeCloseTo(0.0979982, 7);
    // 0.0979982 · √(900 / 999) = 0.0979982 · 0.9491580 = 0.0930158
    expect(marginForSize(100, 1000)).toBeCloseTo(0.0930158, 7);
  });

  it('is 0 for a census and Infinity for no sample', () => {
    expect(marginForSize(2000, 2000)).toBe(0);
    expect(marginForSize(2500, 2000)).toBe(0);
    expect(marginForSize(0, 0)).toBe(0);
    expect(marginForSize(0)).toBe(Infinity);
  });

  it('returns NaN for a size that is not a whole number', () => {
    expect(marginForSize(-1)).toBeNaN();
    expect(marginForSize(10.5, 100)).toBeNaN();
  });
});

describe('sizeInputProblem', () => {
  it('wants a margin strictly between 0 and 0.5', () => {
    const problem = { field: 'margin', message: 'must be greater than 0 and less than 0.5' };
    for (const margin of [0, 0.5, -0.03, 3, Number.NaN, Infinity]) expect(sizeInputProblem({ margin })).toEqual(problem);
    expect(sizeInputProblem({ margin: 0.03 })).toBeNull();
    expect(sizeInputProblem({ margin: 0.4999 })).toBeNull();
  });

  it('wants the population and the size as whole numbers, 0 or more', () => {
    for (const population of [-1, 1.5, Number.NaN, Infinity]) expect(sizeInputProblem({ margin: 0.03, population })).toMatchObject({ field: 'population' });
    for (const size of [-1, 0.5]) expect(sizeInputProblem({ size })).toMatchObject({ field: 'size' });
    expect(sizeInputProblem({ margin: 0.03, population: 0 })).toBeNull();
    expect(sizeInputProblem({ size: 0, population: 0 })).toBeNull();
  });

  it('names the margin first when several fields are wrong', () => {
    expect(sizeInputProblem({ margin: 1, population: -1 })).toMatchObject({ field: 'margin' });
  });
});
