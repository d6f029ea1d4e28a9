import type { CampaignView } from '#shared/contracts/appraisal/campaigns.js';
import { describeBands as bands, describeRules as rules, describeScale as scale } from '#shared/domain/appraisal/words.js';
import type { AppraisalMessages } from '$lib/i18n-appraisal';

/**
 * A campaign's option scale, grade bands and tally rules in words, read from the campaign as the
 * API stored it (its defaults filled in), in the sentences the exports print (domain/appraisal/words.ts).
 */
export const describeScale = (t: AppraisalMessages, value: CampaignView['scale']): string => scale(t.words, value);
export const describeBands = (t: AppraisalMessages, value: CampaignView['rules']): string => bands(t.words, value);
export const describeRules = (t: AppraisalMessages, value: CampaignView['rules']): string => rules(t.words, value);
