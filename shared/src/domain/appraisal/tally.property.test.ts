import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { floorTimes, hundredthsOf, parseRatio } from './exact.js';
import { packProblems, type Band, type PackBallot, type ScaleOption, type TallyPack, type TallyRules, type Threshold, type Veto } from './pack.js';
import { explainTally } from './explain.js';
import { tally, tallyWithDetail, type TallyResult } from './tally.js';

/** Fixed seed: a failure found once is found again on every machine. */
const RUNS = { seed: 20261207, numRuns: 250 };

const SCALE: ScaleOption[] = [
  { option: '优秀', score: 100, top: true },
  { option: '合格', score: 80, top: false },
  { option: '基本合格', score: 60, top: false },
  { option: '不合格', score: 40, top: false },
  { option: '弃权', score: null, top: false },
];
const OPTIONS = SCALE.map((option) => option.option);
const SCORED = SCALE.filter((option) => option.score !== null).map((option) => option.option);
const TOP = '优秀';

const BAND_SETS: Band[][] = [
  [
    { grade: '优秀', min: 90 },
    { grade: '合格', min: 70 },
    { grade: '基本合格', min: 60 },
    { grade: '不合格', min: 0 },
  ],
  [
    { grade: '好', min: 85.5 },
    { grade: '中', min: 60 },
    { grade: '差', min: 45.25 },
  ],
  [
    { grade: '称职', min: 75 },
    { grade: '不称职', min: 50 },
  ],
];

/** k weights in hundredths that total exactly 10 000, as the JSON numbers they are written as. */
function weights(k: number): fc.Arbitrary<number[]> {
  const even = Array.from({ length: k }, (_, index) => (index < k - 1 ? Math.floor(10_000 / k) : 10_000 - (k - 1) * Math.floor(10_000 / k)));
  const cuts = fc.array(fc.integer({ min: 0, max: 10_000 }), { minLength: k - 1, maxLength: k - 1 }).map((points) => {
    const sorted = [0, ...points.sort((a, b) => a - b), 10_000];
    return sorted.slice(1).map((point, index) => point - sorted[index]!);
  });
  return fc.oneof(fc.constant(even), cuts).map((hundredths) => hundredths.map((h) => h / 100));
}

const threshold: fc.Arbitrary<Threshold> = fc.constantFrom<Threshold>({ moreThan: '1/2' }, { atLeast: '2/3' }, { atLeast: '0/1' }, { moreThan: '30%' }, { atLeast: '1/3' }, { atLeast: '100%' });
const share = fc.constantFrom('1/3', '1/2', '50%', '0/1', '1/1', '20%', '2/3');

function rulesFor(groupIds: readonly string[]): fc.Arbitrary<TallyRules> {
  return fc.constantFrom(...BAND_SETS).chain((bands) => {
    const veto = (index: number): fc.Arbitrary<Veto> =>
      fc
        .record({
          group: fc.constantFrom(...groupIds),
          options: fc.subarray(SCORED, { minLength: 1 }),
          atMost: fc.constantFrom(...bands.map((band) => band.grade)),
          threshold: fc.constantFrom<Threshold>({ atLeast: '1/2' }, { moreThan: '1/3' }, { atLeast: '0/1' }, { moreThan: '0/1' }),
        })
        .map(({ group, options, atMost, threshold: rule }) => ({ id: `v${index}`, label: `否决${index}`, group, options, atMost, ...rule }) as Veto);
    return fc.record({
      quorum: threshold,
      onQuorumFail: fc.constantFrom<'void' | 'renormalise'>('void', 'renormalise'),
      invalidIfIdentical: fc.option(fc.integer({ min: 2, max: 4 }).map((minSubjects) => ({ minSubjects })), { nil: null }),
      excellentPerBallot: fc.option(share.map((maxShare) => ({ maxShare })), { nil: null }),
      trim: fc.option(
        fc.integer({ min: 1, max: 2 }).chain((drop) => fc.integer({ min: 2 * drop, max: 2 * drop + 3 }).map((moreThan) => ({ moreThan, drop }))),
        { nil: null },
      ),
      bands: fc.constant(bands),
      vetoes: fc.integer({ min: 0, max: 2 }).chain((count) => (count === 0 ? fc.constant([]) : fc.tuple(...Array.from({ length: count }, (_, index) => veto(index))))),
      excellentCap: fc.option(share.map((maxShare) => ({ maxShare })), { nil: null }),
    });
  });
}

/**
 * A ballot: random choices with blanks and 弃权; the lazy one-option ballot; one giving 优秀 or 合格
 * at random; or one giving the pack's favoured subjects 优秀 — some packs have only these, so
 * that the 优秀 cap and its ties come up.
 */
function ballotFor(groupIds: readonly string[], subjectIds: readonly string[], indicatorIds: readonly string[], favoured: readonly string[], onlyFavour: boolean): fc.Arbitrary<PackBallot> {
  const choice = fc.option(fc.constantFrom(...OPTIONS), { freq: 5, nil: undefined });
  const random = fc
    .record({
      group: fc.constantFrom(...groupIds),
      grid: fc.array(fc.array(choice, { minLength: indicatorIds.length, maxLength: indicatorIds.length }), { minLength: subjectIds.length, maxLength: subjectIds.length }),
    })
    .map(({ group, grid }): PackBallot => {
      const choices: Record<string, Record<string, string>> = {};
      grid.forEach((row, s) => {
        const chosen: Record<string, string> = {};
        row.forEach((option, i) => {
          if (option !== undefined) chosen[indicatorIds[i]!] = option;
        });
        if (Object.keys(chosen).length > 0) choices[subjectIds[s]!] = chosen;
      });
      return { group, choices };
    });
  const lazy = fc.record({ group: fc.constantFrom(...groupIds), option: fc.constantFrom(...OPTIONS) }).map(
    ({ group, option }): PackBallot => ({
      group,
      choices: Object.fromEntries(subjectIds.map((id) => [id, Object.fromEntries(indicatorIds.map((indicatorId) => [indicatorId, option]))])),
    }),
  );
  const topHeavy = fc.record({ group: fc.constantFrom(...groupIds), picks: fc.array(fc.boolean(), { minLength: subjectIds.length, maxLength: subjectIds.length }) }).map(
    ({ group, picks }): PackBallot => ({
      group,
      choices: Object.fromEntries(subjectIds.map((id, s) => [id, Object.fromEntries(indicatorIds.map((indicatorId) => [indicatorId, picks[s] ? TOP : '合格']))])),
    }),
  );
  const favour = fc.record({ group: fc.constantFrom(...groupIds), others: fc.constantFrom('合格', '弃权', '优秀') }).map(
    ({ group, others }): PackBallot => ({
      group,
      choices: Object.fromEntries(subjectIds.map((id) => [id, Object.fromEntries(indicatorIds.map((indicatorId) => [indicatorId, favoured.includes(id) ? TOP : others]))])),
    }),
  );
  if (onlyFavour) return favour;
  return fc.oneof({ weight: 4, arbitrary: random }, { weight: 1, arbitrary: lazy }, { weight: 1, arbitrary: topHeavy }, { weight: 5, arbitrary: favour });
}

/** A small valid pack: 1–4 groups, 1–6 subjects (some ungraded), 1–3 indicators, weights exactly 100. */
const packArb: fc.Arbitrary<TallyPack> = fc
  .record({ groupCount: fc.integer({ min: 1, max: 4 }), subjectCount: fc.integer({ min: 1, max: 6 }), indicatorCount: fc.integer({ min: 1, max: 3 }) })
  .chain(({ groupCount, subjectCount, indicatorCount }) => {
    const groupIds = Array.from({ length: groupCount }, (_, index) => `g${index}`);
    const subjectIds = Array.from({ length: subjectCount }, (_, index) => `m${index}`);
    const indicatorIds = Array.from({ length: indicatorCount }, (_, index) => `i${index}`);
    return fc
      .record({
        groupWeights: weights(groupCount),
        indicatorWeights: weights(indicatorCount),
        graded: fc.array(fc.oneof({ weight: 4, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }), { minLength: subjectCount, maxLength: subjectCount }),
        // issued = returned + slack: mostly the quorum question, sometimes a re-vote (−1)
        slack: fc.array(fc.oneof({ weight: 1, arbitrary: fc.constant(-1) }, { weight: 20, arbitrary: fc.integer({ min: 0, max: 3 }) }), { minLength: groupCount, maxLength: groupCount }),
        rules: rulesFor(groupIds),
        ballots: fc
          .tuple(fc.subarray(subjectIds), fc.oneof({ weight: 4, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }))
          .chain(([favoured, onlyFavour]) => fc.array(ballotFor(groupIds, subjectIds, indicatorIds, favoured, onlyFavour), { maxLength: 24 })),
      })
      .map(({ groupWeights, indicatorWeights, graded, slack, rules, ballots }): TallyPack => ({
        format: 'manyi-appraisal-v1',
        campaign: { id: 'c', name: '民主评议', kind: '党员民主评议' },
        scale: SCALE,
        indicators: indicatorIds.map((id, index) => ({ id, name: id, weightPct: indicatorWeights[index]! })),
        groups: groupIds.map((id, index) => ({
          id,
          name: id,
          weightPct: groupWeights[index]!,
          issued: Math.max(0, ballots.filter((ballot) => ballot.group === id).length + slack[index]!),
        })),
        subjects: subjectIds.map((id, index) => ({ id, name: id, graded: graded[index]! })),
        rules,
        ballots,
      }));
  });

/**
 * The same packs made to reach the 优秀 cap: every group meets the quorum and no ballot is
 * invalid, so the favoured subjects (all 优秀, top share 1) tie for the best grade.
 */
const cappedPackArb: fc.Arbitrary<TallyPack> = fc.tuple(packArb, fc.constantFrom('1/3', '1/2', '2/3', '0/1')).map(([pack, maxShare]) => ({
  ...pack,
  groups: pack.groups.map((group) => ({ ...group, issued: Math.max(1, pack.ballots.filter((ballot) => ballot.group === group.id).length) })),
  rules: { ...pack.rules, quorum: { atLeast: '0/1' }, invalidIfIdentical: null, excellentPerBallot: null, excellentCap: { maxShare } },
}));

const anyPack = fc.oneof(packArb, cappedPackArb);

const scoreOf = new Map(SCALE.map((option) => [option.option, option.score === null ? undefined : hundredthsOf(option.score)!]));
const hundredths = (shown: string) => BigInt(shown.replace('.', ''));
const gradedCount = (pack: TallyPack) => pack.subjects.filter((subject) => subject.graded).length;

/** The spec's invalid-ballot tests (0025 §3), written from the text, as an oracle. */
function invalidBySpec(pack: TallyPack, ballot: PackBallot): boolean {
  const graded = pack.subjects.filter((subject) => subject.graded);
  const G = graded.length;
  const { invalidIfIdentical, excellentPerBallot } = pack.rules;
  if (invalidIfIdentical && G >= invalidIfIdentical.minSubjects) {
    const chosen = graded.flatMap((subject) => pack.indicators.map((indicator) => ballot.choices[subject.id]?.[indicator.id]));
    const first = chosen[0];
    if (first !== undefined && scoreOf.get(first) !== undefined && chosen.every((option) => option === first)) return true;
  }
  if (excellentPerBallot) {
    const limit = floorTimes(parseRatio(excellentPerBallot.maxShare)!, G);
    for (const indicator of pack.indicators)
      if (graded.filter((subject) => ballot.choices[subject.id]?.[indicator.id] === TOP).length > limit) return true;
  }
  return false;
}

/** Counts, means, scores and n of every subject: the figures that do not depend on the quorum. */
const figures = (result: TallyResult) => result.subjects.map((subject) => ({ id: subject.id, groups: subject.groups }));

describe('tally (properties)', () => {
  it('generates valid packs', () => {
    fc.assert(
      fc.property(anyPack, (pack) => {
        expect(packProblems(pack)).toEqual([]);
      }),
      RUNS,
    );
  });

  it('does not depend on the order of the ballots', () => {
    const shuffled = anyPack.chain((pack) =>
      fc.shuffledSubarray(pack.ballots, { minLength: pack.ballots.length, maxLength: pack.ballots.length }).map((ballots) => ({ pack, reordered: { ...pack, ballots } })),
    );
    fc.assert(
      fc.property(shuffled, ({ pack, reordered }) => {
        expect(tallyWithDetail(reordered)).toEqual(tallyWithDetail(pack));
      }),
      RUNS,
    );
  });

  it('is deterministic and leaves the pack unchanged', () => {
    fc.assert(
      fc.property(anyPack, (pack) => {
        const before = structuredClone(pack);
        const first = tally(pack);
        expect(pack).toEqual(before);
        expect(tally(structuredClone(pack))).toEqual(first);
      }),
      RUNS,
    );
  });

  it('proposes the best grade to at most K = ⌊maxShare × G⌋ subjects under excellentCap', () => {
    fc.assert(
      fc.property(anyPack, (pack) => {
        const result = tally(pack);
        if (!pack.rules.excellentCap || result.void) return;
        const K = floorTimes(parseRatio(pack.rules.excellentCap.maxShare)!, gradedCount(pack));
        const best = result.subjects.filter((subject) => subject.proposedGrade === pack.rules.bands[0]!.grade).length;
        expect(best).toBeLessThanOrEqual(K);
      }),
      RUNS,
    );
  });

  it('has valid + invalid = returned = the group’s ballots, and invalid as the spec’s tests say', () => {
    fc.assert(
      fc.property(anyPack, (pack) => {
        const { result, invalid } = tallyWithDetail(pack);
        pack.groups.forEach((group, g) => {
          const ballots = pack.ballots.filter((ballot) => ballot.group === group.id);
          const entry = result.groups[g]!;
          expect(entry.id).toBe(group.id);
          expect(entry.issued).toBe(group.issued);
          expect(entry.returned).toBe(ballots.length);
          expect(entry.valid + entry.invalid).toBe(entry.returned);
          expect(entry.invalid).toBe(ballots.filter((ballot) => invalidBySpec(pack, ballot)).length);
          const breakdown = invalid[group.id]!;
          expect(Math.max(breakdown.identical, breakdown.excellentPerBallot)).toBeLessThanOrEqual(entry.invalid);
          expect(breakdown.identical + breakdown.excellentPerBallot).toBeGreaterThanOrEqual(entry.invalid);
        });
      }),
      RUNS,
    );
  });

  it('lists every option in counts, summing to at most the valid ballots; n = the scored counts', () => {
    fc.assert(
      fc.property(anyPack, (pack) => {
        const result = tally(pack);
        for (const subject of result.subjects)
          subject.groups.forEach((part, g) => {
            const valid = result.groups[g]!.valid;
            expect(part.n).toBeLessThanOrEqual(valid);
            for (const entry of part.indicators) {
              expect(Object.keys(entry.counts)).toEqual(OPTIONS);
              const total = Object.values(entry.counts).reduce((sum, count) => sum + count, 0);
              expect(total).toBeLessThanOrEqual(valid);
              expect(entry.n).toBe(SCORED.reduce((sum, option) => sum + entry.counts[option]!, 0));
              expect(entry.n).toBeLessThanOrEqual(part.n);
            }
          });
      }),
      RUNS,
    );
  });

  it('puts each mean between the lowest and the highest score chosen, and null without a scored choice', () => {
    fc.assert(
      fc.property(anyPack, (pack) => {
        for (const subject of tally(pack).subjects)
          for (const part of subject.groups)
            for (const entry of part.indicators) {
              const chosen = SCORED.filter((option) => entry.counts[option]! > 0).map((option) => scoreOf.get(option)!);
              if (chosen.length === 0) {
                expect(entry.mean).toBeNull();
                continue;
              }
              const mean = hundredths(entry.mean!);
              const low = chosen.reduce((a, b) => (a < b ? a : b));
              const high = chosen.reduce((a, b) => (a > b ? a : b));
              expect(mean >= low && mean <= high, `${entry.mean} in [${low}, ${high}]`).toBe(true);
            }
      }),
      RUNS,
    );
  });

  it('gives the same subject figures from the valid ballots alone (issued unchanged)', () => {
    fc.assert(
      fc.property(anyPack, (pack) => {
        const onlyValid: TallyPack = { ...pack, ballots: pack.ballots.filter((ballot) => !invalidBySpec(pack, ballot)) };
        const full = tally(pack);
        const trimmed = tally(onlyValid);
        expect(trimmed.groups.map((group) => group.invalid)).toEqual(pack.groups.map(() => 0));
        expect(trimmed.groups.map((group) => group.valid)).toEqual(full.groups.map((group) => group.valid));
        expect(figures(trimmed)).toEqual(figures(full));
        // returned falls by the invalid ballots, which can change the quorum; when it does not, all agrees
        const sameQuorum = JSON.stringify(trimmed.groups.map((group) => group.quorumMet)) === JSON.stringify(full.groups.map((group) => group.quorumMet));
        if (sameQuorum && full.reasons.length === trimmed.reasons.length && !full.void) expect(trimmed.subjects).toEqual(full.subjects);
      }),
      RUNS,
    );
  });

  it('gives a composite exactly when the round is not void and a counting group with weight scored the subject', () => {
    fc.assert(
      fc.property(anyPack, (pack) => {
        const result = tally(pack);
        const indicatorWeight = pack.indicators.map((indicator) => hundredthsOf(indicator.weightPct)!);
        result.subjects.forEach((subject, s) => {
          subject.groups.forEach((part) => {
            // a group score exists iff some indicator with a mean has weight > 0
            const weighted = part.indicators.some((entry, i) => entry.mean !== null && indicatorWeight[i]! > 0n);
            expect(part.score !== null).toBe(weighted);
          });
          const hasPart = subject.groups.some((part, g) => result.groups[g]!.quorumMet && part.score !== null && hundredthsOf(pack.groups[g]!.weightPct)! > 0n);
          expect(subject.composite !== null).toBe(!result.void && hasPart);
          const graded = pack.subjects[s]!.graded;
          expect(subject.proposedGrade !== null).toBe(graded && subject.composite !== null);
          if (subject.proposedGrade !== null) expect(pack.rules.bands.map((band) => band.grade)).toContain(subject.proposedGrade);
          expect(subject.rules.includes('ungraded')).toBe(!graded);
          if (result.void) expect(subject.rules.filter((rule) => rule.startsWith('veto:') || rule.startsWith('excellent-cap'))).toEqual([]);
        });
        expect(result.void).toBe(result.reasons.length > 0);
      }),
      RUNS,
    );
  });

  it('explains every figure: the 计算说明 steps, redone from their own lines, give the tally’s means, scores and composites', () => {
    fc.assert(
      fc.property(anyPack, (pack) => {
        const result = tally(pack);
        const steps = explainTally(pack, result);
        const exact = (shown: string) => hundredths(shown);
        /** a ÷ b rounded half-up to hundredths, in hundredths (a in hundredths). */
        const quotient = (a: bigint, b: bigint) => (2n * a + b) / (2n * b);
        steps.forEach((subject, s) => {
          const tallied = result.subjects[s]!;
          expect(subject.id).toBe(tallied.id);
          for (const line of subject.means) {
            const figure = tallied.groups.find((group) => group.id === line.group)!.indicators.find((indicator) => indicator.id === line.indicator)!;
            expect(line.n).toBe(figure.n);
            expect(line.mean).toBe(figure.mean);
            // The line's own arithmetic: Σ count × score, less what was trimmed, ÷ kept.
            const sum = line.terms.reduce((total, term) => total + BigInt(term.count) * exact(term.score), 0n);
            expect(exact(line.sum)).toBe(sum);
            expect(line.terms.reduce((total, term) => total + term.count, 0)).toBe(line.n);
            const dropped = line.dropped ? [...line.dropped.highest, ...line.dropped.lowest] : [];
            expect(dropped.reduce((total, term) => total + term.count, 0)).toBe(line.n - line.kept);
            const droppedSum = dropped.reduce((total, term) => total + BigInt(term.count) * exact(term.score), 0n);
            if (line.dropped) expect(exact(line.dropped.sum)).toBe(droppedSum);
            if (line.kept > 0) expect(line.mean).toBe(fixedOf(quotient(sum - droppedSum, BigInt(line.kept))));
            else expect(line.mean).toBeNull();
          }
          subject.groups.forEach((group, g) => expect(group.score.value).toBe(tallied.groups[g]!.score));
          expect(subject.composite?.value ?? null).toBe(tallied.composite);
          if (result.void) expect(subject.composite).toBeNull();
          else expect(subject.composite!.terms.map((term) => term.id)).toEqual(
            tallied.groups.filter((group, g) => result.groups[g]!.quorumMet && group.score !== null).map((group) => group.id),
          );
        });
      }),
      RUNS,
    );
  });
});

/** Hundredths as the format prints them: 8780n → "87.80". */
const fixedOf = (value: bigint) => `${value / 100n}.${String(value % 100n).padStart(2, '0')}`;
