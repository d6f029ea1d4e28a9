import { add, div, fixed2, formatHundredths, fraction, hundredthsOf, mul, ZERO, type Fraction } from './exact.js';
import type { TallyConfig, TallyResult } from './tally.js';

/**
 * Every step of a subject's arithmetic (issue 14 §5, the 计算说明 sheet), from a tally's option
 * counts: per group and indicator the scored choices and their sum, the scores trimmed away, the
 * mean; per group the weighted indicator means; the composite over the groups that count. The
 * steps are recomputed here from the counts with the definitions of docs/decisions/0025 — and a
 * property test holds them to the tally's own figures — so a reader can redo each line by hand.
 * Figures are exact until shown, then two decimals, as everywhere in the format.
 */
export interface MeanSteps {
  group: string;
  indicator: string;
  /** Scored choices before trimming. */
  n: number;
  /** Scored options best first, with their counts (zero counts included: the line reads as the scale). */
  terms: { option: string; score: string; count: number }[];
  /** Σ count × score, exact. */
  sum: string;
  /** The `drop` highest and lowest scores taken away (trimmed mean), or null. */
  dropped: { highest: { score: string; count: number }[]; lowest: { score: string; count: number }[]; sum: string } | null;
  /** Scores averaged: n, less 2 × drop when trimmed. */
  kept: number;
  /** (sum − dropped) ÷ kept, two decimals; null without a scored choice. */
  mean: string | null;
}

/** A weighted mean: Σ weight × value ÷ Σ weight, over the parts that have a value. */
export interface WeightedSteps {
  terms: { id: string; weightPct: number; value: string }[];
  /** Σ of the weights used: 100 unless a part has no value or (for the composite) a group does not count. */
  weightPct: string;
  value: string | null;
}

export interface SubjectSteps {
  id: string;
  means: MeanSteps[];
  groups: { id: string; score: WeightedSteps }[];
  /** Over the groups that count (quorum met; all groups void the round otherwise): null in a void round. */
  composite: WeightedSteps | null;
}

const scoreText = (hundredths: bigint) => formatHundredths(hundredths);

/** The steps of each subject of a tally, in the tally's order. */
export function explainTally(config: TallyConfig, result: TallyResult): SubjectSteps[] {
  const scored = config.scale
    .filter((option) => option.score !== null)
    .map((option) => ({ option: option.option, hundredths: hundredthsOf(option.score!)! }))
    .sort((a, b) => (a.hundredths > b.hundredths ? -1 : a.hundredths < b.hundredths ? 1 : 0));
  const indicatorWeight = new Map(config.indicators.map((indicator) => [indicator.id, indicator.weightPct]));
  const groupWeight = new Map(config.groups.map((group) => [group.id, group.weightPct]));
  const counts = new Map(result.groups.map((group) => [group.id, !result.void && group.quorumMet]));
  const trim = config.rules.trim;

  function mean(group: string, indicator: string, optionCounts: Readonly<Record<string, number>>): { steps: MeanSteps; value: Fraction | undefined } {
    const count = (option: string) => (Object.hasOwn(optionCounts, option) ? optionCounts[option]! : 0);
    const n = scored.reduce((total, option) => total + count(option.option), 0);
    let sum = scored.reduce((total, option) => total + BigInt(count(option.option)) * option.hundredths, 0n);
    const terms = scored.map((option) => ({ option: option.option, score: scoreText(option.hundredths), count: count(option.option) }));
    let dropped: MeanSteps['dropped'] = null;
    let kept = n;
    if (trim && n > trim.moreThan) {
      /** The `drop` scores at one end, walking the options in `order`. */
      const end = (order: typeof scored) => {
        const taken: { score: string; count: number }[] = [];
        let left = trim.drop;
        let total = 0n;
        for (const option of order) {
          const take = Math.min(left, count(option.option));
          if (take > 0) taken.push({ score: scoreText(option.hundredths), count: take });
          total += BigInt(take) * option.hundredths;
          left -= take;
          if (left === 0) break;
        }
        return { taken, total };
      };
      const highest = end(scored);
      const lowest = end([...scored].reverse());
      dropped = { highest: highest.taken, lowest: lowest.taken, sum: scoreText(highest.total + lowest.total) };
      sum -= highest.total + lowest.total;
      kept = n - 2 * trim.drop;
    }
    const value = kept > 0 ? fraction(sum, BigInt(kept) * 100n) : undefined;
    const total = scored.reduce((all, option) => all + BigInt(count(option.option)) * option.hundredths, 0n);
    return { steps: { group, indicator, n, terms, sum: scoreText(total), dropped, kept, mean: value ? fixed2(value) : null }, value };
  }

  function weighted(parts: readonly { id: string; weightPct: number; value: Fraction | undefined }[]): { steps: WeightedSteps; value: Fraction | undefined } {
    let total = ZERO;
    let weights = 0n;
    const terms: WeightedSteps['terms'] = [];
    for (const part of parts) {
      if (part.value === undefined) continue;
      const weight = hundredthsOf(part.weightPct)!;
      total = add(total, mul(part.value, fraction(weight)));
      weights += weight;
      terms.push({ id: part.id, weightPct: part.weightPct, value: fixed2(part.value) });
    }
    const value = weights > 0n ? div(total, fraction(weights)) : undefined;
    return { steps: { terms, weightPct: formatHundredths(weights), value: value ? fixed2(value) : null }, value };
  }

  return result.subjects.map((subject) => {
    const means: MeanSteps[] = [];
    const groupScores: { id: string; weightPct: number; value: Fraction | undefined }[] = [];
    const groups = subject.groups.map((group) => {
      const parts = group.indicators.map((indicator) => {
        const { steps, value } = mean(group.id, indicator.id, indicator.counts);
        means.push(steps);
        return { id: indicator.id, weightPct: indicatorWeight.get(indicator.id) ?? 0, value };
      });
      const score = weighted(parts);
      if (counts.get(group.id)) groupScores.push({ id: group.id, weightPct: groupWeight.get(group.id) ?? 0, value: score.value });
      return { id: group.id, score: score.steps };
    });
    return { id: subject.id, means, groups, composite: result.void ? null : weighted(groupScores).steps };
  });
}
