import { describe, expect, it } from 'vitest';
import type { LevelCounts } from '../level-counts.js';
import { buildRoundResults, type StratumCounts } from './round-results.js';
import { stratifiedEstimate } from './results.js';

const counts = (l5: number, l4: number, l3: number, l2: number, l1: number): LevelCounts => ({ 5: l5, 4: l4, 3: l3, 2: l2, 1: l1 });
const stratum = (key: string, N: number, drawn: number, answers: LevelCounts, extra: Partial<StratumCounts> = {}): StratumCounts => {
  const responded = answers[1] + answers[2] + answers[3] + answers[4] + answers[5];
  return { key, N, drawn, sent: drawn, failed: 0, responded, optedOut: 0, counts: answers, ...extra };
};

describe('buildRoundResults', () => {
  it('gives the funnel, each stratum’s rates and the stratified estimate when every stratum has k answers', () => {
    const built = buildRoundResults([stratum('a', 600, 40, counts(10, 6, 2, 1, 1), { failed: 2, sent: 38, optedOut: 1 }), stratum('b', 400, 20, counts(3, 2, 2, 2, 1))]);
    expect(built.funnel).toEqual({ N: 1000, drawn: 60, sent: 58, failed: 2, delivered: null, responded: 30, optedOut: 1, responseRate: 30 / 58 });
    const [a, b] = built.strata;
    expect(a).toMatchObject({ key: 'a', W: 0.6, suppressed: null, n: 20, counts: { '5': 10, '4': 6, '3': 2, '2': 1, '1': 1 } });
    expect(a!.satisfiedRate!.value).toBeCloseTo(16 / 20, 12);
    expect(b!.goodRate!.value).toBeCloseTo(7 / 10, 12);
    expect(built.total.n).toBe(30);
    expect(built.estimate.satisfied).toEqual(stratifiedEstimate([{ key: 'a', N: 600, n: 20, successes: 16 }, { key: 'b', N: 400, n: 10, successes: 5 }]));
    expect(built.estimate.good).toEqual(stratifiedEstimate([{ key: 'a', N: 600, n: 20, successes: 18 }, { key: 'b', N: 400, n: 10, successes: 7 }]));
  });

  it('hides a stratum under k, and another so that the round minus the shown strata gives nothing; then no estimate', () => {
    const built = buildRoundResults([stratum('a', 50, 10, counts(3, 0, 0, 0, 0)), stratum('b', 60, 10, counts(4, 2, 0, 1, 0)), stratum('c', 70, 10, counts(5, 5, 1, 0, 0))]);
    const shown = Object.fromEntries(built.strata.map((s) => [s.key, s.suppressed]));
    expect(shown).toEqual({ a: 'small-group', b: 'complementary', c: null });
    expect(built.strata[0]).toMatchObject({ n: null, counts: null, goodRate: null, satisfiedRate: null });
    expect(built.estimate.good).toEqual({ ok: false, problem: 'suppressed', strata: ['a', 'b'] });
    // Were a and b together all 满意 (and c not), subtracting would tell it: c goes too.
    const uniform = buildRoundResults([stratum('a', 50, 10, counts(3, 0, 0, 0, 0)), stratum('b', 60, 10, counts(4, 3, 0, 0, 0)), stratum('c', 70, 10, counts(5, 5, 1, 0, 0))]);
    expect(uniform.strata.map((s) => s.suppressed)).toEqual(['small-group', 'complementary', 'complementary']);
    // The funnel is the design and the sending, not answers' content: it stays.
    expect(built.strata[0]!.funnel.responded).toBe(3);
  });

  it('says which strata are short of two answers once nothing is hidden', () => {
    const built = buildRoundResults([stratum('a', 50, 10, counts(0, 0, 0, 0, 0)), stratum('b', 60, 10, counts(4, 3, 0, 0, 0))]);
    expect(built.strata.map((s) => s.suppressed)).toEqual([null, null]);
    expect(built.estimate.satisfied).toEqual({ ok: false, problem: 'too-few-answers', strata: ['a'] });
  });
});
