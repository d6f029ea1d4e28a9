import { error, redirect, type RequestEvent } from '@sveltejs/kit';
import type { CampaignExportFormat } from '#shared/contracts/appraisal/ballots.js';
import { appraisalMessages } from '$lib/i18n-appraisal';
import { campaignDownload } from '$lib/server/api-appraisal';
import { requireToken } from '$lib/server/api-org';
import { passThroughDownload } from '$lib/server/download';
import { endSession } from '$lib/server/session';

/**
 * A counted campaign's file through the session — the tally pack (JSON) or the results (`format`:
 * XLSX / CSV / PDF): the API checks the scope, audits the download and (for the results) registers
 * it for /verify; the file is passed through untouched, never cached; a plain link, with or
 * without JavaScript. A refusal is an error page in the reader's words.
 */
export async function campaignFile({ locals, params, cookies, url }: RequestEvent<{ campaignId: string }>, format?: CampaignExportFormat): Promise<Response> {
  const token = requireToken(locals);
  const t = appraisalMessages(locals.lang);
  const response = await campaignDownload(token, params.campaignId, format);
  if (response.status === 401) {
    endSession(cookies, url);
    redirect(303, '/login');
  }
  if (!response.ok || !response.body) {
    await response.body?.cancel();
    const status = response.status === 403 || response.status === 404 || response.status === 409 ? response.status : 503;
    error(status, { message: status === 403 ? t.tally.errors.forbidden : status === 404 ? t.errors.notFound : status === 409 ? t.tally.errors.notCounted : t.errors.unavailable });
  }
  if (format) return passThroughDownload(response);
  const headers = new Headers({
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
    'content-type': 'application/json; charset=utf-8',
    'content-disposition': `attachment; filename="tally-pack-${params.campaignId.replace(/[^A-Za-z0-9-]/g, '')}.json"`,
  });
  return new Response(response.body, { status: 200, headers });
}
