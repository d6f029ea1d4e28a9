import type { LevelCounts } from './level-counts.js';
import { totalCount } from './level-counts.js';
import type { RatingLevel } from './rating-level.js';
import { wilsonInterval } from './wilson.js';

/**
 * What a rate counts. Localities define 满意率 and 好评率 differently, so a definition is data and
 * every reported rate carries the one it used.
 */
export interface RateDefinition {
  id: string;
  name: { zh: string; en: string };
  /** Levels counted in the numerator; the denominator is every valid rating. */
  levels: readonly RatingLevel[];
  /** Human-readable formula, printed next to the number. */
  formula: { zh: string; en: string };
}

/** National default: 好评 is any of the top three levels (非常满意、满意、基本满意). */
export const NATIONAL_GOOD_RATE: RateDefinition = {
  id: 'national-good-rate',
  name: { zh: '好评率', en: 'Positive rate' },
  levels: [5, 4, 3],
  formula: {
    zh: '好评率 =（非常满意 + 满意 + 基本满意）÷ 有效评价数（不含可疑评价和申诉成立的评价）',
    en: 'Positive rate = (very satisfied + satisfied + fairly satisfied) ÷ valid ratings (suspect ratings and upheld appeals excluded)',
  },
};

/** National default: 满意 is either of the top two levels (非常满意、满意). */
export const NATIONAL_SATISFIED_RATE: RateDefinition = {
  id: 'national-satisfied-rate',
  name: { zh: '满意率', en: 'Satisfaction rate' },
  levels: [5, 4],
  formula: {
    zh: '满意率 =（非常满意 + 满意）÷ 有效评价数（不含可疑评价和申诉成立的评价）',
    en: 'Satisfaction rate = (very satisfied + satisfied) ÷ valid ratings (suspect ratings and upheld appeals excluded)',
  },
};

export interface Rate {
  /** Proportion in [0, 1]; null when there are no ratings. */
  value: number | null;
  low: number | null;
  high: number | null;
  numerator: number;
  n: number;
  definition: RateDefinition;
}

export function computeRate(counts: LevelCounts, definition: RateDefinition): Rate {
  const n = totalCount(counts);
  const numerator = definition.levels.reduce((sum, level) => sum + counts[level], 0);
  const interval = wilsonInterval(numerator, n);
  return {
    value: n === 0 ? null : numerator / n,
    low: interval?.low ?? null,
    high: interval?.high ?? null,
    numerator,
    n,
    definition,
  };
}
