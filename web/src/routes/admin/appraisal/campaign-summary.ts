import type { CampaignView } from '#shared/contracts/appraisal/campaigns.js';
import { fill } from '$lib/i18n-draw';
import type { AppraisalMessages } from '$lib/i18n-appraisal';

/**
 * A campaign's option scale, grade bands and tally rules in words, read from the campaign as the
 * API stored it (its defaults filled in): 规则：超过半数回收有效（否则作废重投）；评议人数超过5人时去掉一个最高分和一个最低分；优秀不超过1/3.
 */
export function describeScale(t: AppraisalMessages, scale: CampaignView['scale']): string {
  const d = t.describe;
  return d.scalePrefix + scale.map(({ option, score }) => (score === null ? fill(d.unscored, { option }) : fill(d.option, { option, score: String(score) }))).join(d.listSep);
}

export function describeBands(t: AppraisalMessages, rules: CampaignView['rules']): string {
  const d = t.describe;
  return d.bandsPrefix + rules.bands.map(({ grade, min }) => fill(d.band, { grade, min: String(min) })).join(d.listSep);
}

export function describeRules(t: AppraisalMessages, rules: CampaignView['rules']): string {
  const d = t.describe;
  const ratio = (text: string) => d.ratios[text] ?? text;
  const times = (n: number) => d.counts[n] ?? String(n);
  const parts: string[] = [];
  const { quorum } = rules;
  if (quorum.moreThan !== undefined || quorum.atLeast !== undefined) {
    const threshold = quorum.moreThan !== undefined ? fill(d.quorumMoreThan, { ratio: ratio(quorum.moreThan) }) : fill(d.quorumAtLeast, { ratio: ratio(quorum.atLeast!) });
    parts.push(threshold + d.onQuorumFail[rules.onQuorumFail]);
  }
  if (rules.trim) parts.push(fill(d.trim, { n: String(rules.trim.moreThan), drop: times(rules.trim.drop) }));
  if (rules.invalidIfIdentical) parts.push(fill(d.identical, { n: String(rules.invalidIfIdentical.minSubjects) }));
  if (rules.excellentPerBallot) parts.push(fill(d.perBallot, { ratio: rules.excellentPerBallot.maxShare }));
  if (rules.excellentCap) parts.push(fill(d.cap, { ratio: rules.excellentCap.maxShare }));
  if (rules.vetoes.length) parts.push(fill(d.vetoes, { labels: rules.vetoes.map((veto) => veto.label).join(d.listSep) }));
  return d.rulesPrefix + parts.join(d.ruleSep);
}
