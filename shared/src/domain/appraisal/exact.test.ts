import { describe, expect, it } from 'vitest';
import { add, compare, div, fixed2, floorTimes, formatHundredths, fraction, hundredthsHalfUp, hundredthsOf, mul, parseRatio, ZERO } from './exact.js';

describe('fraction', () => {
  it('is kept in lowest terms with a positive denominator', () => {
    expect(fraction(2n, 4n)).toEqual({ num: 1n, den: 2n });
    expect(fraction(3n, -6n)).toEqual({ num: -1n, den: 2n });
    expect(fraction(0n, 5n)).toEqual({ num: 0n, den: 1n });
    expect(fraction(7n)).toEqual({ num: 7n, den: 1n });
    expect(fraction(3333n + 3333n + 3334n, 100n)).toEqual({ num: 100n, den: 1n });
  });

  it('refuses a zero denominator', () => {
    expect(() => fraction(1n, 0n)).toThrow(RangeError);
  });

  it('adds, multiplies, divides and compares exactly', () => {
    // 1/3 + 1/6 = 2/6 + 1/6 = 1/2
    expect(add(fraction(1n, 3n), fraction(1n, 6n))).toEqual({ num: 1n, den: 2n });
    // 2/3 × 3/4 = 6/12 = 1/2
    expect(mul(fraction(2n, 3n), fraction(3n, 4n))).toEqual({ num: 1n, den: 2n });
    // (1/2) ÷ (1/4) = 2
    expect(div(fraction(1n, 2n), fraction(1n, 4n))).toEqual({ num: 2n, den: 1n });
    expect(() => div(fraction(1n, 2n), ZERO)).toThrow(RangeError);
    expect(compare(fraction(1n, 3n), fraction(333n, 1000n))).toBe(1);
    expect(compare(fraction(1n, 3n), fraction(334n, 1000n))).toBe(-1);
    expect(compare(fraction(2n, 6n), fraction(1n, 3n))).toBe(0);
  });
});

describe('rounding half-up to two decimals', () => {
  it('rounds an exact half up', () => {
    // 87.805 = 87805/1000: the half goes up → 87.81 (a double 87.805 would be 87.80499…)
    expect(fixed2(fraction(87805n, 1000n))).toBe('87.81');
    expect(hundredthsHalfUp(fraction(87805n, 1000n))).toBe(8781n);
    // 89.995 → 90.00
    expect(fixed2(fraction(89995n, 1000n))).toBe('90.00');
    // 0.005 → 0.01
    expect(fixed2(fraction(5n, 1000n))).toBe('0.01');
  });

  it('rounds just below a half down', () => {
    // 87.8049999 = 878049999/10^7 → 87.80
    expect(fixed2(fraction(878049999n, 10_000_000n))).toBe('87.80');
    // 89.9949494… = 89.99 + 49/9900 → 89.99
    expect(fixed2(add(fraction(8999n, 100n), fraction(49n, 9900n)))).toBe('89.99');
  });

  it('rounds thirds', () => {
    expect(fixed2(fraction(1n, 3n))).toBe('0.33');
    expect(fixed2(fraction(2n, 3n))).toBe('0.67');
    expect(fixed2(fraction(100n, 3n))).toBe('33.33');
    expect(fixed2(fraction(200n, 3n))).toBe('66.67');
    // 260/3 = 86.666… → 86.67
    expect(fixed2(fraction(260n, 3n))).toBe('86.67');
  });

  it('writes exactly two decimals', () => {
    expect(fixed2(fraction(439n, 5n))).toBe('87.80');
    expect(fixed2(fraction(100n))).toBe('100.00');
    expect(fixed2(ZERO)).toBe('0.00');
    expect(fixed2(fraction(7n, 100n))).toBe('0.07');
    expect(formatHundredths(8780n)).toBe('87.80');
    expect(formatHundredths(5n)).toBe('0.05');
  });

  it('takes the floor of x·100 + ½ for negative values too', () => {
    // −0.015·100 + 0.5 = −1 → −0.01; −0.005·100 + 0.5 = 0 → 0.00
    expect(hundredthsHalfUp(fraction(-15n, 1000n))).toBe(-1n);
    expect(hundredthsHalfUp(fraction(-5n, 1000n))).toBe(0n);
    expect(formatHundredths(-1n)).toBe('-0.01');
  });
});

describe('hundredthsOf', () => {
  it('reads the decimal that was written', () => {
    expect(hundredthsOf(33.33)).toBe(3333n);
    expect(hundredthsOf(33.34)).toBe(3334n);
    expect(hundredthsOf(0.1)).toBe(10n);
    expect(hundredthsOf(0.07)).toBe(7n);
    expect(hundredthsOf(100)).toBe(10000n);
    expect(hundredthsOf(0)).toBe(0n);
    expect(hundredthsOf(89.99)).toBe(8999n);
    expect(hundredthsOf(-1.5)).toBe(-150n);
    // 0.1 + 0.2 is not 0.3 as a double: its text has 17 decimals
    expect(hundredthsOf(0.1 + 0.2)).toBeUndefined();
  });

  it('refuses more than two decimals, exponents and non-finite numbers', () => {
    expect(hundredthsOf(1.005)).toBeUndefined();
    expect(hundredthsOf(33.333)).toBeUndefined();
    expect(hundredthsOf(1e21)).toBeUndefined();
    expect(hundredthsOf(1e-7)).toBeUndefined();
    expect(hundredthsOf(Number.NaN)).toBeUndefined();
    expect(hundredthsOf(Number.POSITIVE_INFINITY)).toBeUndefined();
    expect(hundredthsOf(Number.NEGATIVE_INFINITY)).toBeUndefined();
  });
});

describe('parseRatio', () => {
  it('reads n/d in lowest terms', () => {
    expect(parseRatio('1/2')).toEqual({ num: 1n, den: 2n });
    expect(parseRatio('2/3')).toEqual({ num: 2n, den: 3n });
    expect(parseRatio('2/4')).toEqual({ num: 1n, den: 2n });
    expect(parseRatio('0/1')).toEqual({ num: 0n, den: 1n });
    expect(parseRatio('1/1')).toEqual({ num: 1n, den: 1n });
  });

  it('reads percentages exactly', () => {
    expect(parseRatio('30%')).toEqual({ num: 3n, den: 10n });
    // 33.3% = 333/1000, which is not one third
    expect(parseRatio('33.3%')).toEqual({ num: 333n, den: 1000n });
    expect(compare(parseRatio('33.3%')!, parseRatio('1/3')!)).toBe(-1);
    expect(parseRatio('100%')).toEqual({ num: 1n, den: 1n });
    expect(parseRatio('0%')).toEqual({ num: 0n, den: 1n });
    // six decimals: 0.000001% = 1/10^8
    expect(parseRatio('0.000001%')).toEqual({ num: 1n, den: 100_000_000n });
  });

  it('reads n/d with 1–9 digits each, and no more (0025: "n and d whole numbers of 1–9 digits")', () => {
    expect(parseRatio('999999999/999999999')).toEqual({ num: 1n, den: 1n });
    expect(parseRatio('500000000/999999999')).toEqual({ num: 500_000_000n, den: 999_999_999n });
    expect(parseRatio('1000000000/2000000000')).toBeUndefined();
    expect(parseRatio('1/2000000000')).toBeUndefined();
  });

  it('parses ratios above 1 (packProblems refuses them)', () => {
    expect(parseRatio('3/2')).toEqual({ num: 3n, den: 2n });
  });

  it('refuses what is not a ratio', () => {
    for (const text of ['1/0', 'abc', '1.5/2', '-1/2', '1/-2', '', '1/2 ', ' 1/2', '%', '30', '-5%', '1.0000001%', '1/2%', '0.5', 'Infinity'])
      expect(parseRatio(text), text).toBeUndefined();
  });
});

describe('floorTimes', () => {
  it('is ⌊share × count⌋', () => {
    // ⌊4/3⌋ = 1, ⌊3/3⌋ = 1, ⌊2/3⌋ = 0, ⌊2·3/3⌋ = 2
    expect(floorTimes(fraction(1n, 3n), 4)).toBe(1);
    expect(floorTimes(fraction(1n, 3n), 3)).toBe(1);
    expect(floorTimes(fraction(1n, 3n), 2)).toBe(0);
    expect(floorTimes(fraction(2n, 3n), 3)).toBe(2);
    // 30% of 10 = 3; 33.3% of 3 = 0.999 → 0, where one third of 3 is 1
    expect(floorTimes(parseRatio('30%')!, 10)).toBe(3);
    expect(floorTimes(parseRatio('33.3%')!, 3)).toBe(0);
    expect(floorTimes(parseRatio('1/3')!, 3)).toBe(1);
    expect(floorTimes(fraction(1n, 2n), 0)).toBe(0);
    expect(floorTimes(ZERO, 100)).toBe(0);
    expect(floorTimes(fraction(1n), 7)).toBe(7);
  });
});
