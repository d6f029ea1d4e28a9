import type { AttributionAudience } from './report-attribution.js';
import type { UpheldAppeals } from './report-definitions.js';

/**
 * 申诉成立 in a report (issue 15 §2; docs/decisions/0028-case-deadlines.md): a rating whose case's
 * appeal a reviewer of a superior unit upheld. Under definitions that exclude them they enter no
 * number; under definitions that count them they stay. Nothing disappears silently: the report says
 * how many there were, as a count under the report's rule (fewer than k shows "<k").
 */
export interface AppealsShape {
  /** Upheld appeals in scope and period; null when 0 < n < k, and on a staff member's own report. */
  n: number | null;
  suppressed: 'small-group' | null;
  upheldAppeals: UpheldAppeals;
  /** The sentence every surface prints with the figures. */
  text: { zh: string; en: string };
}

export function appealsShape(count: number, upheldAppeals: UpheldAppeals, k: number, audience: AttributionAudience): AppealsShape {
  const excluded = upheldAppeals === 'excluded';
  if (audience === 'own') {
    return {
      n: null,
      suppressed: null,
      upheldAppeals,
      text: excluded
        ? { zh: '申诉成立的评价不计入任何人员的统计。', en: 'Ratings whose appeal was upheld count for no staff member.' }
        : { zh: '按本口径，申诉成立的评价照常计入。', en: 'Under these definitions, ratings whose appeal was upheld count as usual.' },
    };
  }
  const hidden = count > 0 && count < k;
  const shown = hidden ? `少于 ${k}` : String(count);
  const shownEn = hidden ? `<${k}` : String(count);
  const base = { n: hidden ? null : count, suppressed: hidden ? ('small-group' as const) : null, upheldAppeals };
  if (count === 0) return { ...base, text: { zh: '本期没有申诉成立的评价。', en: 'No rating of this period had its appeal upheld.' } };
  return {
    ...base,
    text: excluded
      ? {
          zh: `本期有 ${shown} 条评价经上级单位申诉复核认定成立，按本口径不计入评价数、比率、平均分及各项分类统计。`,
          en: `${shownEn} ratings of this period had their appeal upheld by a superior unit; under these definitions they enter no count, rate, mean score or breakdown.`,
        }
      : {
          zh: `本期有 ${shown} 条评价经上级单位申诉复核认定成立，按本口径照常计入各项统计。`,
          en: `${shownEn} ratings of this period had their appeal upheld by a superior unit; under these definitions they count as usual.`,
        },
  };
}
