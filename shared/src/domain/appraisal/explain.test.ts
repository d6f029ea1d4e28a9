import { describe, expect, it } from 'vitest';
import { explainTally } from './explain.js';
import type { PackBallot, TallyPack } from './pack.js';
import { tally } from './tally.js';

/** The steps of hand-computed cases (docs/decisions/0025): each expected line is worked out in its comment. */
const SCALE = [
  { option: '优秀', score: 100, top: true },
  { option: '合格', score: 80, top: false },
  { option: '基本合格', score: 60, top: false },
  { option: '不合格', score: 40, top: false },
  { option: '弃权', score: null, top: false },
];

const ballots = (group: string, subject: string, indicator: string, options: Record<string, number>): PackBallot[] =>
  Object.entries(options).flatMap(([option, count]) => Array.from({ length: count }, () => ({ group, choices: { [subject]: { [indicator]: option } } })));

function pack(partial: Partial<TallyPack>): TallyPack {
  return {
    format: 'manyi-appraisal-v1',
    campaign: { id: 'c', name: '民主评议', kind: '党员民主评议' },
    scale: SCALE,
    indicators: [{ id: 'i', name: '总体评价', weightPct: 100 }],
    groups: [{ id: 'A', name: 'A', weightPct: 100, issued: 10 }],
    subjects: [{ id: 'm', name: 'm', graded: true }],
    rules: { quorum: { moreThan: '1/2' }, onQuorumFail: 'void', invalidIfIdentical: null, excellentPerBallot: null, trim: null, bands: [{ grade: '优秀', min: 90 }, { grade: '合格', min: 0 }], vetoes: [], excellentCap: null },
    ballots: [],
    ...partial,
  };
}

describe('explainTally', () => {
  it('spells out 30/30/40 over means 90.00, 88.00, 86.00 → group score 87.80', () => {
    // Indicator a: 6×100 + 3×80 + 1×60 = 900 over 10 → 90.00; b: 500+320+60 = 880 → 88.00; c: 400+400+60 = 860 → 86.00.
    const indicators = [
      { id: 'a', name: 'a', weightPct: 30 },
      { id: 'b', name: 'b', weightPct: 30 },
      { id: 'c', name: 'c', weightPct: 40 },
    ];
    const rows = [
      [6, 3, 1],
      [5, 4, 1],
      [4, 5, 1],
    ];
    // Ten ballots, each choosing on all three indicators: ballot k takes the option that row's k-th place falls in.
    const option = (row: number[], k: number) => (k < row[0]! ? '优秀' : k < row[0]! + row[1]! ? '合格' : '基本合格');
    const cast: PackBallot[] = Array.from({ length: 10 }, (_, k) => ({ group: 'A', choices: { m: { a: option(rows[0]!, k), b: option(rows[1]!, k), c: option(rows[2]!, k) } } }));
    const p = pack({ indicators, ballots: cast });
    const [steps] = explainTally(p, tally(p));
    expect(steps!.means.map((line) => [line.indicator, line.n, line.sum, line.kept, line.mean])).toEqual([
      ['a', 10, '900.00', 10, '90.00'],
      ['b', 10, '880.00', 10, '88.00'],
      ['c', 10, '860.00', 10, '86.00'],
    ]);
    expect(steps!.means[0]!.terms).toEqual([
      { option: '优秀', score: '100.00', count: 6 },
      { option: '合格', score: '80.00', count: 3 },
      { option: '基本合格', score: '60.00', count: 1 },
      { option: '不合格', score: '40.00', count: 0 },
    ]);
    // 0.30×90 + 0.30×88 + 0.40×86 = 27 + 26.4 + 34.4 = 87.80 over weights 100.
    expect(steps!.groups[0]!.score).toEqual({
      terms: [
        { id: 'a', weightPct: 30, value: '90.00' },
        { id: 'b', weightPct: 30, value: '88.00' },
        { id: 'c', weightPct: 40, value: '86.00' },
      ],
      weightPct: '100.00',
      value: '87.80',
    });
    expect(steps!.composite).toEqual({ terms: [{ id: 'A', weightPct: 100, value: '87.80' }], weightPct: '100.00', value: '87.80' });
  });

  it('names the scores a trimmed mean drops', () => {
    // 7 scored choices (> 5): 2×100, 4×80, 1×40 = 560; drop one 100 and the 40 → 420 over 5 = 84.00.
    const p = pack({ rules: { ...pack({}).rules, trim: { moreThan: 5, drop: 1 } }, groups: [{ id: 'A', name: 'A', weightPct: 100, issued: 8 }], ballots: ballots('A', 'm', 'i', { 优秀: 2, 合格: 4, 不合格: 1, 弃权: 1 }) });
    const [steps] = explainTally(p, tally(p));
    expect(steps!.means[0]).toMatchObject({
      n: 7,
      sum: '560.00',
      dropped: { highest: [{ score: '100.00', count: 1 }], lowest: [{ score: '40.00', count: 1 }], sum: '140.00' },
      kept: 5,
      mean: '84.00',
    });
  });

  it('leaves a group without its quorum out of the composite, and the composite of a void round', () => {
    // B returns 2 of 10 (not more than half): renormalised, only A (weight 60) counts → composite = A's 80.00.
    const groups = [
      { id: 'A', name: 'A', weightPct: 60, issued: 4 },
      { id: 'B', name: 'B', weightPct: 40, issued: 10 },
    ];
    const cast = [...ballots('A', 'm', 'i', { 合格: 4 }), ...ballots('B', 'm', 'i', { 优秀: 2 })];
    const renormalised = pack({ groups, ballots: cast, rules: { ...pack({}).rules, onQuorumFail: 'renormalise' } });
    const [steps] = explainTally(renormalised, tally(renormalised));
    expect(steps!.groups.map((group) => group.score.value)).toEqual(['80.00', '100.00']);
    expect(steps!.composite).toEqual({ terms: [{ id: 'A', weightPct: 60, value: '80.00' }], weightPct: '60.00', value: '80.00' });
    const voided = pack({ groups, ballots: cast });
    expect(explainTally(voided, tally(voided))[0]!.composite).toBeNull();
  });
});
