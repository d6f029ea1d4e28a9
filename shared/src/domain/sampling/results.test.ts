import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { stratifiedEstimate } from './results.js';

describe('stratifiedEstimate (Cochran)', () => {
  it('matches a hand computation', () => {
    // W = 0.6, 0.4; p = 0.8, 0.5; fpc = 1 − 20/600, 1 − 10/400.
    const estimate = stratifiedEstimate([
      { key: 'a', N: 600, n: 20, successes: 16 },
      { key: 'b', N: 400, n: 10, successes: 5 },
    ]);
    expect(estimate.ok).toBe(true);
    if (!estimate.ok) return;
    const variance = 0.36 * (1 - 20 / 600) * ((0.8 * 0.2) / 19) + 0.16 * (1 - 10 / 400) * ((0.5 * 0.5) / 9);
    expect(estimate.value).toBeCloseTo(0.6 * 0.8 + 0.4 * 0.5, 12);
    expect(estimate.standardError).toBeCloseTo(Math.sqrt(variance), 12);
    expect(estimate.low).toBeCloseTo(0.68 - 1.959963984540054 * Math.sqrt(variance), 12);
    expect(estimate.high).toBeCloseTo(0.68 + 1.959963984540054 * Math.sqrt(variance), 12);
  });

  it('has no sampling error in a census, and is the plain proportion with one stratum', () => {
    const census = stratifiedEstimate([{ key: 'a', N: 12, n: 12, successes: 9 }]);
    expect(census).toMatchObject({ ok: true, value: 0.75, standardError: 0, low: 0.75, high: 0.75 });
  });

  it('is undefined, naming the strata, when a stratum of the frame has fewer than two answers', () => {
    expect(stratifiedEstimate([{ key: 'a', N: 50, n: 10, successes: 5 }, { key: 'b', N: 30, n: 1, successes: 1 }, { key: 'c', N: 20, n: 0, successes: 0 }])).toEqual({
      ok: false,
      problem: 'too-few-answers',
      strata: ['b', 'c'],
    });
    expect(stratifiedEstimate([])).toEqual({ ok: false, problem: 'no-frame', strata: [] });
  });

  it('stays within [0, 1] and between the strata’s lowest and highest proportion', () => {
    const stratum = fc.record({ N: fc.integer({ min: 2, max: 5000 }), n: fc.integer({ min: 2, max: 5000 }), share: fc.double({ min: 0, max: 1, noNaN: true }) });
    fc.assert(
      fc.property(fc.array(stratum, { minLength: 1, maxLength: 8 }), (raw) => {
        const strata = raw.map((s, i) => {
          const n = Math.min(s.n, s.N);
          return { key: `s${i}`, N: s.N, n, successes: Math.round(s.share * n) };
        });
        const estimate = stratifiedEstimate(strata);
        if (!estimate.ok) return false;
        const proportions = strata.map((s) => s.successes / s.n);
        return estimate.low >= 0 && estimate.high <= 1 && estimate.value >= Math.min(...proportions) - 1e-12 && estimate.value <= Math.max(...proportions) + 1e-12;
      }),
      { seed: 20261207 },
    );
  });
});
