import { mergeLevelCounts, totalCount, type LevelCounts } from '../level-counts.js';
import { computeRate, NATIONAL_GOOD_RATE, NATIONAL_SATISFIED_RATE, type Rate, type RateDefinition } from '../rates.js';
import { suppress, SUPPRESSION_K, uniformSets, type Suppression } from '../report-suppression.js';
import { stratifiedEstimate, type StratifiedEstimate } from './results.js';

/**
 * A round's results from its counts (issue 13 §5; docs/decisions/0023-round-results.md): the
 * funnel per stratum and for the round, the rates of each stratum (Wilson), and the stratified
 * estimate (results.ts). The strata's answers are one additive family (the strata add up to the
 * round), suppressed as report cells are: a stratum under k answers shows no numbers, and another
 * goes with it so that the round's total minus the shown strata recovers no small group. The
 * estimate is a weighted total: it is given only when no stratum's answers are hidden, since with
 * the weights N_h published one hidden stratum could be solved for.
 */
export interface StratumCounts {
  key: string;
  label?: string;
  N: number;
  drawn: number;
  sent: number;
  failed: number;
  responded: number;
  optedOut: number;
  /** The answers by level. */
  counts: LevelCounts;
}

export interface Funnel {
  N: number;
  drawn: number;
  sent: number;
  failed: number;
  delivered: number | null;
  responded: number;
  optedOut: number;
  responseRate: number | null;
}

/**
 * `open`: the round still takes answers. Its cells and estimate are withheld until it closes: who
 * knows that one person just answered could read their level from two looks a minute apart.
 */
export type CellSuppression = Suppression | 'open';

export interface ResultCell {
  suppressed: CellSuppression | null;
  n: number | null;
  counts: Record<'1' | '2' | '3' | '4' | '5', number> | null;
  goodRate: Rate | null;
  satisfiedRate: Rate | null;
}

export type RoundEstimate = StratifiedEstimate | { ok: false; problem: 'suppressed' | 'open'; strata: string[] };

export interface BuiltRoundResults {
  funnel: Funnel;
  total: ResultCell;
  strata: (ResultCell & { key: string; label?: string; W: number; funnel: Funnel })[];
  estimate: { good: RoundEstimate; satisfied: RoundEstimate };
}

const ROUND = '\u0000round';

function funnelOf(parts: readonly Omit<StratumCounts, 'key' | 'label' | 'counts'>[]): Funnel {
  const sum = (field: 'N' | 'drawn' | 'sent' | 'failed' | 'responded' | 'optedOut') => parts.reduce((total, part) => total + part[field], 0);
  const sent = sum('sent');
  return { N: sum('N'), drawn: sum('drawn'), sent, failed: sum('failed'), delivered: null, responded: sum('responded'), optedOut: sum('optedOut'), responseRate: sent > 0 ? sum('responded') / sent : null };
}

function cell(counts: LevelCounts, suppressed: CellSuppression | undefined, definitions: { good: RateDefinition; satisfied: RateDefinition }): ResultCell {
  if (suppressed) return { suppressed, n: null, counts: null, goodRate: null, satisfiedRate: null };
  return {
    suppressed: null,
    n: totalCount(counts),
    counts: { '1': counts[1], '2': counts[2], '3': counts[3], '4': counts[4], '5': counts[5] },
    goodRate: computeRate(counts, definitions.good),
    satisfiedRate: computeRate(counts, definitions.satisfied),
  };
}

export function buildRoundResults(
  strata: readonly StratumCounts[],
  definitions: { good: RateDefinition; satisfied: RateDefinition } = { good: NATIONAL_GOOD_RATE, satisfied: NATIONAL_SATISFIED_RATE },
  k: number = SUPPRESSION_K,
  options: { open?: boolean } = {},
): BuiltRoundResults {
  const total = mergeLevelCounts(strata.map((stratum) => stratum.counts));
  const n = new Map<string, number>([[ROUND, totalCount(total)], ...strata.map((stratum) => [stratum.key, totalCount(stratum.counts)] as [string, number])]);
  const counts = new Map<string, LevelCounts>([[ROUND, total], ...strata.map((stratum) => [stratum.key, stratum.counts] as [string, LevelCounts])]);
  const hidden: Map<string, CellSuppression> = suppress(n, [{ total: ROUND, rows: strata.map((stratum) => stratum.key) }], k, {
    counts,
    sets: uniformSets(definitions.good.levels, definitions.satisfied.levels),
  });
  if (options.open) {
    for (const id of n.keys()) hidden.set(id, 'open');
  }
  const N = strata.reduce((sum, stratum) => sum + stratum.N, 0);
  const estimateOf = (definition: RateDefinition): RoundEstimate => {
    if (options.open) return { ok: false, problem: 'open', strata: [] };
    const hiddenStrata = strata.filter((stratum) => hidden.has(stratum.key)).map((stratum) => stratum.key);
    if (hidden.has(ROUND) || hiddenStrata.length > 0) return { ok: false, problem: 'suppressed', strata: hiddenStrata };
    return stratifiedEstimate(
      strata.map((stratum) => ({
        key: stratum.key,
        N: stratum.N,
        n: totalCount(stratum.counts),
        successes: definition.levels.reduce((sum, level) => sum + stratum.counts[level], 0),
      })),
    );
  };
  return {
    funnel: funnelOf(strata),
    total: cell(total, hidden.get(ROUND), definitions),
    strata: strata.map((stratum) => ({
      key: stratum.key,
      ...(stratum.label ? { label: stratum.label } : {}),
      W: N > 0 ? stratum.N / N : 0,
      funnel: funnelOf([stratum]),
      ...cell(stratum.counts, hidden.get(stratum.key), definitions),
    })),
    estimate: { good: estimateOf(definitions.good), satisfied: estimateOf(definitions.satisfied) },
  };
}

