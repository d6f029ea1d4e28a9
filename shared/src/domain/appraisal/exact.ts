/**
 * Exact arithmetic for the appraisal tally (manyi-appraisal-v1): weights, scores and band limits
 * are decimals with at most two places, ratios are fractions ("1/2", "2/3") or percentages
 * ("30%", "33.3%"), and every mean, group score and composite is an exact fraction until it is
 * shown — rounded half-up to two decimals. Floating point would make "weights total 100%" and
 * "composite ≥ 90" depend on the order of additions; fractions of BigInts do not.
 */

/** A non-negative fraction num/den in lowest terms (den > 0). */
export interface Fraction {
  readonly num: bigint;
  readonly den: bigint;
}

function gcd(a: bigint, b: bigint): bigint {
  let x = a < 0n ? -a : a;
  let y = b < 0n ? -b : b;
  while (y !== 0n) [x, y] = [y, x % y];
  return x;
}

export function fraction(num: bigint, den: bigint = 1n): Fraction {
  if (den === 0n) throw new RangeError('a fraction needs a non-zero denominator');
  if (den < 0n) [num, den] = [-num, -den];
  const divisor = gcd(num, den) || 1n;
  return { num: num / divisor, den: den / divisor };
}

export const ZERO: Fraction = { num: 0n, den: 1n };

export function add(a: Fraction, b: Fraction): Fraction {
  return fraction(a.num * b.den + b.num * a.den, a.den * b.den);
}

export function mul(a: Fraction, b: Fraction): Fraction {
  return fraction(a.num * b.num, a.den * b.den);
}

export function div(a: Fraction, b: Fraction): Fraction {
  if (b.num === 0n) throw new RangeError('division by zero');
  return fraction(a.num * b.den, a.den * b.num);
}

/** −1, 0 or 1 as a is below, equal to or above b. */
export function compare(a: Fraction, b: Fraction): number {
  const left = a.num * b.den;
  const right = b.num * a.den;
  return left < right ? -1 : left > right ? 1 : 0;
}

/** A fraction rounded half-up to whole hundredths, as an integer count of hundredths. */
export function hundredthsHalfUp(value: Fraction): bigint {
  // floor(value·100 + 1/2) = floor((200·num + den) / (2·den)) for den > 0; BigInt division
  // truncates toward zero, so negative values take the floor explicitly.
  const numerator = 200n * value.num + value.den;
  const denominator = 2n * value.den;
  const quotient = numerator / denominator;
  return numerator < 0n && quotient * denominator !== numerator ? quotient - 1n : quotient;
}

/** "87.80": a count of hundredths written with two decimals. */
export function formatHundredths(hundredths: bigint): string {
  const sign = hundredths < 0n ? '-' : '';
  const magnitude = hundredths < 0n ? -hundredths : hundredths;
  const whole = magnitude / 100n;
  const cents = magnitude % 100n;
  return `${sign}${whole}.${cents.toString().padStart(2, '0')}`;
}

/** A fraction shown as the format shows every figure: rounded half-up to two decimals. */
export function fixed2(value: Fraction): string {
  return formatHundredths(hundredthsHalfUp(value));
}

/**
 * A JSON number with at most two decimals as an exact count of hundredths (33.33 → 3333n), or
 * undefined when it has more decimals, an exponent, or is not finite. The number's shortest
 * round-trip text is the decimal that was written, so 33.33 is 33.33 and not the binary double
 * nearest to it.
 */
export function hundredthsOf(value: number): bigint | undefined {
  if (!Number.isFinite(value)) return undefined;
  const match = /^(-?)(\d+)(?:\.(\d{1,2}))?$/.exec(String(value));
  if (!match) return undefined;
  const [, sign, whole, decimals = ''] = match;
  const magnitude = BigInt(whole!) * 100n + BigInt(decimals.padEnd(2, '0') || '0');
  return sign ? -magnitude : magnitude;
}

/** A ratio of the format: "n/d" (integers, d > 0) or "x%" (x a decimal); undefined otherwise. */
export function parseRatio(text: string): Fraction | undefined {
  const slash = /^(\d{1,9})\/(\d{1,9})$/.exec(text);
  if (slash) {
    const den = BigInt(slash[2]!);
    return den === 0n ? undefined : fraction(BigInt(slash[1]!), den);
  }
  const percent = /^(\d{1,3})(?:\.(\d{1,6}))?%$/.exec(text);
  if (percent) {
    const decimals = percent[2] ?? '';
    return fraction(BigInt(percent[1]! + decimals), 100n * 10n ** BigInt(decimals.length));
  }
  return undefined;
}

/** ⌊share × count⌋ for a non-negative share. */
export function floorTimes(share: Fraction, count: number): number {
  return Number((share.num * BigInt(count)) / share.den);
}
