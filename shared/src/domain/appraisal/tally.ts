import { add, compare, div, fixed2, floorTimes, fraction, hundredthsHalfUp, hundredthsOf, mul, parseRatio, ZERO, type Fraction } from './exact.js';
import { meets, thresholdOf, type PackBallot, type TallyPack } from './pack.js';

/**
 * The tally of a 民主评议 round, format `manyi-appraisal-v1` (docs/decisions/0025 defines every
 * step; this is its reference implementation). Rules, in the order they apply:
 *
 * 1. returned ≤ issued per group, else the round is void;
 * 2. quorum per group (returned / issued against a ratio): a group that fails voids the round or
 *    is dropped, the others' weights renormalised (`onQuorumFail`);
 * 3. invalid ballots (counted, excluded): the same scored option for every graded subject on
 *    every indicator (`invalidIfIdentical`), or more graded subjects given the top option on one
 *    indicator than ⌊maxShare × graded subjects⌋ (`excellentPerBallot`);
 * 4. trimmed mean per subject, group and indicator over more than `moreThan` scored choices;
 * 5. group score = Σ indicator weight × mean, composite = Σ group weight × group score, each over
 *    the parts that have a value (weights renormalised over them); compared rounded half-up to
 *    two decimals;
 * 6. bands on the rounded composite; 7. vetoes cap the grade; 8. the 优秀 cap; 9. ungraded
 *    subjects get scores and no grade.
 *
 * Everything is counted first (one histogram per subject, group, indicator and option) and every
 * figure is derived from the counts as an exact fraction, so the tally of 2,000 ballots costs the
 * one pass over them.
 */

export interface IndicatorTally {
  id: string;
  /** Scored choices (before trimming). */
  n: number;
  /** The (trimmed) mean, two decimals; null without a scored choice. */
  mean: string | null;
  /** Choices per option of the scale, 弃权 included, over the group's valid ballots. */
  counts: Record<string, number>;
}

export interface SubjectGroupTally {
  id: string;
  /** Valid ballots of the group that gave the subject at least one scored choice. */
  n: number;
  score: string | null;
  indicators: IndicatorTally[];
}

export interface SubjectTally {
  id: string;
  composite: string | null;
  proposedGrade: string | null;
  /** "ungraded", "quorum", "trim", "veto:{id}", "excellent-cap", "excellent-cap-tie" — in this order. */
  rules: string[];
  groups: SubjectGroupTally[];
}

export interface GroupTally {
  id: string;
  issued: number;
  returned: number;
  valid: number;
  invalid: number;
  quorumMet: boolean;
}

export interface TallyResult {
  void: boolean;
  /** "returned-exceeds-issued:{group}", "quorum:{group}". */
  reasons: string[];
  groups: GroupTally[];
  subjects: SubjectTally[];
}

/** Why ballots of a group were invalid (a ballot can be both); for the tally page, not the format. */
export interface InvalidBreakdown {
  identical: number;
  excellentPerBallot: number;
}

export interface TallyDetail {
  result: TallyResult;
  invalid: Record<string, InvalidBreakdown>;
}

/** A property of a ballot's own (a subject named "constructor" left blank is blank, not Object's). */
function own<V>(record: Readonly<Record<string, V>>, key: string): V | undefined {
  return Object.hasOwn(record, key) ? record[key] : undefined;
}

export function tally(pack: TallyPack): TallyResult {
  return tallyWithDetail(pack).result;
}

export function tallyWithDetail(pack: TallyPack): TallyDetail {
  const counter = tallyCounter(pack);
  for (const ballot of pack.ballots) counter.add(ballot);
  return counter.finish();
}

/** A pack without its ballots: what the counter needs before the first ballot. */
export type TallyConfig = Omit<TallyPack, 'ballots'>;

export interface TallyCounter {
  /** Count one ballot (of a valid pack: known group, subjects, indicators and options). */
  add(ballot: PackBallot): void;
  /** The tally of the ballots added so far. */
  finish(): TallyDetail;
}

/**
 * The tally as an accumulator, for ballots that arrive page by page (a round's ballot box read from
 * the database): only the counts are held, never the ballots, so memory does not grow with them.
 */
export function tallyCounter(config: TallyConfig): TallyCounter {
  const { scale, indicators, groups, subjects, rules } = config;
  const S = subjects.length;
  const I = indicators.length;
  const O = scale.length;
  const optionIndex = new Map(scale.map((option, index) => [option.option, index]));
  const scores = scale.map((option) => (option.score === null ? undefined : hundredthsOf(option.score)!));
  const top = scale.findIndex((option) => option.top);
  const topOption = scale[top]!.option;
  const subjectIndex = new Map(subjects.map((subject, index) => [subject.id, index]));
  const indicatorIndex = new Map(indicators.map((indicator, index) => [indicator.id, index]));
  const groupIndex = new Map(groups.map((group, index) => [group.id, index]));
  const gradedSubjects = subjects.filter((subject) => subject.graded);
  const gradedCount = gradedSubjects.length;

  const identicalFrom = rules.invalidIfIdentical && gradedCount >= rules.invalidIfIdentical.minSubjects;
  const excellentLimit = rules.excellentPerBallot ? floorTimes(parseRatio(rules.excellentPerBallot.maxShare)!, gradedCount) : undefined;

  /** The same scored option for every graded subject on every indicator. */
  function identical(ballot: PackBallot): boolean {
    let first: string | undefined;
    for (const subject of gradedSubjects) {
      const byIndicator = own(ballot.choices, subject.id);
      if (!byIndicator) return false;
      for (const indicator of indicators) {
        const option = own(byIndicator, indicator.id);
        if (option === undefined || scores[optionIndex.get(option)!] === undefined) return false;
        if (first === undefined) first = option;
        else if (option !== first) return false;
      }
    }
    return first !== undefined;
  }

  /** More graded subjects given the top option on one indicator than the limit. */
  function tooManyTop(ballot: PackBallot, limit: number): boolean {
    for (const indicator of indicators) {
      let marked = 0;
      for (const subject of gradedSubjects) {
        const byIndicator = own(ballot.choices, subject.id);
        if (byIndicator && own(byIndicator, indicator.id) === topOption) marked++;
      }
      if (marked > limit) return true;
    }
    return false;
  }

  const returned = new Array<number>(groups.length).fill(0);
  const invalid = new Array<number>(groups.length).fill(0);
  const breakdown = groups.map((): InvalidBreakdown => ({ identical: 0, excellentPerBallot: 0 }));
  // counts[((g·S + s)·I + i)·O + o]: choices of option o for subject s on indicator i in group g.
  const counts = new Int32Array(groups.length * S * I * O);
  const scoringBallots = new Int32Array(groups.length * S);

  function count(ballot: PackBallot): void {
    const g = groupIndex.get(ballot.group)!;
    returned[g]!++;
    const isIdentical = identicalFrom ? identical(ballot) : false;
    const isTooManyTop = excellentLimit !== undefined ? tooManyTop(ballot, excellentLimit) : false;
    if (isIdentical || isTooManyTop) {
      invalid[g]!++;
      if (isIdentical) breakdown[g]!.identical++;
      if (isTooManyTop) breakdown[g]!.excellentPerBallot++;
      return;
    }
    for (const [subjectId, byIndicator] of Object.entries(ballot.choices)) {
      const s = subjectIndex.get(subjectId)!;
      let scored = false;
      for (const [indicatorId, option] of Object.entries(byIndicator)) {
        const o = optionIndex.get(option)!;
        counts[((g * S + s) * I + indicatorIndex.get(indicatorId)!) * O + o]!++;
        if (scores[o] !== undefined) scored = true;
      }
      if (scored) scoringBallots[g * S + s]!++;
    }
  }

  return { add: count, finish };

  function finish(): TallyDetail {
    const quorum = thresholdOf(rules.quorum)!;
    const groupTallies: GroupTally[] = groups.map((group, g) => ({
      id: group.id,
      issued: group.issued,
      returned: returned[g]!,
      valid: returned[g]! - invalid[g]!,
      invalid: invalid[g]!,
      quorumMet: group.issued > 0 && meets(fraction(BigInt(returned[g]!), BigInt(group.issued)), quorum),
    }));
    const reasons: string[] = [];
    for (const group of groupTallies) if (group.returned > group.issued) reasons.push(`returned-exceeds-issued:${group.id}`);
    const failed = groupTallies.filter((group) => !group.quorumMet);
    if (rules.onQuorumFail === 'void' || failed.length === groups.length) for (const group of failed) reasons.push(`quorum:${group.id}`);
    const isVoid = reasons.length > 0;
    const counted = groupTallies.map((group) => group.quorumMet);
    const dropped = !isVoid && failed.length > 0;

    const indicatorWeights = indicators.map((indicator) => hundredthsOf(indicator.weightPct)!);
    const groupWeights = groups.map((group) => hundredthsOf(group.weightPct)!);
    // Scored options ascending by score, for trimming from the ends of a histogram.
    const scoredAscending = scores
      .map((score, o) => ({ o, score }))
      .filter((entry): entry is { o: number; score: bigint } => entry.score !== undefined)
      .sort((a, b) => (a.score < b.score ? -1 : a.score > b.score ? 1 : a.o - b.o));

    /** Σ of the `drop` scores at one end of a histogram, walking `order`. */
    function endSum(base: number, order: readonly { o: number; score: bigint }[], drop: number): bigint {
      let left = drop;
      let sum = 0n;
      for (const { o, score } of order) {
        const take = Math.min(left, counts[base + o]!);
        sum += BigInt(take) * score;
        left -= take;
        if (left === 0) break;
      }
      return sum;
    }
    const scoredDescending = [...scoredAscending].reverse();

    /** A weighted mean of the values that exist (weights in hundredths of a percent), or undefined. */
    function weighted(values: readonly (Fraction | undefined)[], weights: readonly bigint[], include: (index: number) => boolean): Fraction | undefined {
      let total = ZERO;
      let weightSum = 0n;
      values.forEach((value, index) => {
        if (value === undefined || !include(index)) return;
        total = add(total, mul(value, fraction(weights[index]!)));
        weightSum += weights[index]!;
      });
      return weightSum > 0n ? div(total, fraction(weightSum)) : undefined;
    }

    interface Working {
      tally: SubjectTally;
      composite: Fraction | undefined;
      /** Index into rules.bands while graded and proposed; undefined otherwise. */
      grade: number | undefined;
      topShare: Fraction;
    }

    const working: Working[] = subjects.map((subject, s) => {
      let trimmed = false;
      let topChoices = 0;
      let scoredChoices = 0;
      const groupScores: (Fraction | undefined)[] = [];
      const groupOut: SubjectGroupTally[] = groups.map((group, g) => {
        const means: (Fraction | undefined)[] = [];
        const indicatorOut: IndicatorTally[] = indicators.map((indicator, i) => {
          const base = ((g * S + s) * I + i) * O;
          let n = 0;
          let sum = 0n;
          scale.forEach((option, o) => {
            const count = counts[base + o]!;
            if (scores[o] === undefined) return;
            n += count;
            sum += BigInt(count) * scores[o];
          });
          if (counted[g]) {
            topChoices += counts[base + top]!;
            scoredChoices += n;
          }
          let kept = n;
          if (rules.trim && n > rules.trim.moreThan) {
            trimmed = true;
            sum -= endSum(base, scoredAscending, rules.trim.drop) + endSum(base, scoredDescending, rules.trim.drop);
            kept = n - 2 * rules.trim.drop;
          }
          const mean = kept > 0 ? fraction(sum, BigInt(kept) * 100n) : undefined;
          means.push(mean);
          // Object.fromEntries defines own properties: an option named "__proto__" is listed like any other.
        const optionCounts: Record<string, number> = Object.fromEntries(scale.map((option, o) => [option.option, counts[base + o]!]));
        return { id: indicator.id, n, mean: mean ? fixed2(mean) : null, counts: optionCounts };
        });
        const score = weighted(means, indicatorWeights, () => true);
        groupScores.push(score);
        return { id: group.id, n: scoringBallots[g * S + s]!, score: score ? fixed2(score) : null, indicators: indicatorOut };
      });

      const composite = isVoid ? undefined : weighted(groupScores, groupWeights, (g) => counted[g]!);
      const fired: string[] = [];
      if (!subject.graded) fired.push('ungraded');
      if (dropped) fired.push('quorum');
      if (trimmed) fired.push('trim');

      let grade: number | undefined;
      if (subject.graded && composite) {
        const rounded = hundredthsHalfUp(composite);
        const band = rules.bands.findIndex((candidate) => hundredthsOf(candidate.min)! <= rounded);
        grade = band === -1 ? rules.bands.length - 1 : band;
        for (const veto of rules.vetoes) {
          const g = groupIndex.get(veto.group)!;
          if (!counted[g]) continue;
          let inOptions = 0;
          let scoredInGroup = 0;
          for (let i = 0; i < I; i++) {
            const base = ((g * S + s) * I + i) * O;
            scale.forEach((option, o) => {
              if (scores[o] === undefined) return;
              scoredInGroup += counts[base + o]!;
              if (veto.options.includes(option.option)) inOptions += counts[base + o]!;
            });
          }
          if (scoredInGroup === 0 || !meets(fraction(BigInt(inOptions), BigInt(scoredInGroup)), thresholdOf(veto)!)) continue;
          fired.push(`veto:${veto.id}`);
          grade = Math.max(grade, rules.bands.findIndex((band) => band.grade === veto.atMost));
        }
      }

      return {
        composite,
        grade,
        topShare: scoredChoices > 0 ? fraction(BigInt(topChoices), BigInt(scoredChoices)) : ZERO,
        tally: { id: subject.id, composite: composite ? fixed2(composite) : null, proposedGrade: null, rules: fired, groups: groupOut },
      };
    });

    if (rules.excellentCap && !isVoid) {
      const limit = floorTimes(parseRatio(rules.excellentCap.maxShare)!, gradedCount);
      const candidates = working.filter((entry) => entry.grade === 0);
      if (candidates.length > limit) {
        const rank = (a: Working, b: Working) => {
          const byComposite = hundredthsHalfUp(b.composite!) - hundredthsHalfUp(a.composite!);
          return byComposite !== 0n ? (byComposite > 0n ? 1 : -1) : compare(b.topShare, a.topShare);
        };
        candidates.sort(rank);
        const boundary = candidates[limit]!;
        const straddles = limit > 0 && rank(candidates[limit - 1]!, boundary) === 0;
        candidates.forEach((entry, position) => {
          if (straddles && rank(entry, boundary) === 0) {
            entry.grade = 1;
            entry.tally.rules.push('excellent-cap-tie');
          } else if (position >= limit) {
            entry.grade = 1;
            entry.tally.rules.push('excellent-cap');
          }
        });
      }
    }

    for (const entry of working) if (entry.grade !== undefined) entry.tally.proposedGrade = rules.bands[entry.grade]!.grade;

    return {
      result: { void: isVoid, reasons, groups: groupTallies, subjects: working.map((entry) => entry.tally) },
      invalid: Object.fromEntries(groups.map((group, g) => [group.id, breakdown[g]!])),
    };
  }
}
