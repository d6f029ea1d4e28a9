import type { RatingLevel } from './rating-level.js';

/**
 * The national 好差评 questionnaire. It is locked: agencies may add their own section in a later
 * version, but these codes and their meaning never change within a version.
 */

/** Offline indicators (线下评价指标), each rated on the same five levels. */
export const INDICATORS = {
  efficiency: { zh: '服务效率', en: 'Efficiency' },
  competence: { zh: '服务水平', en: 'Competence' },
  attitude: { zh: '服务态度', en: 'Attitude' },
} as const;
export type IndicatorCode = keyof typeof INDICATORS;
export const INDICATOR_CODES = Object.keys(INDICATORS) as IndicatorCode[];

/** Coded reasons for a 差评 (不满意 / 非常不满意). */
export const BAD_RATING_REASONS = {
  RUDE: { zh: '态度生硬', en: 'Rude or curt' },
  SLOW: { zh: '效率低', en: 'Slow' },
  BUCK_PASSING: { zh: '推诿扯皮', en: 'Passed from desk to desk' },
  REPEAT_VISITS: { zh: '多次跑腿', en: 'Had to come back several times' },
  INCOMPLETE_NOTICE: { zh: '未一次性告知', en: 'Requirements not told all at once' },
  MISCONDUCT: { zh: '吃拿卡要', en: 'Asked for favours or gifts' },
  OTHER: { zh: '其他', en: 'Other' },
} as const;
export type BadRatingReason = keyof typeof BAD_RATING_REASONS;
export const BAD_RATING_REASON_CODES = Object.keys(BAD_RATING_REASONS) as BadRatingReason[];

export const COMMENT_MAX_LENGTH = 500;

export interface SurveyVersionRef {
  surveyId: string;
  version: number;
}

export const NATIONAL_SURVEY: SurveyVersionRef & {
  title: { zh: string; en: string };
  levels: readonly RatingLevel[];
} = {
  surveyId: 'national-hcp',
  version: 1,
  title: { zh: '政务服务“好差评”', en: 'Government service rating (好差评)' },
  levels: [5, 4, 3, 2, 1],
};
