import { CAMPAIGN_KIND_LABELS } from '#shared/domain/appraisal/campaign.js';
import type { Principal } from '../../auth/principal.js';
import { posterFont } from '../posters/poster-font.js';
import { DEFAULT_BASE_URL } from '../posters/posters.js';
import { renderSlips } from './slips-pdf.js';
import type { CampaignRecord } from '../../data/appraisal/campaigns.js';
import { openCampaign, revoteCampaign, type IssuedCodes, type VotingDeps } from './voting.js';

export interface SlipsFile {
  contentType: 'application/pdf';
  filename: string;
  body: Buffer;
  /** Codes issued, over every group. */
  issued: number;
}

type SlipsDeps = VotingDeps & { publicBaseUrl?: string | undefined; posterFontPath?: string | undefined };

/** The slips of a round's codes, made before anything is stored (openRound's `prepare`). */
function slipsOf(deps: SlipsDeps) {
  return (campaign: CampaignRecord, groups: IssuedCodes[]) =>
    renderSlips({
      baseUrl: (deps.publicBaseUrl ?? DEFAULT_BASE_URL).replace(/\/+$/, ''),
      font: posterFont(deps.posterFontPath),
      groups: groups.map((group) => ({ campaignName: campaign.name, year: campaign.year, kindLabel: CAMPAIGN_KIND_LABELS[campaign.kind], round: campaign.round, groupName: group.groupName, codes: group.codes })),
    });
}

const slipsFile = (campaignId: string, round: number, body: Buffer, issued: IssuedCodes[]): SlipsFile => ({
  contentType: 'application/pdf',
  filename: round > 1 ? `piaoma-${campaignId}-round-${round}.pdf` : `piaoma-${campaignId}.pdf`,
  body,
  issued: issued.reduce((sum, group) => sum + group.codes.length, 0),
});

/**
 * 开放 with its slips (decision 0027): the codes are drawn, the PDF of slips is made from them, and
 * only then are their keyed hashes stored and the campaign opened — a PDF that cannot be made
 * leaves the campaign a draft and no code behind. The PDF is the answer and is kept nowhere.
 */
export async function openCampaignWithSlips(deps: SlipsDeps, principal: Principal, campaignId: string): Promise<SlipsFile> {
  const { campaign, issued, prepared } = await openCampaign(deps, principal, campaignId, slipsOf(deps));
  return slipsFile(campaignId, campaign.round, prepared!, issued);
}

/** 重新投票 with the new round's slips, made the same way: a PDF that cannot be made leaves the round as it was. */
export async function revoteCampaignWithSlips(deps: SlipsDeps, principal: Principal, campaignId: string, reason: string): Promise<SlipsFile> {
  const { campaign, issued, prepared } = await revoteCampaign(deps, principal, campaignId, reason, slipsOf(deps));
  return slipsFile(campaignId, campaign.round, prepared!, issued);
}
