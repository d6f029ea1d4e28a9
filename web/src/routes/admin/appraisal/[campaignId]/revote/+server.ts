import { redirect } from '@sveltejs/kit';
import { revoteCampaign } from '$lib/server/api-appraisal';
import { requireToken } from '$lib/server/api-org';
import { slipsDownload } from '$lib/server/download';
import { endSession } from '$lib/server/session';
import type { RequestHandler } from './$types';

/** The refusals the campaign page explains beside the form; anything else is "unavailable". */
const EXPLAINED = new Set([400, 403, 404, 409]);

/**
 * 作废本轮并重新投票 (issue 14 §1): a plain form post (with or without JavaScript) with the reason;
 * the API supersedes the round, opens the next with new codes and answers its PDF of slips, passed
 * through as a download, never cached. A refusal goes back to the campaign's page, which says why.
 */
export const POST: RequestHandler = async ({ locals, params, cookies, url, request }) => {
  const token = requireToken(locals);
  const page = `/admin/appraisal/${encodeURIComponent(params.campaignId)}`;
  const form = await request.formData().catch(() => new FormData());
  const reason = String(form.get('reason') ?? '').trim();
  if (!reason || reason.length > 200) redirect(303, `${page}?revoteFailed=400`);
  const response = await revoteCampaign(token, params.campaignId, reason);
  if (response.status === 401) {
    endSession(cookies, url);
    redirect(303, '/login');
  }
  if (!response.ok || !response.body) {
    await response.body?.cancel();
    redirect(303, `${page}?revoteFailed=${EXPLAINED.has(response.status) ? response.status : 503}`);
  }
  return slipsDownload(response);
};
