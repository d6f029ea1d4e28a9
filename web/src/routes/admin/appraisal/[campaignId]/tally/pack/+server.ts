import { error, redirect } from '@sveltejs/kit';
import { appraisalMessages } from '$lib/i18n-appraisal';
import { getCampaignPack } from '$lib/server/api-appraisal';
import { requireToken } from '$lib/server/api-org';
import { endSession } from '$lib/server/session';
import type { RequestHandler } from './$types';

/**
 * 下载计票数据包（JSON）: the API's tally pack (audited there) passed through untouched as an
 * attachment, never cached; a plain link, with or without JavaScript.
 */
export const GET: RequestHandler = async ({ locals, params, cookies, url }) => {
  const token = requireToken(locals);
  const t = appraisalMessages(locals.lang);
  const response = await getCampaignPack(token, params.campaignId);
  if (response.status === 401) {
    endSession(cookies, url);
    redirect(303, '/login');
  }
  if (!response.ok || !response.body) {
    await response.body?.cancel();
    const status = response.status === 403 || response.status === 404 || response.status === 409 ? response.status : 503;
    error(status, { message: status === 403 ? t.tally.errors.forbidden : status === 404 ? t.errors.notFound : status === 409 ? t.tally.errors.notCounted : t.errors.unavailable });
  }
  const headers = new Headers({
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
    'content-type': 'application/json; charset=utf-8',
    'content-disposition': `attachment; filename="tally-pack-${params.campaignId.replace(/[^A-Za-z0-9-]/g, '')}.json"`,
  });
  return new Response(response.body, { status: 200, headers });
};
