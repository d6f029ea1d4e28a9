import { error } from '@sveltejs/kit';
import { RoundExportFormat, roundResultExportOperations } from '#shared/contracts/sampling/results-export.js';
import { roundMessages } from '$lib/i18n-rounds';
import { fillPath } from '$lib/server/api';
import { requireToken, sessionEnded } from '$lib/server/api-org';
import { webConfig } from '$lib/server/config';
import { passThroughDownload } from '$lib/server/download';
import type { RequestHandler } from './$types';

/**
 * The round's results as XLSX or PDF (?format=), through the session: the API checks the scope,
 * audits the download, registers the file for /verify and computes its hash; the file is passed
 * through untouched, as the report downloads are (admin/reports/download).
 */
export const GET: RequestHandler = async ({ locals, params, url, cookies }) => {
  const token = requireToken(locals);
  const t = roundMessages(locals.lang);
  const format = RoundExportFormat.safeParse(url.searchParams.get('format'));
  if (!format.success) error(400, { message: t.errors.notFound });
  const op = roundResultExportOperations.exportRoundResults;
  let response: Response;
  try {
    response = await fetch(`${webConfig().API_BASE_URL}${fillPath(op.path, { roundId: params.roundId })}?${new URLSearchParams({ format: format.data })}`, {
      headers: { authorization: `Bearer ${token}` },
      signal: AbortSignal.timeout(60_000),
    });
  } catch {
    response = new Response(null, { status: 503 });
  }
  if (response.status === 401) sessionEnded(cookies, url);
  if (!response.ok) {
    const status = response.status === 400 ? 404 : [403, 404, 409].includes(response.status) ? response.status : 503;
    error(status, { message: status === 403 ? t.errors.forbidden : status === 409 || status === 503 ? t.results.unavailable : t.errors.notFound });
  }
  return passThroughDownload(response);
};
