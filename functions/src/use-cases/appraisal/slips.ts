import { CAMPAIGN_KIND_LABELS } from '#shared/domain/appraisal/campaign.js';
import type { Principal } from '../../auth/principal.js';
import { posterFont } from '../posters/poster-font.js';
import { DEFAULT_BASE_URL } from '../posters/posters.js';
import { renderSlips } from './slips-pdf.js';
import { openCampaign, type VotingDeps } from './voting.js';

export interface SlipsFile {
  contentType: 'application/pdf';
  filename: string;
  body: Buffer;
  /** Codes issued, over every group. */
  issued: number;
}

/**
 * 开放 with its slips (decision 0027): the codes are drawn, the PDF of slips is made from them, and
 * only then are their keyed hashes stored and the campaign opened — a PDF that cannot be made
 * leaves the campaign a draft and no code behind. The PDF is the answer and is kept nowhere.
 */
export async function openCampaignWithSlips(
  deps: VotingDeps & { publicBaseUrl?: string | undefined; posterFontPath?: string | undefined },
  principal: Principal,
  campaignId: string,
): Promise<SlipsFile> {
  const { issued, prepared } = await openCampaign(deps, principal, campaignId, (campaign, groups) =>
    renderSlips({
      baseUrl: (deps.publicBaseUrl ?? DEFAULT_BASE_URL).replace(/\/+$/, ''),
      font: posterFont(deps.posterFontPath),
      groups: groups.map((group) => ({ campaignName: campaign.name, year: campaign.year, kindLabel: CAMPAIGN_KIND_LABELS[campaign.kind], groupName: group.groupName, codes: group.codes })),
    }),
  );
  return { contentType: 'application/pdf', filename: `piaoma-${campaignId}.pdf`, body: prepared!, issued: issued.reduce((sum, group) => sum + group.codes.length, 0) };
}
