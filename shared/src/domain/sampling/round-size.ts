import type { AllocationInput, AllocationMethod, StratumSize } from './allocation.js';
import { sampleSizeForMargin } from './sample-size.js';

/**
 * How a round says how many to draw (issue 13 §2), turned into the input of `allocate`:
 * - a total n, split by the round's allocation method;
 * - n per stratum (each stratum gets min(n, N_h): the fixed method);
 * - a margin of error e at 95% (p = 0.5, finite population correction), either overall (n for the
 *   whole frame, split by the method) or per stratum (each stratum gets the n its own N_h needs:
 *   the fixed method).
 */
export type RoundSize = { mode: 'total'; n: number } | { mode: 'per-stratum'; n: number } | { mode: 'margin'; e: number; per: 'overall' | 'stratum' };

export interface RoundAllocation {
  method: AllocationMethod;
  /** fixed only: n_h by stratum key. */
  fixed?: Readonly<Record<string, number>>;
}

export function allocationInput(
  size: RoundSize,
  allocation: RoundAllocation,
  strata: readonly StratumSize[],
  priors?: Readonly<Record<string, number>>,
): AllocationInput {
  const N = strata.reduce((sum, stratum) => sum + stratum.N, 0);
  const perStratum = (nOf: (stratum: StratumSize) => number): AllocationInput => {
    const fixed: Record<string, number> = {};
    for (const stratum of strata) fixed[stratum.key] = Math.min(stratum.N, nOf(stratum));
    return { method: 'fixed', total: Object.values(fixed).reduce((a, b) => a + b, 0), strata, fixed };
  };
  if (size.mode === 'per-stratum') return perStratum(() => size.n);
  if (size.mode === 'margin' && size.per === 'stratum') return perStratum((stratum) => sampleSizeForMargin(size.e, stratum.N));
  const total = size.mode === 'total' ? size.n : sampleSizeForMargin(size.e, N);
  if (allocation.method === 'fixed') {
    const fixed = allocation.fixed ?? {};
    return { method: 'fixed', total: Object.values(fixed).reduce((a, b) => a + b, 0), strata, fixed };
  }
  return { method: allocation.method, total, strata, ...(allocation.method === 'neyman' && priors ? { priors } : {}) };
}
