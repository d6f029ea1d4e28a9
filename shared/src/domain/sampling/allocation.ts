import { compareUtf8 } from './byte-order.js';

/**
 * How a 阳光测评 round's sample of `total` is split over its strata (units, windows, …). Part of the
 * public format manyi-draw-v1: anyone holding the round's inputs must get the same n_h from their
 * own implementation, so every step below is fixed down to the order of the floating-point
 * operations, and every ordering of strata is by key in UTF-8 byte order (compareUtf8).
 *
 * - proportional: w_h = N_h, so each stratum is sampled at the same rate;
 * - equal: w_h = 1 for every non-empty stratum, so small strata get as many as large ones;
 * - neyman: w_h = N_h·S_h with S_h = √(p_h(1 − p_h)), putting more where answers vary more
 *   (Neyman 1934; p_h from a prior round, else 0.5);
 * - fixed: the caller gives every n_h and allocation only checks them.
 *
 * Quotas q_h = remaining·w_h/W are rounded by largest remainder (Hamilton's method); a stratum
 * whose n_h would exceed N_h is taken whole and the rest is shared again among the others.
 */

export type AllocationMethod = 'proportional' | 'equal' | 'neyman' | 'fixed';

export interface StratumSize {
  key: string;
  N: number;
}

export interface AllocationInput {
  method: AllocationMethod;
  total: number;
  strata: readonly StratumSize[];
  /** neyman only: p_h in [0, 1] by stratum key; a stratum without one uses 0.5. */
  priors?: Readonly<Record<string, number>>;
  /** fixed only: n_h by stratum key; a stratum without one gets 0. */
  fixed?: Readonly<Record<string, number>>;
}

/**
 * `n` holds every stratum's key, inserted in compareUtf8 order. JavaScript lists integer-like
 * property names ("7", "42") first and in numeric order whatever the insertion order, so anything
 * that writes `n` out in the format's order must sort the keys with compareUtf8, not trust
 * Object.keys. `census` is true when every unit of every stratum is taken.
 */
export type Allocation = { ok: true; n: Record<string, number>; census: boolean } | { ok: false; problem: { field: string; message: string } };

type Problem = { field: string; message: string };

/**
 * Above these sizes the double arithmetic below could no longer be shown to hand out exactly
 * `total` units: the rounding error of Σ q_h is at most about remaining·(strata + 1)·2^-53, and
 * 10^9 · 10,001 · 2^-53 ≈ 0.001 keeps it far below one unit. A 阳光测评 round is many orders of
 * magnitude smaller.
 */
export const MAX_ALLOCATION_TOTAL = 1_000_000_000;
export const MAX_STRATA = 10_000;

const METHODS: readonly string[] = ['proportional', 'equal', 'neyman', 'fixed'];

/**
 * The weight w_h that a method gives a stratum. `prior` is neyman's p_h (0.5 when absent); the
 * fixed method has no weights, so it gives NaN.
 */
export function allocationWeight(method: AllocationMethod, stratum: StratumSize, prior?: number): number {
  switch (method) {
    case 'proportional':
      return stratum.N;
    case 'equal':
      return stratum.N > 0 ? 1 : 0;
    case 'neyman': {
      const p = prior ?? 0.5;
      return stratum.N * Math.sqrt(p * (1 - p));
    }
    case 'fixed':
      return Number.NaN;
  }
}

/**
 * Splits `total` over the strata. Input problems come back in this order, the first one found:
 * method; total; strata (count, duplicate keys, each N_h in key order, ΣN_h); then neyman's
 * priors or the fixed sizes, each in key order. They are checked before the census test, so a
 * bad prior is reported even when everyone would be asked.
 */
export function allocate(input: AllocationInput): Allocation {
  const strata = [...input.strata].sort((a, b) => compareUtf8(a.key, b.key));
  const problem = inputProblem(input, strata);
  if (problem !== null) return { ok: false, problem };

  if (input.method === 'fixed') return allocateFixed(input, strata);

  const population = strata.reduce((sum, stratum) => sum + stratum.N, 0);
  if (input.total >= population) return result(strata.map((stratum) => stratum.N), strata, true);

  const weights = strata.map((stratum) => allocationWeight(input.method, stratum, own(input.priors, stratum.key)));
  return result(divide(input.total, strata, weights), strata, false);
}

/**
 * Largest-remainder rounding with caps, over strata already in key order; `total` < ΣN_h.
 * Returns n_h by position. Each pass shares `remaining` over the open strata; any stratum whose
 * share exceeds N_h is taken whole and closed, and the pass is run again without it. Every pass
 * closes at least one stratum or ends, and remaining < Σ N_h over the open strata holds
 * throughout, so the loop ends with every n_h ≤ N_h and Σ n_h = total.
 */
function divide(total: number, strata: readonly StratumSize[], weights: readonly number[]): number[] {
  const n = strata.map(() => 0);
  let open = strata.map((_, index) => index).filter((index) => strata[index]!.N > 0);
  let remaining = total;
  for (;;) {
    const shares = share(remaining, open, strata, weights);
    const capped = new Set(open.filter((index, position) => shares[position]! > strata[index]!.N));
    if (capped.size === 0) {
      open.forEach((index, position) => (n[index] = shares[position]!));
      return n;
    }
    for (const index of capped) {
      n[index] = strata[index]!.N;
      remaining -= strata[index]!.N;
    }
    open = open.filter((index) => !capped.has(index));
  }
}

/**
 * One pass: q_h = remaining·w_h/W over the open strata (W summed in key order), n_h = ⌊q_h⌋, and
 * the r = remaining − Σ⌊q_h⌋ units left over go one each to the r largest fractional parts, ties
 * to the smaller key. If every open weight is 0 — neyman with every open p_h at 0 or 1, so no
 * stratum varies — the pass uses proportional weights N_h instead: the round still has to ask
 * `total` people, and sharing them by size is the neutral choice. Open strata all have N_h > 0, so
 * the fallback's W is positive.
 */
function share(remaining: number, open: readonly number[], strata: readonly StratumSize[], weights: readonly number[]): number[] {
  let w = open.map((index) => weights[index]!);
  let W = w.reduce((sum, weight) => sum + weight, 0);
  if (W === 0) {
    w = open.map((index) => strata[index]!.N);
    W = w.reduce((sum, weight) => sum + weight, 0);
  }
  const quotas = w.map((weight) => (remaining * weight) / W);
  const shares = quotas.map((q) => Math.floor(q));
  const leftover = remaining - shares.reduce((sum, s) => sum + s, 0);
  const byRemainder = open
    .map((index, position) => ({ position, key: strata[index]!.key, fraction: quotas[position]! - shares[position]! }))
    .sort((a, b) => b.fraction - a.fraction || compareUtf8(a.key, b.key));
  for (const { position } of byRemainder.slice(0, leftover)) shares[position]! += 1;
  return shares;
}

function allocateFixed(input: AllocationInput, strata: readonly StratumSize[]): Allocation {
  const n = strata.map((stratum) => own(input.fixed, stratum.key) ?? 0);
  const population = strata.reduce((sum, stratum) => sum + stratum.N, 0);
  return result(n, strata, input.total === population);
}

function inputProblem(input: AllocationInput, strata: readonly StratumSize[]): Problem | null {
  if (!METHODS.includes(input.method)) return { field: 'method', message: `must be one of ${METHODS.join(', ')}` };
  if (!isCount(input.total) || input.total > MAX_ALLOCATION_TOTAL) {
    return { field: 'total', message: `must be a whole number from 0 to ${MAX_ALLOCATION_TOTAL}` };
  }
  const problem = strataProblem(strata);
  if (problem !== null) return problem;
  if (input.method === 'neyman') return priorsProblem(input, strata);
  if (input.method === 'fixed') return fixedProblem(input, strata);
  return null;
}

function strataProblem(strata: readonly StratumSize[]): Problem | null {
  if (strata.length > MAX_STRATA) return { field: 'strata', message: `must be at most ${MAX_STRATA} strata` };
  for (let i = 1; i < strata.length; i++) {
    if (strata[i]!.key === strata[i - 1]!.key) return { field: 'strata', message: `has the key "${strata[i]!.key}" more than once` };
  }
  for (const stratum of strata) {
    if (!isCount(stratum.N)) return { field: `strata.${stratum.key}`, message: 'N must be a whole number, 0 or more' };
  }
  const population = strata.reduce((sum, stratum) => sum + stratum.N, 0);
  if (!Number.isSafeInteger(population)) return { field: 'strata', message: `must hold at most ${Number.MAX_SAFE_INTEGER} units together` };
  return null;
}

/** Priors are read for the strata only; a prior for a key that is not a stratum is ignored. */
function priorsProblem(input: AllocationInput, strata: readonly StratumSize[]): Problem | null {
  for (const stratum of strata) {
    const p = own(input.priors, stratum.key);
    if (p !== undefined && !(typeof p === 'number' && p >= 0 && p <= 1)) {
      return { field: `priors.${stratum.key}`, message: 'must be a proportion from 0 to 1' };
    }
  }
  return null;
}

/**
 * A fixed size for a key that is not a stratum is a problem (it would silently be dropped, and
 * `total` would no longer say what is drawn); then each stratum's size in key order; then the sum.
 */
function fixedProblem(input: AllocationInput, strata: readonly StratumSize[]): Problem | null {
  const keys = new Set(strata.map((stratum) => stratum.key));
  const strangers = Object.keys(input.fixed ?? {})
    .filter((key) => !keys.has(key))
    .sort(compareUtf8);
  if (strangers.length > 0) return { field: `fixed.${strangers[0]}`, message: 'is not one of the strata' };
  let sum = 0;
  for (const stratum of strata) {
    const n = own(input.fixed, stratum.key) ?? 0;
    if (typeof n === 'number' && n > stratum.N) return { field: `fixed.${stratum.key}`, message: `must be at most N = ${stratum.N}` };
    if (!isCount(n)) return { field: `fixed.${stratum.key}`, message: `must be a whole number from 0 to N = ${stratum.N}` };
    sum += n;
  }
  if (input.total !== sum) return { field: 'total', message: `must equal the sum of the fixed sizes, ${sum}` };
  return null;
}

/**
 * The result object, keys in compareUtf8 order. Object.fromEntries defines own properties, so a
 * stratum named "__proto__" is kept as data rather than changing the object's prototype.
 */
function result(n: readonly number[], strata: readonly StratumSize[], census: boolean): Allocation {
  return { ok: true, n: Object.fromEntries(strata.map((stratum, index) => [stratum.key, n[index]!])), census };
}

/** record[key] if record has it as its own property; inherited names such as "constructor" do not count. */
function own(record: Readonly<Record<string, number>> | undefined, key: string): number | undefined {
  return record !== undefined && Object.hasOwn(record, key) ? record[key] : undefined;
}

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}
