/**
 * The five levels of the national 好差评 scale. The API uses the integer form (5 = 非常满意),
 * matching the five-to-one stars of the national system.
 */
export const RATING_LEVELS = [5, 4, 3, 2, 1] as const;
export type RatingLevel = (typeof RATING_LEVELS)[number];

export const RATING_LEVEL_NAMES = {
  5: { zh: '非常满意', en: 'Very satisfied' },
  4: { zh: '满意', en: 'Satisfied' },
  3: { zh: '基本满意', en: 'Fairly satisfied' },
  2: { zh: '不满意', en: 'Dissatisfied' },
  1: { zh: '非常不满意', en: 'Very dissatisfied' },
} as const satisfies Record<RatingLevel, { zh: string; en: string }>;

export function isRatingLevel(value: unknown): value is RatingLevel {
  return typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= 5;
}

/** 差评: the bottom two levels (不满意, 非常不满意), per the national 好差评 rules. */
export function isBadRating(level: RatingLevel): boolean {
  return level <= 2;
}
