import { redirect } from '@sveltejs/kit';
import { openCampaign } from '$lib/server/api-appraisal';
import { requireToken } from '$lib/server/api-org';
import { slipsDownload } from '$lib/server/download';
import { endSession } from '$lib/server/session';
import type { RequestHandler } from './$types';

/** The refusals the campaign page explains beside its button; anything else is "unavailable". */
const EXPLAINED = new Set([400, 403, 404, 409]);

/**
 * 开放评议并下载票码 (decision 0027): a plain form post (with or without JavaScript) that opens the
 * campaign and answers the API's PDF of slips as a download. The codes exist in clear only in that
 * file: it is passed through untouched and never cached. A refusal goes back to the campaign's page,
 * which says why beside the button.
 */
export const POST: RequestHandler = async ({ locals, params, cookies, url }) => {
  const token = requireToken(locals);
  const page = `/admin/appraisal/${encodeURIComponent(params.campaignId)}`;
  const response = await openCampaign(token, params.campaignId);
  if (response.status === 401) {
    endSession(cookies, url);
    redirect(303, '/login');
  }
  if (!response.ok || !response.body) {
    await response.body?.cancel();
    redirect(303, `${page}?failed=${EXPLAINED.has(response.status) ? response.status : 503}`);
  }
  return slipsDownload(response);
};
