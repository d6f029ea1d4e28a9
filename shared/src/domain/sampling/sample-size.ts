/**
 * How many to ask in a 阳光测评 round for a wanted margin of error, and the margin a given sample
 * buys. Both assume the worst case p = 0.5 (the proportion that needs the largest sample), a 95%
 * confidence level and simple random sampling (Cochran 1977, Sampling Techniques, §4.4).
 */

/** z for a two-sided 95% interval: the 0.975 quantile of the standard normal distribution. */
export const Z95 = 1.959963984540054;

/** The planning proportion: p(1 − p) is largest at p = 0.5, so the sample is large enough for any p. */
const P = 0.5;

/**
 * How far above an integer a computed sample size may be and still count as that integer. The
 * formulas divide and multiply doubles, so a size that is 385 exactly on paper can come out as
 * 385.00000000000006 and a plain ⌈·⌉ would ask one person too many. A size within 1e-9 of an
 * integer takes that integer; real sizes are below 10^9, so the guard never moves a size that is
 * truly fractional (those differ from an integer by far more than 1e-9).
 */
const INTEGER_TOLERANCE = 1e-9;

export type SizeProblem = { field: string; message: string };

export interface SizeInput {
  /** e, the wanted margin of error as a proportion (0.03 for ±3 percentage points). */
  margin?: number;
  /** N, the population the sample is drawn from; absent for an unbounded population. */
  population?: number;
  /** n, a sample size. */
  size?: number;
}

/**
 * The first thing wrong with the inputs of {@link sampleSizeForMargin} or {@link marginForSize}, or
 * null. The two calculators return NaN for inputs this rejects rather than throw: callers check
 * here first and show the problem next to its field.
 */
export function sizeInputProblem(input: SizeInput): SizeProblem | null {
  const { margin, population, size } = input;
  // e ≥ 0.5 would ask for fewer than 4 people (n0 < Z95²), which no one means; e = 0 is a census.
  if (margin !== undefined && !(margin > 0 && margin < 0.5)) {
    return { field: 'margin', message: 'must be greater than 0 and less than 0.5' };
  }
  if (population !== undefined && !isCount(population)) {
    return { field: 'population', message: 'must be a whole number, 0 or more' };
  }
  if (size !== undefined && !isCount(size)) return { field: 'size', message: 'must be a whole number, 0 or more' };
  return null;
}

/**
 * The sample size for a margin of error e at 95% and p = 0.5: n0 = Z95²·p(1 − p)/e², rounded up.
 * With a finite population N the finite population correction n = n0 / (1 + (n0 − 1)/N) applies,
 * which is never above N. For e = 0.03: 1,068 unbounded, 697 of N = 2,000.
 */
export function sampleSizeForMargin(e: number, N?: number): number {
  if (sizeInputProblem({ margin: e, population: N }) !== null) return Number.NaN;
  const n0 = (Z95 * Z95 * P * (1 - P)) / (e * e);
  if (N === undefined) return ceilGuarded(n0);
  if (N === 0) return 0;
  return Math.min(N, ceilGuarded(n0 / (1 + (n0 - 1) / N)));
}

/**
 * The margin of error at 95% and p = 0.5 that a simple random sample of n gives:
 * e = Z95·√(p(1 − p)/n), times √((N − n)/(N − 1)) for a population N. Asking everyone (n ≥ N)
 * leaves no sampling error, so the margin is 0; a sample of 0 bounds nothing (Infinity).
 * This is the inverse of {@link sampleSizeForMargin} before its rounding up, so
 * marginForSize(sampleSizeForMargin(e, N), N) ≤ e.
 */
export function marginForSize(n: number, N?: number): number {
  if (sizeInputProblem({ size: n, population: N }) !== null) return Number.NaN;
  if (N !== undefined && n >= N) return 0;
  const unbounded = Z95 * Math.sqrt((P * (1 - P)) / n);
  return N === undefined ? unbounded : unbounded * Math.sqrt((N - n) / (N - 1));
}

/** ⌈x⌉, except that x within {@link INTEGER_TOLERANCE} of an integer is that integer. */
function ceilGuarded(x: number): number {
  const nearest = Math.round(x);
  return Math.abs(x - nearest) < INTEGER_TOLERANCE ? nearest : Math.ceil(x);
}

/** A whole number of people: a non-negative integer small enough to be exact in a double. */
function isCount(value: number): boolean {
  return Number.isSafeInteger(value) && value >= 0;
}
