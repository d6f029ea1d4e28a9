import { error, redirect } from '@sveltejs/kit';
import { caseMessages } from '$lib/i18n-cases';
import { accountabilityDownload } from '$lib/server/api-cases';
import { requireToken } from '$lib/server/api-org';
import { passThroughDownload } from '$lib/server/download';
import { endSession } from '$lib/server/session';
import type { RequestHandler } from './$types';

/** 下载问责台账 (CSV / XLSX): a plain link, JS on or off; the API checks the scope, audits and registers the file. */
export const GET: RequestHandler = async ({ locals, url, cookies }) => {
  const token = requireToken(locals);
  const t = caseMessages(locals.lang);
  const format = url.searchParams.get('format') ?? '';
  if (format !== 'csv' && format !== 'xlsx') error(404, { message: t.errors.unitNotFound });
  const response = await accountabilityDownload(token, { unitId: url.searchParams.get('unit') ?? '', period: url.searchParams.get('period') ?? '', format });
  if (response.status === 401) {
    endSession(cookies, url);
    redirect(303, '/login');
  }
  if (!response.ok || !response.body) {
    await response.body?.cancel();
    const status = response.status === 403 || response.status === 404 || response.status === 400 ? (response.status === 400 ? 404 : response.status) : 503;
    error(status, { message: status === 403 ? t.errors.forbidden : status === 404 ? t.errors.unitNotFound : t.errors.unavailable });
  }
  return passThroughDownload(response);
};
