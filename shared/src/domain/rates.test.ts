import { describe, expect, it } from 'vitest';
import { countLevels, emptyLevelCounts, mergeLevelCounts, totalCount } from './level-counts.js';
import { computeRate, NATIONAL_GOOD_RATE, NATIONAL_SATISFIED_RATE, type RateDefinition } from './rates.js';
import { isBadRating, isRatingLevel, RATING_LEVELS } from './rating-level.js';

describe('ratingLevel', () => {
  it('counts the bottom two levels as 差评', () => {
    expect(RATING_LEVELS.filter(isBadRating)).toEqual([2, 1]);
  });

  it('accepts only the integers 1 to 5', () => {
    expect([1, 2, 3, 4, 5].every(isRatingLevel)).toBe(true);
    expect([0, 6, 2.5, '3', null, Number.NaN].some(isRatingLevel)).toBe(false);
  });
});

describe('level counts', () => {
  it('merge by adding per level, so totals of days add up to totals of a period', () => {
    const monday = countLevels([5, 5, 4, 1]);
    const tuesday = countLevels([3, 2, 5]);
    const merged = mergeLevelCounts([monday, tuesday]);
    expect(merged).toEqual({ 1: 1, 2: 1, 3: 1, 4: 1, 5: 3 });
    expect(totalCount(merged)).toBe(totalCount(monday) + totalCount(tuesday));
  });
});

describe('rates', () => {
  const counts = { 1: 2, 2: 5, 3: 7, 4: 6, 5: 10 } as const;

  it('好评率 counts the top three levels over every valid rating', () => {
    const rate = computeRate(counts, NATIONAL_GOOD_RATE);
    expect(rate).toMatchObject({ numerator: 23, n: 30 });
    expect(rate.value).toBeCloseTo(23 / 30, 12);
  });

  it('满意率 counts the top two levels over every valid rating', () => {
    const rate = computeRate(counts, NATIONAL_SATISFIED_RATE);
    expect(rate).toMatchObject({ numerator: 16, n: 30 });
    expect(rate.low!).toBeLessThan(rate.value!);
    expect(rate.high!).toBeGreaterThan(rate.value!);
  });

  it('carries the definition it used, so a locality with another definition gets another number', () => {
    const strict: RateDefinition = { ...NATIONAL_SATISFIED_RATE, id: 'strict', levels: [5] };
    expect(computeRate(counts, strict)).toMatchObject({ numerator: 10, definition: { id: 'strict' } });
  });

  it('reports no value and no interval when there are no ratings', () => {
    expect(computeRate(emptyLevelCounts(), NATIONAL_GOOD_RATE)).toMatchObject({ value: null, low: null, high: null, n: 0 });
  });
});
