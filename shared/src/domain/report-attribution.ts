import type { Suppression } from './report-suppression.js';

/**
 * Attribution of ratings to staff (docs/decisions/0012-attribution.md). A resident may name the
 * staff member who served them, or leave 不确定; only a rating that names someone counts for a
 * person. So every staff figure comes with how many of the ratings in scope named anybody:
 * "本期 120 条评价中 37 条由评价人指明了工作人员；人员统计只含指明的评价".
 *
 * The counts go through the report's suppression like any cell (report-build.ts): the named
 * ratings are the total of the staff rows (they add up to it), and the ratings in scope split into
 * named and not named, so a small "not named" remainder hides the named count rather than let
 * "all minus named" show a small group.
 */

/** Cell ids of the attribution counts in the report's suppression. */
export const ATTRIBUTION_CELLS = {
  /** The ratings in scope, on a staff member's own report (a committee report uses its total). */
  ratings: 'attribution:ratings',
  named: 'attribution:named',
  unnamed: 'attribution:unnamed',
} as const;

export interface AttributionCount {
  /** null when suppressed. */
  n: number | null;
  suppressed: Suppression | null;
}

export interface AttributionShape {
  /** The ratings in scope: the report's total, or on a staff member's own report the ratings of its windows. */
  ratings: AttributionCount;
  /** Of those, the ratings whose resident named the staff member who served them. */
  attributed: AttributionCount;
  /** The sentence every surface prints next to staff figures. */
  text: { zh: string; en: string };
}

/** 'committee': the 按人员 breakdown of a report; 'own': a staff member's own report (/me). */
export type AttributionAudience = 'committee' | 'own';

export function attributionShape(ratings: AttributionCount, attributed: AttributionCount, k: number, audience: AttributionAudience): AttributionShape {
  return { ratings, attributed, text: attributionText(ratings, attributed, k, audience) };
}

/**
 * The sentence, in both languages. A count that the suppression hides is never printed: fewer than
 * k shows "<k"; a count hidden so that no small group can be derived says so in words.
 */
export function attributionText(ratings: AttributionCount, attributed: AttributionCount, k: number, audience: AttributionAudience): { zh: string; en: string } {
  const shown = (count: AttributionCount) => (count.n !== null ? String(count.n) : `<${k}`);
  const r = shown(ratings);
  const hiddenNamed = attributed.suppressed === 'complementary';
  const a = shown(attributed);
  if (audience === 'own') {
    return {
      zh: hiddenNamed
        ? `本期范围内共 ${r} 条评价，其中由评价人指明工作人员的条数已隐藏（防止推算出小样本）；您的统计只含指明您本人的评价。`
        : `本期范围内共 ${r} 条评价，其中 ${a} 条由评价人指明了工作人员；您的统计只含指明您本人的评价。`,
      en: hiddenNamed
        ? `In this period the windows in scope received ${r} ratings; how many of them named a staff member is hidden (so that no small group can be derived). Your figures count only the ratings that named you.`
        : `In this period the windows in scope received ${r} ratings, ${a} of which named the staff member who served the resident. Your figures count only the ratings that named you.`,
    };
  }
  return {
    zh: hiddenNamed
      ? `本期 ${r} 条评价中由评价人指明工作人员的条数已隐藏（防止推算出小样本）；人员统计只含指明的评价。`
      : `本期 ${r} 条评价中 ${a} 条由评价人指明了工作人员；人员统计只含指明的评价。`,
    en: hiddenNamed
      ? `Of the ${r} ratings in this period, how many named a staff member is hidden (so that no small group can be derived); staff figures count only the ratings that named someone.`
      : `Of the ${r} ratings in this period, ${a} named the staff member who served the resident; staff figures count only those.`,
  };
}
