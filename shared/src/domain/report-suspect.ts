import type { AttributionAudience } from './report-attribution.js';

/**
 * 可疑评价 in a report (docs/decisions/0016-burst-detector.md): ratings past the burst threshold of
 * their window's hour are counted apart and enter no number of the report. The report says how many
 * there were, as a count under the report's rule: fewer than k shows "<k".
 */
export interface SuspectShape {
  /** null when 0 < n < k. */
  n: number | null;
  suppressed: 'small-group' | null;
  /** The sentence every surface prints with the figures. */
  text: { zh: string; en: string };
}

const WHAT = {
  zh: '某窗口一小时内的评价数远高于该窗口该时段的通常水平时，超出部分标为可疑评价',
  en: 'when a window receives far more ratings in one hour than it usually does at that hour of the week, the ratings past the threshold are flagged suspect',
};

export function suspectShape(count: number, k: number, audience: AttributionAudience): SuspectShape {
  if (audience === 'own') {
    return {
      n: null,
      suppressed: null,
      text: { zh: `可疑评价（${WHAT.zh}）不计入任何人员的统计。`, en: `Suspect ratings (${WHAT.en}) count for no staff member.` },
    };
  }
  const hidden = count > 0 && count < k;
  const shown = hidden ? `少于 ${k}` : String(count);
  return {
    n: hidden ? null : count,
    suppressed: hidden ? 'small-group' : null,
    text:
      count === 0
        ? { zh: `本期没有可疑评价（${WHAT.zh}）。`, en: `No suspect ratings in this period (${WHAT.en}).` }
        : {
            zh: `本期另有 ${shown} 条可疑评价（${WHAT.zh}），单独统计，不计入评价数、比率、平均分及各项分类统计。`,
            en: `A further ${hidden ? `<${k}` : shown} suspect ratings in this period (${WHAT.en}) are counted apart and enter no count, rate, mean score or breakdown.`,
          },
  };
}
