import { error, type Cookies } from '@sveltejs/kit';
import type { CampaignView } from '#shared/contracts/appraisal/campaigns.js';
import type { AppraisalMessages } from '$lib/i18n-appraisal';
import { getCampaign } from '$lib/server/api-appraisal';
import { sessionEnded } from '$lib/server/api-org';

/**
 * A campaign for a page of it, or the page's error: a session that ended goes to the login, an
 * unknown or out-of-scope campaign is a 404, a role that may not read it a 403, anything else 503.
 */
export async function campaignOrError(token: string, t: AppraisalMessages, campaignId: string, cookies: Cookies, url: URL): Promise<CampaignView> {
  const campaign = await getCampaign(token, campaignId);
  if (campaign.status === 401) sessionEnded(cookies, url);
  if (!campaign.ok) {
    const missing = campaign.status === 404 || campaign.status === 400;
    error(missing ? 404 : campaign.status === 403 ? 403 : 503, { message: missing ? t.errors.notFound : campaign.status === 403 ? t.errors.forbidden : t.errors.unavailable });
  }
  return campaign.data;
}
