import { Z_95 } from '../wilson.js';

/**
 * The stratified estimate of a 阳光测评 round (issue 13 §5): each stratum's proportion weighted by
 * its share of the frame, p̂ = Σ W_h·p̂_h with W_h = N_h/N, and its 95% interval from Cochran's
 * variance of a stratified random sample without replacement (Cochran, Sampling Techniques, 3rd
 * ed., eq. 5.6 with the proportion's s_h² = n_h·p̂_h(1−p̂_h)/(n_h − 1), §5.11):
 *
 *   v(p̂) = Σ W_h² · (1 − n_h/N_h) · p̂_h(1 − p̂_h) / (n_h − 1)
 *
 * where n_h is the stratum's number of VALID answers (the respondents are treated as a random
 * sample of the stratum: the non-response is printed beside the estimate, never hidden in it).
 * N is the whole frame: a stratum without at least two answers leaves the estimate undefined —
 * saying so is honest, silently dropping the stratum's weight is not.
 */
export interface StratumAnswers {
  key: string;
  /** People in the stratum's frame. */
  N: number;
  /** Valid answers. */
  n: number;
  /** Answers counted in the rate's numerator. */
  successes: number;
}

export type StratifiedEstimate =
  | { ok: true; value: number; low: number; high: number; standardError: number }
  | { ok: false; problem: 'no-frame' | 'too-few-answers'; strata: string[] };

export function stratifiedEstimate(strata: readonly StratumAnswers[], z: number = Z_95): StratifiedEstimate {
  const N = strata.reduce((sum, stratum) => sum + stratum.N, 0);
  if (N <= 0) return { ok: false, problem: 'no-frame', strata: [] };
  const short = strata.filter((stratum) => stratum.N > 0 && stratum.n < 2).map((stratum) => stratum.key);
  if (short.length > 0) return { ok: false, problem: 'too-few-answers', strata: short };
  let value = 0;
  let variance = 0;
  for (const stratum of strata) {
    if (stratum.N === 0) continue;
    if (!Number.isInteger(stratum.successes) || stratum.successes < 0 || stratum.successes > stratum.n) {
      throw new RangeError(`stratum ${stratum.key}: successes must be an integer in [0, ${stratum.n}], got ${stratum.successes}`);
    }
    const weight = stratum.N / N;
    const p = stratum.successes / stratum.n;
    // More answers than people (a frame re-counted smaller) would make the correction negative: cap at a census.
    const finite = Math.max(0, 1 - stratum.n / stratum.N);
    value += weight * p;
    variance += weight * weight * finite * ((p * (1 - p)) / (stratum.n - 1));
  }
  const standardError = Math.sqrt(variance);
  return { ok: true, value, low: Math.max(0, value - z * standardError), high: Math.min(1, value + z * standardError), standardError };
}
