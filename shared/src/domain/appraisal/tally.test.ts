import { describe, expect, it } from 'vitest';
import { packProblems, type Band, type PackBallot, type PackGroup, type PackIndicator, type PackSubject, type ScaleOption, type TallyPack, type TallyRules, type Veto } from './pack.js';
import { tally, tallyWithDetail, type SubjectGroupTally, type SubjectTally, type TallyResult } from './tally.js';

/**
 * Hand-computed cases of docs/decisions/0025-manyi-appraisal-v1.md. Every expected figure is
 * worked out in the comment above it from the decision record's text, not from the code.
 */

const SCALE: ScaleOption[] = [
  { option: '优秀', score: 100, top: true },
  { option: '合格', score: 80, top: false },
  { option: '基本合格', score: 60, top: false },
  { option: '不合格', score: 40, top: false },
  { option: '弃权', score: null, top: false },
];

const BANDS: Band[] = [
  { grade: '优秀', min: 90 },
  { grade: '合格', min: 70 },
  { grade: '基本合格', min: 60 },
  { grade: '不合格', min: 0 },
];

const RULES: TallyRules = {
  quorum: { moreThan: '1/2' },
  onQuorumFail: 'void',
  invalidIfIdentical: null,
  excellentPerBallot: null,
  trim: null,
  bands: BANDS,
  vetoes: [],
  excellentCap: null,
};

const OVERALL: PackIndicator[] = [{ id: 'overall', name: '总体评价', weightPct: 100 }];

const group = (id: string, weightPct: number, issued: number): PackGroup => ({ id, name: id, weightPct, issued });
const subject = (id: string, graded = true): PackSubject => ({ id, name: id, graded });
const subjects = (...ids: string[]) => ids.map((id) => subject(id));
const indicator = (id: string, weightPct: number): PackIndicator => ({ id, name: id, weightPct });

interface PackSpec {
  scale?: ScaleOption[];
  indicators?: PackIndicator[];
  groups?: PackGroup[];
  subjects?: PackSubject[];
  rules?: Partial<TallyRules>;
  ballots?: PackBallot[];
}

/** A pack of the defaults above (one group A issued as many ballots as the pack has); checked valid. */
function makePack(spec: PackSpec): TallyPack {
  const pack: TallyPack = {
    format: 'manyi-appraisal-v1',
    campaign: { id: 'c1', name: '2026年度民主评议党员', kind: '党员民主评议' },
    scale: spec.scale ?? SCALE,
    indicators: spec.indicators ?? OVERALL,
    groups: spec.groups ?? [group('A', 100, Math.max(1, spec.ballots?.length ?? 0))],
    subjects: spec.subjects ?? [subject('m1')],
    rules: { ...RULES, ...spec.rules },
    ballots: spec.ballots ?? [],
  };
  expect(packProblems(pack)).toEqual([]);
  return pack;
}

/** ["优秀", "优秀", "合格"] from { 优秀: 2, 合格: 1 }. */
function seq(counts: Record<string, number>): string[] {
  return Object.entries(counts).flatMap(([option, n]) => Array.from({ length: n }, () => option));
}

type Column = readonly (string | undefined)[];

/**
 * Ballots of one group from columns: columns[subject][indicator][k] is ballot k's choice (undefined
 * or past the end: blank). A subject with no choice on a ballot is left out of it.
 */
function columns(groupId: string, bySubject: Record<string, Record<string, Column>>): PackBallot[] {
  const count = Math.max(0, ...Object.values(bySubject).flatMap((byIndicator) => Object.values(byIndicator).map((column) => column.length)));
  return Array.from({ length: count }, (_, k) => {
    const choices: Record<string, Record<string, string>> = {};
    for (const [subjectId, byIndicator] of Object.entries(bySubject)) {
      const chosen: Record<string, string> = {};
      for (const [indicatorId, column] of Object.entries(byIndicator)) {
        const option = column[k];
        if (option !== undefined) chosen[indicatorId] = option;
      }
      if (Object.keys(chosen).length > 0) choices[subjectId] = chosen;
    }
    return { group: groupId, choices };
  });
}

/** Ballots of one group with the single indicator "overall": byOverall[subject][k]. */
function overall(groupId: string, bySubject: Record<string, Column>): PackBallot[] {
  return columns(groupId, Object.fromEntries(Object.entries(bySubject).map(([id, column]) => [id, { overall: column }])));
}

/** One ballot on the single indicator "overall". */
function ballot(groupId: string, choices: Record<string, string>): PackBallot {
  return { group: groupId, choices: Object.fromEntries(Object.entries(choices).map(([id, option]) => [id, { overall: option }])) };
}

function subjectOf(result: TallyResult, id: string): SubjectTally {
  const found = result.subjects.find((entry) => entry.id === id);
  if (!found) throw new Error(`no subject ${id}`);
  return found;
}

function groupOf(entry: SubjectTally, id: string): SubjectGroupTally {
  const found = entry.groups.find((candidate) => candidate.id === id);
  if (!found) throw new Error(`no group ${id}`);
  return found;
}

const counts = (partial: Record<string, number>) => ({ 优秀: 0, 合格: 0, 基本合格: 0, 不合格: 0, 弃权: 0, ...partial });

const veto = (fields: { id: string; group: string; options: string[]; atMost: string; atLeast?: string; moreThan?: string }): Veto => ({ label: fields.id, ...fields }) as Veto;

describe('tally: the reference case of the issue', () => {
  it('weights 30/30/40, 10 valid ballots: means 90.00, 88.00, 86.00, score 87.80', () => {
    // a (30%): 6×100 + 3×80 + 1×60 = 900 → 900/10 = 90.00
    // b (30%): 5×100 + 4×80 + 1×60 = 880 → 88.00
    // c (40%): 4×100 + 5×80 + 1×60 = 860 → 86.00
    // group score = 0.30×90 + 0.30×88 + 0.40×86 = 27 + 26.4 + 34.4 = 87.80
    // one group of weight 100 → composite 87.80 → 合格 (70 ≤ 87.80 < 90)
    const pack = makePack({
      indicators: [indicator('a', 30), indicator('b', 30), indicator('c', 40)],
      groups: [group('A', 100, 10)],
      ballots: columns('A', {
        m1: { a: seq({ 优秀: 6, 合格: 3, 基本合格: 1 }), b: seq({ 优秀: 5, 合格: 4, 基本合格: 1 }), c: seq({ 优秀: 4, 合格: 5, 基本合格: 1 }) },
      }),
    });
    const result = tally(pack);
    expect(result.void).toBe(false);
    expect(result.reasons).toEqual([]);
    expect(result.groups).toEqual([{ id: 'A', issued: 10, returned: 10, valid: 10, invalid: 0, quorumMet: true }]);
    expect(result.subjects).toEqual([
      {
        id: 'm1',
        composite: '87.80',
        proposedGrade: '合格',
        rules: [],
        groups: [
          {
            id: 'A',
            n: 10,
            score: '87.80',
            indicators: [
              { id: 'a', n: 10, mean: '90.00', counts: counts({ 优秀: 6, 合格: 3, 基本合格: 1 }) },
              { id: 'b', n: 10, mean: '88.00', counts: counts({ 优秀: 5, 合格: 4, 基本合格: 1 }) },
              { id: 'c', n: 10, mean: '86.00', counts: counts({ 优秀: 4, 合格: 5, 基本合格: 1 }) },
            ],
          },
        ],
      },
    ]);
  });

  it('lists groups and subjects in the pack order, and a subject’s groups and indicators too', () => {
    const pack = makePack({
      indicators: [indicator('z', 50), indicator('a', 50)],
      groups: [group('Z', 50, 1), group('A', 50, 1)],
      subjects: subjects('m9', 'm1', 'm5'),
      ballots: [],
    });
    const result = tally(pack);
    expect(result.groups.map((entry) => entry.id)).toEqual(['Z', 'A']);
    expect(result.subjects.map((entry) => entry.id)).toEqual(['m9', 'm1', 'm5']);
    for (const entry of result.subjects) {
      expect(entry.groups.map((part) => part.id)).toEqual(['Z', 'A']);
      for (const part of entry.groups) expect(part.indicators.map((item) => item.id)).toEqual(['z', 'a']);
    }
  });
});

describe('tally: trimming', () => {
  it('drops the highest and the lowest score when n > moreThan', () => {
    // n = 6 > 5: 100, 100, 80, 80, 60, 40 → drop one 100 and the 40 → (100 + 80 + 80 + 60)/4 = 320/4 = 80.00
    // (untrimmed it would be 460/6 = 76.67)
    const pack = makePack({ rules: { trim: { moreThan: 5, drop: 1 } }, ballots: overall('A', { m1: seq({ 优秀: 2, 合格: 2, 基本合格: 1, 不合格: 1 }) }) });
    const m1 = subjectOf(tally(pack), 'm1');
    expect(m1.groups[0]!.indicators[0]).toEqual({ id: 'overall', n: 6, mean: '80.00', counts: counts({ 优秀: 2, 合格: 2, 基本合格: 1, 不合格: 1 }) });
    expect(m1.groups[0]!.n).toBe(6);
    expect(m1.composite).toBe('80.00');
    expect(m1.proposedGrade).toBe('合格');
    expect(m1.rules).toEqual(['trim']);
  });

  it('does not trim when n == moreThan', () => {
    // n = 5 = moreThan: 100, 100, 80, 60, 40 → 380/5 = 76.00, no trim
    const pack = makePack({ rules: { trim: { moreThan: 5, drop: 1 } }, ballots: overall('A', { m1: seq({ 优秀: 2, 合格: 1, 基本合格: 1, 不合格: 1 }) }) });
    const m1 = subjectOf(tally(pack), 'm1');
    expect(m1.groups[0]!.indicators[0]!.mean).toBe('76.00');
    expect(m1.composite).toBe('76.00');
    expect(m1.rules).toEqual([]);
  });

  it('counts n over scored choices only: 5 scored + 1 弃权 is not trimmed', () => {
    // n = 5 scored (the 弃权 is counted, not scored): 380/5 = 76.00
    const pack = makePack({ rules: { trim: { moreThan: 5, drop: 1 } }, ballots: overall('A', { m1: seq({ 优秀: 2, 合格: 1, 基本合格: 1, 不合格: 1, 弃权: 1 }) }) });
    const m1 = subjectOf(tally(pack), 'm1');
    expect(m1.groups[0]!.indicators[0]).toMatchObject({ n: 5, mean: '76.00', counts: counts({ 优秀: 2, 合格: 1, 基本合格: 1, 不合格: 1, 弃权: 1 }) });
    expect(m1.rules).toEqual([]);
  });

  it('drops `drop` scores at each end, across options', () => {
    // moreThan 4, drop 2, n = 5: 100, 80, 80, 60, 40 → drop 100, 80 and 40, 60 → 80/1 = 80.00
    const pack = makePack({ rules: { trim: { moreThan: 4, drop: 2 } }, ballots: overall('A', { m1: seq({ 优秀: 1, 合格: 2, 基本合格: 1, 不合格: 1 }) }) });
    const m1 = subjectOf(tally(pack), 'm1');
    expect(m1.groups[0]!.indicators[0]).toMatchObject({ n: 5, mean: '80.00' });
    expect(m1.rules).toEqual(['trim']);
  });

  it('gives the rule when any one mean was trimmed, and trims only that mean', () => {
    // a: n = 6 > 5: 100×5, 40 → drop 40 and one 100 → 100.00
    // b: n = 3: 80, 80, 60 → 220/3 = 73.333… → 73.33
    // score = 0.5×100 + 0.5×220/3 = 50 + 110/3 = 86.666… → 86.67
    const pack = makePack({
      indicators: [indicator('a', 50), indicator('b', 50)],
      subjects: subjects('m1', 'm2'),
      rules: { trim: { moreThan: 5, drop: 1 } },
      ballots: columns('A', { m1: { a: seq({ 优秀: 5, 不合格: 1 }), b: seq({ 合格: 2, 基本合格: 1 }) }, m2: { a: seq({ 合格: 3 }) } }),
    });
    const result = tally(pack);
    const m1 = subjectOf(result, 'm1');
    expect(m1.groups[0]!.indicators.map((entry) => entry.mean)).toEqual(['100.00', '73.33']);
    expect(m1.groups[0]!.score).toBe('86.67');
    expect(m1.composite).toBe('86.67');
    expect(m1.rules).toEqual(['trim']);
    expect(subjectOf(result, 'm2').rules).toEqual([]);
  });
});

describe('tally: quorum', () => {
  it('voids the round when a group fails with onQuorumFail "void"', () => {
    // A: 5 of 10 returned, 5/10 is not more than 1/2 → quorum:A, void
    const pack = makePack({
      groups: [group('A', 70, 10), group('B', 30, 4)],
      subjects: subjects('m1', 'm2'),
      ballots: [...overall('A', { m1: seq({ 优秀: 5 }), m2: seq({ 合格: 5 }) }), ...overall('B', { m1: seq({ 优秀: 4 }), m2: seq({ 合格: 4 }) })],
    });
    const result = tally(pack);
    expect(result.void).toBe(true);
    expect(result.reasons).toEqual(['quorum:A']);
    expect(result.groups).toEqual([
      { id: 'A', issued: 10, returned: 5, valid: 5, invalid: 0, quorumMet: false },
      { id: 'B', issued: 4, returned: 4, valid: 4, invalid: 0, quorumMet: true },
    ]);
    // a void round still lists counts, means and group scores, and no composite or grade
    for (const entry of result.subjects) {
      expect(entry.composite).toBeNull();
      expect(entry.proposedGrade).toBeNull();
      expect(entry.rules).toEqual([]);
    }
    const m1 = subjectOf(result, 'm1');
    expect(groupOf(m1, 'A')).toEqual({ id: 'A', n: 5, score: '100.00', indicators: [{ id: 'overall', n: 5, mean: '100.00', counts: counts({ 优秀: 5 }) }] });
    expect(groupOf(m1, 'B').score).toBe('100.00');
  });

  it('compares moreThan strictly and atLeast inclusively at exactly the ratio', () => {
    // 5/10 = 1/2 exactly: moreThan "1/2" fails, atLeast "1/2" is met; 6/10 meets moreThan
    const ballots = (returned: number) => overall('A', { m1: seq({ 合格: returned }) });
    const more = tally(makePack({ groups: [group('A', 100, 10)], rules: { quorum: { moreThan: '1/2' } }, ballots: ballots(5) }));
    expect(more.groups[0]!.quorumMet).toBe(false);
    expect(more.void).toBe(true);
    const least = tally(makePack({ groups: [group('A', 100, 10)], rules: { quorum: { atLeast: '1/2' } }, ballots: ballots(5) }));
    expect(least.groups[0]!.quorumMet).toBe(true);
    expect(least.void).toBe(false);
    expect(subjectOf(least, 'm1').composite).toBe('80.00');
    const six = tally(makePack({ groups: [group('A', 100, 10)], rules: { quorum: { moreThan: '1/2' } }, ballots: ballots(6) }));
    expect(six.groups[0]!.quorumMet).toBe(true);
    // 2/3 of 9 = 6: atLeast "2/3" met at 6, moreThan "2/3" not
    const twoThirds = (quorum: TallyRules['quorum']) => tally(makePack({ groups: [group('A', 100, 9)], rules: { quorum }, ballots: ballots(6) })).groups[0]!.quorumMet;
    expect(twoThirds({ atLeast: '2/3' })).toBe(true);
    expect(twoThirds({ moreThan: '2/3' })).toBe(false);
    // a percentage is exact too: 3/10 is not more than 30%
    const thirty = (returned: number) => tally(makePack({ groups: [group('A', 100, 10)], rules: { quorum: { moreThan: '30%' } }, ballots: ballots(returned) })).groups[0]!.quorumMet;
    expect(thirty(3)).toBe(false);
    expect(thirty(4)).toBe(true);
  });

  it('drops a failing group with "renormalise" and renormalises the others’ weights', () => {
    // A (50%): 4 of 10 returned → dropped. B (30%): 3 of 3, m1 all 优秀 → 100. C (20%): 2 of 2, m1 all 合格 → 80.
    // composite m1 = (30×100 + 20×80)/(30 + 20) = 4600/50 = 92.00 → 优秀 (A's 不合格 counts in no score)
    // m2: B 基本合格 → 60, C none → (30×60)/30 = 60.00 → 基本合格
    const pack = makePack({
      groups: [group('A', 50, 10), group('B', 30, 3), group('C', 20, 2)],
      subjects: subjects('m1', 'm2'),
      rules: { onQuorumFail: 'renormalise' },
      ballots: [...overall('A', { m1: seq({ 不合格: 4 }) }), ...overall('B', { m1: seq({ 优秀: 3 }), m2: seq({ 基本合格: 3 }) }), ...overall('C', { m1: seq({ 合格: 2 }) })],
    });
    const result = tally(pack);
    expect(result.void).toBe(false);
    expect(result.reasons).toEqual([]);
    expect(result.groups.map((entry) => entry.quorumMet)).toEqual([false, true, true]);
    const m1 = subjectOf(result, 'm1');
    expect(m1.composite).toBe('92.00');
    expect(m1.proposedGrade).toBe('优秀');
    expect(m1.rules).toEqual(['quorum']);
    // the dropped group's counts are still listed
    expect(groupOf(m1, 'A').indicators[0]!.counts).toEqual(counts({ 不合格: 4 }));
    const m2 = subjectOf(result, 'm2');
    expect(m2.composite).toBe('60.00');
    expect(m2.proposedGrade).toBe('基本合格');
    // every subject gets the rule
    expect(m2.rules).toEqual(['quorum']);
  });

  it('voids the round when every group is dropped, with quorum:{group} for each', () => {
    // A: 1 of 10, B: 2 of 5 — neither above half
    const pack = makePack({
      groups: [group('A', 60, 10), group('B', 40, 5)],
      rules: { onQuorumFail: 'renormalise' },
      ballots: [...overall('A', { m1: seq({ 优秀: 1 }) }), ...overall('B', { m1: seq({ 优秀: 2 }) })],
    });
    const result = tally(pack);
    expect(result.void).toBe(true);
    expect([...result.reasons].sort()).toEqual(['quorum:A', 'quorum:B']);
    expect(subjectOf(result, 'm1').composite).toBeNull();
    expect(subjectOf(result, 'm1').proposedGrade).toBeNull();
  });

  it('never meets the quorum with issued = 0, even at a ratio of 0', () => {
    // 0 issued, 0 returned: not met (nothing from nothing), although 0 ≥ 0
    const zero = tally(makePack({ groups: [group('A', 100, 0)], rules: { quorum: { atLeast: '0/1' } } }));
    expect(zero.groups[0]).toEqual({ id: 'A', issued: 0, returned: 0, valid: 0, invalid: 0, quorumMet: false });
    expect(zero.void).toBe(true);
    expect(zero.reasons).toEqual(['quorum:A']);
    // 1 issued, 0 returned: 0/1 ≥ 0 is met; no ballot → no score, no composite, no grade
    const one = tally(makePack({ groups: [group('A', 100, 1)], rules: { quorum: { atLeast: '0/1' } } }));
    expect(one.groups[0]!.quorumMet).toBe(true);
    expect(one.void).toBe(false);
    expect(subjectOf(one, 'm1')).toMatchObject({ composite: null, proposedGrade: null });
  });
});

describe('tally: returned > issued', () => {
  it('voids the round with returned-exceeds-issued:{group}', () => {
    // B: 3 returned of 2 issued (a re-vote). 3/2 is above the quorum ratio, so no quorum reason.
    const pack = makePack({
      groups: [group('A', 50, 2), group('B', 50, 2)],
      ballots: [...overall('A', { m1: seq({ 优秀: 2 }) }), ...overall('B', { m1: seq({ 合格: 3 }) })],
    });
    const result = tally(pack);
    expect(result.void).toBe(true);
    expect(result.reasons).toEqual(['returned-exceeds-issued:B']);
    expect(result.groups[1]).toEqual({ id: 'B', issued: 2, returned: 3, valid: 3, invalid: 0, quorumMet: true });
    const m1 = subjectOf(result, 'm1');
    expect(m1.composite).toBeNull();
    expect(m1.proposedGrade).toBeNull();
    expect(groupOf(m1, 'B').indicators[0]!.counts).toEqual(counts({ 合格: 3 }));
    expect(groupOf(m1, 'B').score).toBe('80.00');
  });

  it('voids the round with "renormalise" too', () => {
    const pack = makePack({
      groups: [group('A', 50, 2), group('B', 50, 2)],
      rules: { onQuorumFail: 'renormalise' },
      ballots: [...overall('A', { m1: seq({ 优秀: 2 }) }), ...overall('B', { m1: seq({ 合格: 3 }) })],
    });
    const result = tally(pack);
    expect(result.void).toBe(true);
    expect(result.reasons).toEqual(['returned-exceeds-issued:B']);
  });
});

describe('tally: invalid ballots', () => {
  it('invalidIfIdentical: one scored option for every graded subject; 弃权, blanks and ungraded subjects', () => {
    // G = 3 (m1, m2, m3; u ungraded) ≥ minSubjects 3.
    //  1: 优秀 优秀 优秀          → invalid (all 优秀)
    //  2: 不合格 不合格 不合格     → invalid (all 不合格)
    //  3: 优秀 优秀 弃权          → valid (a 弃权 breaks identity)
    //  4: 优秀 优秀 (blank)       → valid (a blank breaks identity)
    //  5: 优秀 优秀 优秀, u 合格   → invalid (u plays no part)
    //  6: 合格 优秀 优秀          → valid
    //  7: 弃权 弃权 弃权          → valid (not a scored option)
    // returned 7, invalid 3, valid 4 (ballots 3, 4, 6, 7)
    // m1 over the valid: 优秀 (3), 优秀 (4), 合格 (6), 弃权 (7) → n 3, mean 280/3 = 93.33, group n 3
    // m3: 弃权, blank, 优秀, 弃权 → counts 优秀 1, 弃权 2, n 1, mean 100.00, group n 1
    // u: only on ballot 5 (invalid) → nothing counted, mean null
    const pack = makePack({
      subjects: [subject('m1'), subject('m2'), subject('m3'), subject('u', false)],
      rules: { invalidIfIdentical: { minSubjects: 3 } },
      ballots: [
        ballot('A', { m1: '优秀', m2: '优秀', m3: '优秀' }),
        ballot('A', { m1: '不合格', m2: '不合格', m3: '不合格' }),
        ballot('A', { m1: '优秀', m2: '优秀', m3: '弃权' }),
        ballot('A', { m1: '优秀', m2: '优秀' }),
        ballot('A', { m1: '优秀', m2: '优秀', m3: '优秀', u: '合格' }),
        ballot('A', { m1: '合格', m2: '优秀', m3: '优秀' }),
        ballot('A', { m1: '弃权', m2: '弃权', m3: '弃权' }),
      ],
    });
    const detail = tallyWithDetail(pack);
    const result = detail.result;
    expect(result.groups[0]).toEqual({ id: 'A', issued: 7, returned: 7, valid: 4, invalid: 3, quorumMet: true });
    expect(detail.invalid).toEqual({ A: { identical: 3, excellentPerBallot: 0 } });
    const m1 = subjectOf(result, 'm1');
    expect(m1.groups[0]).toEqual({ id: 'A', n: 3, score: '93.33', indicators: [{ id: 'overall', n: 3, mean: '93.33', counts: counts({ 优秀: 2, 合格: 1, 弃权: 1 }) }] });
    const m3 = subjectOf(result, 'm3');
    expect(m3.groups[0]).toEqual({ id: 'A', n: 1, score: '100.00', indicators: [{ id: 'overall', n: 1, mean: '100.00', counts: counts({ 优秀: 1, 弃权: 2 }) }] });
    const u = subjectOf(result, 'u');
    expect(u.groups[0]).toEqual({ id: 'A', n: 0, score: null, indicators: [{ id: 'overall', n: 0, mean: null, counts: counts({}) }] });
    expect(u.composite).toBeNull();
  });

  it('invalidIfIdentical applies only when G ≥ minSubjects, ungraded subjects not counted in G', () => {
    // G = 2 (u ungraded) < 3: the all-优秀 ballot is valid; with minSubjects 2 it is invalid
    const ballots = [ballot('A', { m1: '优秀', m2: '优秀', u: '优秀' }), ballot('A', { m1: '合格', m2: '优秀', u: '优秀' })];
    const three = tally(makePack({ subjects: [subject('m1'), subject('m2'), subject('u', false)], rules: { invalidIfIdentical: { minSubjects: 3 } }, ballots }));
    expect(three.groups[0]).toMatchObject({ returned: 2, valid: 2, invalid: 0 });
    const two = tally(makePack({ subjects: [subject('m1'), subject('m2'), subject('u', false)], rules: { invalidIfIdentical: { minSubjects: 2 } }, ballots }));
    expect(two.groups[0]).toMatchObject({ returned: 2, valid: 1, invalid: 1 });
    // m1 then counts only the second ballot: 合格 → 80.00
    expect(subjectOf(two, 'm1').composite).toBe('80.00');
  });

  it('invalidIfIdentical with several indicators: one option across every indicator too', () => {
    // 1: a all 优秀, b all 合格                  → valid (not one and the same option)
    // 2: a and b all 优秀                        → invalid
    // 3: a all 优秀, b 优秀 but blank for m3     → valid (a blank)
    const both = (a: string, b: string) => ({ a, b });
    const pack = makePack({
      indicators: [indicator('a', 50), indicator('b', 50)],
      subjects: subjects('m1', 'm2', 'm3'),
      rules: { invalidIfIdentical: { minSubjects: 2 } },
      ballots: [
        { group: 'A', choices: { m1: both('优秀', '合格'), m2: both('优秀', '合格'), m3: both('优秀', '合格') } },
        { group: 'A', choices: { m1: both('优秀', '优秀'), m2: both('优秀', '优秀'), m3: both('优秀', '优秀') } },
        { group: 'A', choices: { m1: both('优秀', '优秀'), m2: both('优秀', '优秀'), m3: { a: '优秀' } } },
      ],
    });
    const detail = tallyWithDetail(pack);
    expect(detail.result.groups[0]).toMatchObject({ returned: 3, valid: 2, invalid: 1 });
    expect(detail.invalid['A']).toEqual({ identical: 1, excellentPerBallot: 0 });
    // m3 over ballots 1 and 3: a 优秀, 优秀 → 100; b 合格 → 80; score 0.5×100 + 0.5×80 = 90.00
    expect(subjectOf(detail.result, 'm3').groups[0]!.score).toBe('90.00');
  });

  it('excellentPerBallot: more graded subjects given the top option than ⌊maxShare × G⌋', () => {
    // G = 4 (u ungraded), maxShare 1/3 → limit ⌊4/3⌋ = 1
    //  1: m1 优秀, m2 优秀, m3 合格, m4 合格          → 2 > 1: invalid
    //  2: m1 优秀, m2 合格, m3 合格, m4 合格, u 优秀   → 1 (u plays no part): valid
    //  3: m1 合格, m2 合格, m3 合格, m4 弃权           → valid
    // returned 3, invalid 1; m2 over ballots 2, 3: 合格, 合格 → 80.00
    const pack = makePack({
      subjects: [subject('m1'), subject('m2'), subject('m3'), subject('m4'), subject('u', false)],
      rules: { excellentPerBallot: { maxShare: '1/3' } },
      ballots: [
        ballot('A', { m1: '优秀', m2: '优秀', m3: '合格', m4: '合格' }),
        ballot('A', { m1: '优秀', m2: '合格', m3: '合格', m4: '合格', u: '优秀' }),
        ballot('A', { m1: '合格', m2: '合格', m3: '合格', m4: '弃权' }),
      ],
    });
    const detail = tallyWithDetail(pack);
    expect(detail.result.groups[0]).toMatchObject({ returned: 3, valid: 2, invalid: 1 });
    expect(detail.invalid).toEqual({ A: { identical: 0, excellentPerBallot: 1 } });
    const m2 = subjectOf(detail.result, 'm2');
    expect(m2.groups[0]!.indicators[0]).toMatchObject({ n: 2, mean: '80.00', counts: counts({ 合格: 2 }) });
    // m1: 优秀 (2), 合格 (3) → 90.00; u: 优秀 (2) → 100.00
    expect(subjectOf(detail.result, 'm1').composite).toBe('90.00');
    expect(subjectOf(detail.result, 'u').composite).toBe('100.00');
  });

  it('excellentPerBallot: exactly the limit is valid', () => {
    // G = 4, maxShare 1/2 → limit 2: two 优秀 valid, three invalid
    const pack = makePack({
      subjects: subjects('m1', 'm2', 'm3', 'm4'),
      rules: { excellentPerBallot: { maxShare: '1/2' } },
      ballots: [ballot('A', { m1: '优秀', m2: '优秀', m3: '合格', m4: '合格' }), ballot('A', { m1: '优秀', m2: '优秀', m3: '优秀', m4: '合格' })],
    });
    expect(tally(pack).groups[0]).toMatchObject({ returned: 2, valid: 1, invalid: 1 });
  });

  it('excellentPerBallot is checked per indicator', () => {
    // G = 3, maxShare 1/3 → limit 1
    //  1: m1 优秀 on a, m2 优秀 on b, the rest 合格 → one per indicator: valid
    //  2: m1 and m2 优秀 on a                      → 2 on a: invalid
    const pack = makePack({
      indicators: [indicator('a', 50), indicator('b', 50)],
      subjects: subjects('m1', 'm2', 'm3'),
      rules: { excellentPerBallot: { maxShare: '1/3' } },
      ballots: [
        { group: 'A', choices: { m1: { a: '优秀', b: '合格' }, m2: { a: '合格', b: '优秀' }, m3: { a: '合格', b: '合格' } } },
        { group: 'A', choices: { m1: { a: '优秀', b: '合格' }, m2: { a: '优秀', b: '合格' }, m3: { a: '合格', b: '合格' } } },
      ],
    });
    expect(tally(pack).groups[0]).toMatchObject({ returned: 2, valid: 1, invalid: 1 });
  });

  it('tallyWithDetail counts a ballot invalid for both reasons in each, and once in invalid', () => {
    // G = 3, minSubjects 3, maxShare 1/3 → limit 1
    //  1: 优秀 ×3 → identical and 3 > 1 top
    //  2: 合格 ×3 → identical
    //  3: 优秀 优秀 合格 → 2 > 1 top
    //  4: 优秀 合格 合格 → valid
    const pack = makePack({
      groups: [group('A', 60, 4), group('B', 40, 1)],
      subjects: subjects('m1', 'm2', 'm3'),
      rules: { invalidIfIdentical: { minSubjects: 3 }, excellentPerBallot: { maxShare: '1/3' } },
      ballots: [
        ballot('A', { m1: '优秀', m2: '优秀', m3: '优秀' }),
        ballot('A', { m1: '合格', m2: '合格', m3: '合格' }),
        ballot('A', { m1: '优秀', m2: '优秀', m3: '合格' }),
        ballot('A', { m1: '优秀', m2: '合格', m3: '合格' }),
        ballot('B', { m1: '合格', m2: '合格', m3: '基本合格' }),
      ],
    });
    const detail = tallyWithDetail(pack);
    expect(detail.result).toEqual(tally(pack));
    expect(detail.result.groups).toEqual([
      { id: 'A', issued: 4, returned: 4, valid: 1, invalid: 3, quorumMet: true },
      { id: 'B', issued: 1, returned: 1, valid: 1, invalid: 0, quorumMet: true },
    ]);
    expect(detail.invalid).toEqual({ A: { identical: 2, excellentPerBallot: 2 }, B: { identical: 0, excellentPerBallot: 0 } });
  });
});

describe('tally: blanks, 弃权 and missing parts', () => {
  it('counts 弃权 and does not score it; a blank is not counted', () => {
    // indicators a 50, b 50; ballots for m1:
    //  1: a 优秀, b 合格 · 2: a 弃权, b 合格 · 3: a 弃权 (b blank) · 4: m1 {} · 5: m1 left out
    // a: counts 优秀 1, 弃权 2 → n 1, mean 100.00; b: 合格 2 → n 2, mean 80.00
    // group n = ballots with a scored choice for m1 = 1 and 2 → 2
    // score = 0.5×100 + 0.5×80 = 90.00 → 优秀
    // m2 (ballot 5 only, a 合格, b blank): a mean 80, b null → score over a alone = 80.00
    const pack = makePack({
      indicators: [indicator('a', 50), indicator('b', 50)],
      subjects: subjects('m1', 'm2'),
      ballots: [
        { group: 'A', choices: { m1: { a: '优秀', b: '合格' } } },
        { group: 'A', choices: { m1: { a: '弃权', b: '合格' } } },
        { group: 'A', choices: { m1: { a: '弃权' } } },
        { group: 'A', choices: { m1: {} } },
        { group: 'A', choices: { m2: { a: '合格' } } },
        { group: 'A', choices: {} },
      ],
    });
    const result = tally(pack);
    expect(result.groups[0]).toMatchObject({ returned: 6, valid: 6, invalid: 0 });
    const m1 = subjectOf(result, 'm1');
    expect(m1.groups[0]).toEqual({
      id: 'A',
      n: 2,
      score: '90.00',
      indicators: [
        { id: 'a', n: 1, mean: '100.00', counts: counts({ 优秀: 1, 弃权: 2 }) },
        { id: 'b', n: 2, mean: '80.00', counts: counts({ 合格: 2 }) },
      ],
    });
    expect(m1.composite).toBe('90.00');
    expect(m1.proposedGrade).toBe('优秀');
    const m2 = subjectOf(result, 'm2');
    expect(m2.groups[0]).toMatchObject({ n: 1, score: '80.00' });
    expect(m2.groups[0]!.indicators[1]).toEqual({ id: 'b', n: 0, mean: null, counts: counts({}) });
    expect(m2.composite).toBe('80.00');
  });

  it('renormalises over indicators with a mean (30/70, only the 30% one scored)', () => {
    // a (30%) mean 60, b (70%) all 弃权 → score = 30×60/30 = 60.00, not 0.3×60 = 18
    const pack = makePack({ indicators: [indicator('a', 30), indicator('b', 70)], ballots: columns('A', { m1: { a: seq({ 基本合格: 2 }), b: seq({ 弃权: 2 }) } }) });
    const m1 = subjectOf(tally(pack), 'm1');
    expect(m1.groups[0]!.score).toBe('60.00');
    expect(m1.composite).toBe('60.00');
    expect(m1.proposedGrade).toBe('基本合格');
  });

  it('leaves a group with no scored choice out of the composite (score null), the others renormalised', () => {
    // A (70%) gives m1 only 弃权 → score null, n 0; B (30%): 合格, 合格, 基本合格 → 220/3 = 73.33…
    // composite m1 = 30×(220/3)/30 = 73.33 → 合格 (counting A as 0 would give 22.00)
    // m2: A 优秀 ×3 → 100, B 合格 ×3 → 80: 0.7×100 + 0.3×80 = 70 + 24 = 94.00 → 优秀
    const pack = makePack({
      groups: [group('A', 70, 3), group('B', 30, 3)],
      subjects: subjects('m1', 'm2'),
      ballots: [...overall('A', { m1: seq({ 弃权: 3 }), m2: seq({ 优秀: 3 }) }), ...overall('B', { m1: seq({ 合格: 2, 基本合格: 1 }), m2: seq({ 合格: 3 }) })],
    });
    const result = tally(pack);
    const m1 = subjectOf(result, 'm1');
    expect(groupOf(m1, 'A')).toEqual({ id: 'A', n: 0, score: null, indicators: [{ id: 'overall', n: 0, mean: null, counts: counts({ 弃权: 3 }) }] });
    expect(groupOf(m1, 'B').score).toBe('73.33');
    expect(m1.composite).toBe('73.33');
    expect(m1.proposedGrade).toBe('合格');
    expect(m1.rules).toEqual([]);
    const m2 = subjectOf(result, 'm2');
    expect(m2.composite).toBe('94.00');
    expect(m2.proposedGrade).toBe('优秀');
  });

  it('gives no composite and no grade when no group scored the subject', () => {
    const pack = makePack({ groups: [group('A', 70, 2), group('B', 30, 2)], ballots: [...overall('A', { m1: seq({ 弃权: 2 }) }), ...overall('B', { m1: [] }), { group: 'B', choices: {} }, { group: 'B', choices: {} }] });
    const m1 = subjectOf(tally(pack), 'm1');
    expect(m1.composite).toBeNull();
    expect(m1.proposedGrade).toBeNull();
    expect(m1.groups.map((part) => part.score)).toEqual([null, null]);
  });

  it('gives no composite when the only group with a score has weight 0', () => {
    // A (0%) scores m1 100; B (100%) only 弃权 → the parts' weights sum to 0 → null
    const pack = makePack({ groups: [group('A', 0, 1), group('B', 100, 1)], ballots: [...overall('A', { m1: ['优秀'] }), ...overall('B', { m1: ['弃权'] })] });
    const m1 = subjectOf(tally(pack), 'm1');
    expect(groupOf(m1, 'A').score).toBe('100.00');
    expect(m1.composite).toBeNull();
    expect(m1.proposedGrade).toBeNull();
  });
});

describe('tally: bands', () => {
  it('gives the last band below every minimum', () => {
    // bands 90/70/60/50; composite 40.00 (all 不合格) is below 50 → the last band, 不合格
    const bands: Band[] = [
      { grade: '优秀', min: 90 },
      { grade: '合格', min: 70 },
      { grade: '基本合格', min: 60 },
      { grade: '不合格', min: 50 },
    ];
    const m1 = subjectOf(tally(makePack({ rules: { bands }, ballots: overall('A', { m1: seq({ 不合格: 2 }) }) })), 'm1');
    expect(m1.composite).toBe('40.00');
    expect(m1.proposedGrade).toBe('不合格');
  });

  it('takes the band whose min ≤ composite: exactly at a minimum is in', () => {
    // 合格 + 基本合格 = (80 + 60)/2 = 70.00 → 合格 (min 70)
    const m1 = subjectOf(tally(makePack({ ballots: overall('A', { m1: seq({ 合格: 1, 基本合格: 1 }) }) })), 'm1');
    expect(m1.composite).toBe('70.00');
    expect(m1.proposedGrade).toBe('合格');
  });

  const edgeScale: ScaleOption[] = [
    { option: '甲', score: 90, top: true },
    { option: '乙', score: 89.99, top: false },
  ];

  it('compares the composite rounded half-up: 89.995 → 90.00 → 优秀', () => {
    // (90 + 89.99)/2 = 89.995 exactly → rounded half-up 90.00 ≥ 90 → 优秀
    const m1 = subjectOf(tally(makePack({ scale: edgeScale, groups: [group('A', 100, 2)], ballots: overall('A', { m1: ['甲', '乙'] }) })), 'm1');
    expect(m1.composite).toBe('90.00');
    expect(m1.groups[0]!.indicators[0]!.mean).toBe('90.00');
    expect(m1.proposedGrade).toBe('优秀');
  });

  it('compares the composite rounded half-up: 89.99494… → 89.99 → 合格', () => {
    // 49 × 90 + 50 × 89.99 over 99 = 89.99 + 0.49/99 = 89.99494… → 89.99 < 90 → 合格
    const m1 = subjectOf(
      tally(makePack({ scale: edgeScale, groups: [group('A', 100, 99)], ballots: overall('A', { m1: seq({ 甲: 49, 乙: 50 }) }) })),
      'm1',
    );
    expect(m1.composite).toBe('89.99');
    expect(m1.proposedGrade).toBe('合格');
  });

  it('rounds the composite from exact group scores, not from rounded ones', () => {
    // A (50%): (90 + 90 + 89.99)/3 = 89.99666… (shown 90.00); B (50%): 89.99 (shown 89.99)
    // exact composite = 0.5×89.99666… + 0.5×89.99 = 89.99333… → 89.99 → 合格
    // (from the shown scores: 0.5×90.00 + 0.5×89.99 = 89.995 → 90.00 → 优秀, which is wrong)
    const pack = makePack({
      scale: edgeScale,
      groups: [group('A', 50, 3), group('B', 50, 1)],
      ballots: [...overall('A', { m1: ['甲', '甲', '乙'] }), ...overall('B', { m1: ['乙'] })],
    });
    const m1 = subjectOf(tally(pack), 'm1');
    expect(m1.groups.map((part) => part.score)).toEqual(['90.00', '89.99']);
    expect(m1.composite).toBe('89.99');
    expect(m1.proposedGrade).toBe('合格');
  });
});

describe('tally: vetoes', () => {
  const masses = (threshold: { atLeast: string } | { moreThan: string }, atMost = '不合格'): Veto =>
    veto({ id: 'masses', group: 'B', options: ['不合格'], atMost, ...threshold });
  // A (党员, 70%) gives m1 优秀 ×4 → 100; B (群众, 30%) gives 不合格 ×2, 优秀 ×2 → (80 + 200)/4 = 70
  // composite = 0.7×100 + 0.3×70 = 70 + 21 = 91.00 → 优秀 before vetoes; B's 不合格 share = 2/4 = 1/2
  const vetoPack = (vetoes: Veto[], groups = [group('A', 70, 4), group('B', 30, 4)], extra: Partial<TallyRules> = {}) =>
    makePack({
      groups,
      rules: { vetoes, ...extra },
      ballots: [...overall('A', { m1: seq({ 优秀: 4 }) }), ...overall('B', { m1: seq({ 不合格: 2, 优秀: 2 }) })],
    });

  it('fires atLeast at exactly the ratio and lowers 优秀 to 不合格', () => {
    const m1 = subjectOf(tally(vetoPack([masses({ atLeast: '1/2' })])), 'm1');
    expect(m1.composite).toBe('91.00');
    expect(m1.proposedGrade).toBe('不合格');
    expect(m1.rules).toEqual(['veto:masses']);
  });

  it('does not fire moreThan at exactly the ratio', () => {
    const m1 = subjectOf(tally(vetoPack([masses({ moreThan: '1/2' })])), 'm1');
    expect(m1.proposedGrade).toBe('优秀');
    expect(m1.rules).toEqual([]);
  });

  it('fires moreThan just above the ratio', () => {
    // 1/2 > 49% 
    const m1 = subjectOf(tally(vetoPack([masses({ moreThan: '49%' })])), 'm1');
    expect(m1.proposedGrade).toBe('不合格');
    expect(m1.rules).toEqual(['veto:masses']);
  });

  it('takes the share over scored choices only (弃权 not in the denominator)', () => {
    // B: 不合格 1, 优秀 1, 弃权 2 → share 1/2 (not 1/4) → fires at atLeast 1/2
    // B mean = (40 + 100)/2 = 70 → composite 0.7×100 + 0.3×70 = 91.00
    const pack = makePack({
      groups: [group('A', 70, 4), group('B', 30, 4)],
      rules: { vetoes: [masses({ atLeast: '1/2' })] },
      ballots: [...overall('A', { m1: seq({ 优秀: 4 }) }), ...overall('B', { m1: seq({ 不合格: 1, 优秀: 1, 弃权: 2 }) })],
    });
    const m1 = subjectOf(tally(pack), 'm1');
    expect(m1.composite).toBe('91.00');
    expect(m1.proposedGrade).toBe('不合格');
    expect(m1.rules).toEqual(['veto:masses']);
  });

  it('does not fire without a scored choice in the veto group, even at a ratio of 0', () => {
    // B gives m1 only 弃权 → no scored choice: no share, no veto (atLeast 0/1 would otherwise always fire)
    // composite = A alone = 100.00 → 优秀
    const pack = makePack({
      groups: [group('A', 70, 4), group('B', 30, 4)],
      rules: { vetoes: [masses({ atLeast: '0/1' })] },
      ballots: [...overall('A', { m1: seq({ 优秀: 4 }) }), ...overall('B', { m1: seq({ 弃权: 4 }) })],
    });
    const m1 = subjectOf(tally(pack), 'm1');
    expect(m1.composite).toBe('100.00');
    expect(m1.proposedGrade).toBe('优秀');
    expect(m1.rules).toEqual([]);
  });

  it('leaves a grade already below atMost, and still lists the rule', () => {
    // A 基本合格 ×4 → 60; B 不合格 ×2, 优秀 ×2 → 70; composite 0.7×60 + 0.3×70 = 42 + 21 = 63.00 → 基本合格
    // the veto (share 1/2, atMost 合格) fires; 基本合格 is already below 合格 → stays
    const pack = makePack({
      groups: [group('A', 70, 4), group('B', 30, 4)],
      rules: { vetoes: [masses({ atLeast: '1/2' }, '合格')] },
      ballots: [...overall('A', { m1: seq({ 基本合格: 4 }) }), ...overall('B', { m1: seq({ 不合格: 2, 优秀: 2 }) })],
    });
    const m1 = subjectOf(tally(pack), 'm1');
    expect(m1.composite).toBe('63.00');
    expect(m1.proposedGrade).toBe('基本合格');
    expect(m1.rules).toEqual(['veto:masses']);
  });

  it('lowers a better grade only to atMost', () => {
    // 优秀 (91.00) with atMost 合格 → 合格
    const m1 = subjectOf(tally(vetoPack([masses({ atLeast: '1/2' }, '合格')])), 'm1');
    expect(m1.proposedGrade).toBe('合格');
  });

  it('ignores a veto whose group is dropped for quorum', () => {
    // B: 4 of 10 returned → dropped (renormalise). composite = A alone = 100.00 → 优秀; no veto
    const m1 = subjectOf(tally(vetoPack([masses({ atLeast: '1/2' })], [group('A', 70, 4), group('B', 30, 10)], { onQuorumFail: 'renormalise' })), 'm1');
    expect(m1.composite).toBe('100.00');
    expect(m1.proposedGrade).toBe('优秀');
    expect(m1.rules).toEqual(['quorum']);
  });

  it('uses the raw counts, not the trimmed ones', () => {
    // trim moreThan 5, drop 1. B: 不合格 ×1, 优秀 ×5 (n 6 > 5) → trimmed mean drops the 40 and one 100 → 100
    // A: 优秀 ×4 (n 4, not trimmed) → 100; composite 100.00 → 优秀
    // raw share 1/6 ≥ 1/6 → fires (the trimmed counts would have no 不合格) → 不合格
    const pack = makePack({
      groups: [group('A', 70, 4), group('B', 30, 6)],
      rules: { trim: { moreThan: 5, drop: 1 }, vetoes: [masses({ atLeast: '1/6' })] },
      ballots: [...overall('A', { m1: seq({ 优秀: 4 }) }), ...overall('B', { m1: seq({ 不合格: 1, 优秀: 5 }) })],
    });
    const m1 = subjectOf(tally(pack), 'm1');
    expect(m1.composite).toBe('100.00');
    expect(m1.proposedGrade).toBe('不合格');
    expect(m1.rules).toEqual(['trim', 'veto:masses']);
  });

  it('uses only the valid ballots of the veto group', () => {
    // G = 2 (m1, m2), minSubjects 2: B's ballots giving both 不合格 are invalid.
    // B valid: m1 优秀 ×2 (with m2 合格) → share 0 → no veto; A: 优秀 ×4 → 100; composite 100.00
    const pack = makePack({
      groups: [group('A', 70, 4), group('B', 30, 4)],
      subjects: subjects('m1', 'm2'),
      rules: { invalidIfIdentical: { minSubjects: 2 }, vetoes: [masses({ atLeast: '1/2' })] },
      ballots: [
        ...overall('A', { m1: seq({ 优秀: 4 }), m2: seq({ 合格: 4 }) }),
        ...overall('B', { m1: seq({ 不合格: 2, 优秀: 2 }), m2: seq({ 不合格: 2, 合格: 2 }) }),
      ],
    });
    const result = tally(pack);
    expect(result.groups[1]).toMatchObject({ returned: 4, valid: 2, invalid: 2 });
    const m1 = subjectOf(result, 'm1');
    expect(m1.composite).toBe('100.00');
    expect(m1.proposedGrade).toBe('优秀');
    expect(m1.rules).toEqual([]);
  });

  it('applies several vetoes in the pack order and keeps the lowest cap', () => {
    // z-masses (B, 不合格 ≥ 1/4, atMost 合格) and a-members (A, 基本合格|不合格 > 0, atMost 基本合格)
    // A: 优秀 ×3, 基本合格 → (300 + 60)/4 = 90; B: 优秀 ×3, 不合格 → 340/4 = 85
    // composite = 0.7×90 + 0.3×85 = 63 + 25.5 = 88.50 → 合格; both fire → 基本合格
    const pack = makePack({
      groups: [group('A', 70, 4), group('B', 30, 4)],
      rules: {
        vetoes: [
          veto({ id: 'z-masses', group: 'B', options: ['不合格'], atLeast: '1/4', atMost: '合格' }),
          veto({ id: 'a-members', group: 'A', options: ['基本合格', '不合格'], moreThan: '0/1', atMost: '基本合格' }),
        ],
      },
      ballots: [...overall('A', { m1: seq({ 优秀: 3, 基本合格: 1 }) }), ...overall('B', { m1: seq({ 优秀: 3, 不合格: 1 }) })],
    });
    const m1 = subjectOf(tally(pack), 'm1');
    expect(m1.composite).toBe('88.50');
    expect(m1.proposedGrade).toBe('基本合格');
    expect(m1.rules).toEqual(['veto:z-masses', 'veto:a-members']);
  });

  it('does not apply to ungraded subjects', () => {
    const pack = makePack({
      groups: [group('A', 70, 4), group('B', 30, 4)],
      subjects: [subject('u', false)],
      rules: { vetoes: [masses({ atLeast: '1/2' })] },
      ballots: [...overall('A', { u: seq({ 优秀: 4 }) }), ...overall('B', { u: seq({ 不合格: 2, 优秀: 2 }) })],
    });
    const u = subjectOf(tally(pack), 'u');
    expect(u.composite).toBe('91.00');
    expect(u.proposedGrade).toBeNull();
    expect(u.rules).toEqual(['ungraded']);
  });

  it('is not applied in a void round, nor the cap', () => {
    // A: 5 returned of 4 issued → void; the veto would fire and the cap (K = 0) would move m1
    const pack = makePack({
      groups: [group('A', 70, 4), group('B', 30, 4)],
      rules: { vetoes: [masses({ atLeast: '1/2' })], excellentCap: { maxShare: '0/1' } },
      ballots: [...overall('A', { m1: seq({ 优秀: 5 }) }), ...overall('B', { m1: seq({ 不合格: 2, 优秀: 2 }) })],
    });
    const result = tally(pack);
    expect(result.void).toBe(true);
    expect(result.reasons).toEqual(['returned-exceeds-issued:A']);
    expect(subjectOf(result, 'm1')).toMatchObject({ composite: null, proposedGrade: null, rules: [] });
  });
});

describe('tally: the 优秀 cap', () => {
  it('keeps the first K = ⌊maxShare × G⌋ and moves the others to the second band', () => {
    // G = 4, maxShare 1/3 → K = ⌊4/3⌋ = 1
    // m1 优秀 ×2 → 100; m2, m3 优秀 + 合格 → 90 (tied, but ranked 2 and 3: not at the boundary K/K+1); m4 合格 ×2 → 80
    // candidates m1, m2, m3 > K: m1 keeps 优秀, m2 and m3 → 合格 with excellent-cap; m4 合格 without rule
    const pack = makePack({
      subjects: subjects('m1', 'm2', 'm3', 'm4'),
      rules: { excellentCap: { maxShare: '1/3' } },
      ballots: overall('A', { m1: seq({ 优秀: 2 }), m2: seq({ 优秀: 1, 合格: 1 }), m3: seq({ 合格: 1, 优秀: 1 }), m4: seq({ 合格: 2 }) }),
    });
    const result = tally(pack);
    expect(result.subjects.map((entry) => [entry.id, entry.composite, entry.proposedGrade, entry.rules])).toEqual([
      ['m1', '100.00', '优秀', []],
      ['m2', '90.00', '合格', ['excellent-cap']],
      ['m3', '90.00', '合格', ['excellent-cap']],
      ['m4', '80.00', '合格', []],
    ]);
  });

  it('does nothing when the candidates are no more than K', () => {
    // G = 3, K = 1, one candidate
    const pack = makePack({
      subjects: subjects('m1', 'm2', 'm3'),
      rules: { excellentCap: { maxShare: '1/3' } },
      ballots: overall('A', { m1: seq({ 优秀: 2 }), m2: seq({ 合格: 2 }), m3: seq({ 合格: 2 }) }),
    });
    expect(tally(pack).subjects.map((entry) => [entry.proposedGrade, entry.rules])).toEqual([
      ['优秀', []],
      ['合格', []],
      ['合格', []],
    ]);
  });

  it('breaks a tie on the composite by the share of top-option choices', () => {
    // G = 3, K = 1. m1: 优秀 ×3, 基本合格 → 360/4 = 90.00, top share 3/4
    //               m2: 优秀 ×2, 合格 ×2 → 360/4 = 90.00, top share 2/4
    // m1 keeps 优秀 (listed second in the pack, so not by order); m2 → excellent-cap
    const pack = makePack({
      subjects: subjects('m2', 'm1', 'm3'),
      rules: { excellentCap: { maxShare: '1/3' } },
      ballots: overall('A', { m1: seq({ 优秀: 3, 基本合格: 1 }), m2: seq({ 优秀: 2, 合格: 2 }), m3: seq({ 合格: 4 }) }),
    });
    const result = tally(pack);
    expect(subjectOf(result, 'm1')).toMatchObject({ composite: '90.00', proposedGrade: '优秀', rules: [] });
    expect(subjectOf(result, 'm2')).toMatchObject({ composite: '90.00', proposedGrade: '合格', rules: ['excellent-cap'] });
  });

  it('ranks by the rounded composite, not the exact one', () => {
    // scale 甲 100 (top), 乙 90.01, 丙 90, 丁 80; G = 3, K = 1
    // x: 丙 ×3, 乙 → (270 + 90.01)/4 = 90.0025 → 90.00, top share 0
    // y: 甲, 丁 → 180/2 = 90 → 90.00, top share 1/2
    // tie on 90.00 → y ahead on top share (by the exact composite x would be ahead)
    const scale: ScaleOption[] = [
      { option: '甲', score: 100, top: true },
      { option: '乙', score: 90.01, top: false },
      { option: '丙', score: 90, top: false },
      { option: '丁', score: 80, top: false },
    ];
    const pack = makePack({
      scale,
      groups: [group('A', 100, 4)],
      subjects: subjects('x', 'y', 'z'),
      rules: { excellentCap: { maxShare: '1/3' } },
      ballots: overall('A', { x: ['丙', '丙', '丙', '乙'], y: ['甲', '丁'], z: ['丁'] }),
    });
    const result = tally(pack);
    expect(subjectOf(result, 'x')).toMatchObject({ composite: '90.00', proposedGrade: '合格', rules: ['excellent-cap'] });
    expect(subjectOf(result, 'y')).toMatchObject({ composite: '90.00', proposedGrade: '优秀', rules: [] });
  });

  it('moves every subject tied across the boundary with excellent-cap-tie', () => {
    // G = 3, K = 1: m1 and m2 both 优秀 ×2 → 100.00, top share 1 → ranked 1 and 2 tied → both 合格, excellent-cap-tie
    const pack = makePack({
      subjects: subjects('m1', 'm2', 'm3'),
      rules: { excellentCap: { maxShare: '1/3' } },
      ballots: overall('A', { m1: seq({ 优秀: 2 }), m2: seq({ 优秀: 2 }), m3: seq({ 合格: 2 }) }),
    });
    const result = tally(pack);
    expect(result.subjects.map((entry) => [entry.id, entry.proposedGrade, entry.rules])).toEqual([
      ['m1', '合格', ['excellent-cap-tie']],
      ['m2', '合格', ['excellent-cap-tie']],
      ['m3', '合格', []],
    ]);
  });

  it('keeps those above a tie at the boundary, and moves the tie and those below it', () => {
    // G = 5, maxShare 1/2 → K = 2. m1 优秀 ×4 → 100; m2, m3 优秀 ×3 + 合格 → 95 (top share 3/4);
    // m4 优秀 ×2 + 合格 ×2 → 90; m5 合格 ×4 → 80.
    // ranked: m1, {m2, m3}, m4 — ranks 2 and 3 tied → m2, m3 excellent-cap-tie; m4 excellent-cap; m1 keeps
    const pack = makePack({
      subjects: subjects('m1', 'm2', 'm3', 'm4', 'm5'),
      rules: { excellentCap: { maxShare: '1/2' } },
      ballots: overall('A', { m1: seq({ 优秀: 4 }), m2: seq({ 优秀: 3, 合格: 1 }), m3: seq({ 合格: 1, 优秀: 3 }), m4: seq({ 优秀: 2, 合格: 2 }), m5: seq({ 合格: 4 }) }),
    });
    const result = tally(pack);
    expect(result.subjects.map((entry) => [entry.id, entry.composite, entry.proposedGrade, entry.rules])).toEqual([
      ['m1', '100.00', '优秀', []],
      ['m2', '95.00', '合格', ['excellent-cap-tie']],
      ['m3', '95.00', '合格', ['excellent-cap-tie']],
      ['m4', '90.00', '合格', ['excellent-cap']],
      ['m5', '80.00', '合格', []],
    ]);
  });

  it('with K = 0 gives every candidate excellent-cap, tied or not', () => {
    // G = 2, maxShare 1/3 → K = ⌊2/3⌋ = 0; m1 and m2 both 100.00
    const pack = makePack({
      subjects: subjects('m1', 'm2'),
      rules: { excellentCap: { maxShare: '1/3' } },
      ballots: overall('A', { m1: seq({ 优秀: 2 }), m2: seq({ 优秀: 2 }) }),
    });
    expect(tally(pack).subjects.map((entry) => [entry.proposedGrade, entry.rules])).toEqual([
      ['合格', ['excellent-cap']],
      ['合格', ['excellent-cap']],
    ]);
  });

  it('moves to the second band, whatever its name', () => {
    // bands 好 (≥ 85), 中 (≥ 0); G = 2, K = 0 → m1 (100) goes to 中
    const bands: Band[] = [
      { grade: '好', min: 85 },
      { grade: '中', min: 0 },
    ];
    const pack = makePack({ subjects: subjects('m1', 'm2'), rules: { bands, excellentCap: { maxShare: '1/3' } }, ballots: overall('A', { m1: seq({ 优秀: 2 }), m2: seq({ 合格: 2 }) }) });
    expect(tally(pack).subjects.map((entry) => [entry.proposedGrade, entry.rules])).toEqual([
      ['中', ['excellent-cap']],
      ['中', []],
    ]);
  });

  it('takes the top share over the groups that count only', () => {
    // A (50%): 2 of 2; B (50%): 2 of 10 → dropped (renormalise). G = 3, K = 1.
    // m1: A 优秀 ×2, B 合格 ×2; m2: A 优秀 ×2, B 优秀 ×2 → both 100.00 over A, top share over A 1 and 1 → tie
    // (with B counted, m2 would lead on top share 4/4 against 2/4)
    const pack = makePack({
      groups: [group('A', 50, 2), group('B', 50, 10)],
      subjects: subjects('m1', 'm2', 'm3'),
      rules: { onQuorumFail: 'renormalise', excellentCap: { maxShare: '1/3' } },
      ballots: [...overall('A', { m1: seq({ 优秀: 2 }), m2: seq({ 优秀: 2 }), m3: seq({ 合格: 2 }) }), ...overall('B', { m1: seq({ 合格: 2 }), m2: seq({ 优秀: 2 }) })],
    });
    const result = tally(pack);
    expect(subjectOf(result, 'm1')).toMatchObject({ composite: '100.00', proposedGrade: '合格', rules: ['quorum', 'excellent-cap-tie'] });
    expect(subjectOf(result, 'm2')).toMatchObject({ composite: '100.00', proposedGrade: '合格', rules: ['quorum', 'excellent-cap-tie'] });
  });

  it('applies after the vetoes: a vetoed subject is no candidate', () => {
    // G = 3, K = 1. m1 优秀 ×10 → 100; m2 优秀 ×9 + 不合格 → 940/10 = 94.00 but 不合格 share 1/10 ≥ 1/10 → 合格
    // only m1 is left a candidate → keeps 优秀
    const pack = makePack({
      subjects: subjects('m1', 'm2', 'm3'),
      rules: {
        excellentCap: { maxShare: '1/3' },
        vetoes: [veto({ id: 'v', group: 'A', options: ['不合格'], atLeast: '1/10', atMost: '合格' })],
      },
      ballots: overall('A', { m1: seq({ 优秀: 10 }), m2: seq({ 优秀: 9, 不合格: 1 }), m3: seq({ 合格: 10 }) }),
    });
    const result = tally(pack);
    expect(subjectOf(result, 'm1')).toMatchObject({ proposedGrade: '优秀', rules: [] });
    expect(subjectOf(result, 'm2')).toMatchObject({ composite: '94.00', proposedGrade: '合格', rules: ['veto:v'] });
  });
});

describe('tally: ungraded subjects', () => {
  it('get a composite, no grade and the rule, and are not counted in G for the cap', () => {
    // graded a, b, c (G = 3), u ungraded. maxShare 1/2 → K = ⌊3/2⌋ = 1 (with u counted: ⌊4/2⌋ = 2)
    // a 优秀 ×4 → 100; b 优秀 ×3 + 合格 → 95; c 合格 ×4 → 80; u 优秀 ×4 → 100
    // candidates a, b > K = 1 → a keeps, b excellent-cap; u is no candidate
    const pack = makePack({
      subjects: [subject('a'), subject('b'), subject('c'), subject('u', false)],
      rules: { excellentCap: { maxShare: '1/2' } },
      ballots: overall('A', { a: seq({ 优秀: 4 }), b: seq({ 优秀: 3, 合格: 1 }), c: seq({ 合格: 4 }), u: seq({ 优秀: 4 }) }),
    });
    const result = tally(pack);
    expect(result.subjects.map((entry) => [entry.id, entry.composite, entry.proposedGrade, entry.rules])).toEqual([
      ['a', '100.00', '优秀', []],
      ['b', '95.00', '合格', ['excellent-cap']],
      ['c', '80.00', '合格', []],
      ['u', '100.00', null, ['ungraded']],
    ]);
  });

  it('play no part in the top-option test: G excludes them and so does the count', () => {
    // graded m1, m2, m3 (G = 3), u1, u2, u3 ungraded; maxShare 1/3 → limit ⌊3/3⌋ = 1
    // ballot: m1 优秀 and u1, u2, u3 优秀 → 1 graded top → valid (counting the ungraded: 4 > ⌊6/3⌋ = 2)
    const pack = makePack({
      subjects: [subject('m1'), subject('m2'), subject('m3'), subject('u1', false), subject('u2', false), subject('u3', false)],
      rules: { excellentPerBallot: { maxShare: '1/3' } },
      ballots: [ballot('A', { m1: '优秀', m2: '合格', m3: '合格', u1: '优秀', u2: '优秀', u3: '优秀' })],
    });
    expect(tally(pack).groups[0]).toMatchObject({ returned: 1, valid: 1, invalid: 0 });
  });
});

describe('tally: the order of rules', () => {
  it('lists ungraded, quorum, trim, veto:{id}…, excellent-cap in this order', () => {
    // A (60%): 6 of 6; C (40%): 1 of 10 → dropped (renormalise) → every subject gets quorum
    // trim moreThan 5 drop 1; A gives m1 and u: 优秀 ×5, 不合格 → n 6 > 5 → trimmed mean 100 → trim
    // composite = A alone = 100.00 → 优秀; veto v (A, 不合格 ≥ 1/6, atMost 优秀) fires without lowering
    // cap: G = 1, maxShare 1/3 → K = 0 → m1 excellent-cap → 合格
    const pack = makePack({
      groups: [group('A', 60, 6), group('C', 40, 10)],
      subjects: [subject('m1'), subject('u', false)],
      rules: {
        onQuorumFail: 'renormalise',
        trim: { moreThan: 5, drop: 1 },
        vetoes: [veto({ id: 'v', group: 'A', options: ['不合格'], atLeast: '1/6', atMost: '优秀' })],
        excellentCap: { maxShare: '1/3' },
      },
      ballots: [...overall('A', { m1: seq({ 优秀: 5, 不合格: 1 }), u: seq({ 优秀: 5, 不合格: 1 }) }), ...overall('C', { m1: ['合格'], u: ['合格'] })],
    });
    const result = tally(pack);
    expect(subjectOf(result, 'm1')).toMatchObject({ composite: '100.00', proposedGrade: '合格', rules: ['quorum', 'trim', 'veto:v', 'excellent-cap'] });
    expect(subjectOf(result, 'u')).toMatchObject({ composite: '100.00', proposedGrade: null, rules: ['ungraded', 'quorum', 'trim'] });
  });
});

describe('tally: the pack is not changed', () => {
  it('leaves the pack as it was and gives the same result twice', () => {
    const pack = makePack({
      subjects: subjects('m1', 'm2', 'm3'),
      rules: { invalidIfIdentical: { minSubjects: 2 }, excellentCap: { maxShare: '1/3' }, trim: { moreThan: 2, drop: 1 } },
      ballots: overall('A', { m1: seq({ 优秀: 3 }), m2: seq({ 优秀: 2, 合格: 1 }), m3: seq({ 合格: 1, 优秀: 2 }) }),
    });
    const before = structuredClone(pack);
    const first = tally(pack);
    expect(pack).toEqual(before);
    expect(tally(pack)).toEqual(first);
  });
});

describe('names that are also properties of every JavaScript object (found by the independent Python tally)', () => {
  it('lists an option named "__proto__" in counts like any other', () => {
    const scale: ScaleOption[] = [
      { option: '优秀', score: 100, top: true },
      { option: '__proto__', score: 60, top: false },
      { option: '弃权', score: null, top: false },
    ];
    const result = tally(makePack({ scale, rules: { bands: [{ grade: '优秀', min: 90 }, { grade: '合格', min: 0 }] }, ballots: [{ group: 'A', choices: { m1: { overall: '__proto__' } } }] }));
    const counts = result.subjects[0]!.groups[0]!.indicators[0]!.counts;
    expect(Object.keys(counts)).toEqual(['优秀', '__proto__', '弃权']);
    expect(JSON.parse(JSON.stringify(counts))).toEqual(JSON.parse('{"优秀":0,"__proto__":1,"弃权":0}'));
    expect(result.subjects[0]!.composite).toBe('60.00');
  });

  it('reads a blank for a subject named "constructor" as blank, not as Object', () => {
    // One graded subject "constructor" left blank, "b" given the top option "Object" on indicator "name":
    // one top option of ⌊1/2 × 2⌋ = 1 allowed — valid; b's mean 100.
    const scale: ScaleOption[] = [
      { option: 'Object', score: 100, top: true },
      { option: '合格', score: 80, top: false },
    ];
    const result = tally(
      makePack({
        scale,
        indicators: [{ id: 'name', name: '总体', weightPct: 100 }],
        subjects: subjects('constructor', 'b'),
        rules: { excellentPerBallot: { maxShare: '1/2' }, bands: [{ grade: '优秀', min: 90 }, { grade: '合格', min: 0 }] },
        ballots: [{ group: 'A', choices: { b: { name: 'Object' } } }],
      }),
    );
    expect(result.groups[0]!.invalid).toBe(0);
    expect(result.subjects[1]).toMatchObject({ id: 'b', composite: '100.00', proposedGrade: '优秀' });
  });
});
