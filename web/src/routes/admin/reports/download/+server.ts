import { redirect } from '@sveltejs/kit';
import { ExportFormat } from '#shared/contracts/reports.js';
import { downloadReport, reportParams, reportSearch } from '$lib/server/api-reports';
import { passThroughDownload } from '$lib/server/download';
import { endSession } from '$lib/server/session';
import type { RequestHandler } from './$types';

/**
 * Report downloads (XLSX / CSV / PDF): the page's own query sent to the export API with the session
 * token; the API checks the scope, audits the download and computes the hash. The file is passed
 * through untouched. A refusal goes back to the report with its status, never to an error page.
 */
export const GET: RequestHandler = async ({ locals, url, cookies }) => {
  if (!locals.sessionToken) redirect(303, '/login');
  const query = reportParams(url.searchParams);
  const format = ExportFormat.safeParse(url.searchParams.get('format'));
  if (!format.success) redirect(303, `/admin/reports${reportSearch(query, { failed: '400' })}`);

  const response = await downloadReport(locals.sessionToken, query, format.data);
  if (response.status === 401) {
    endSession(cookies, url);
    redirect(303, '/login');
  }
  if (!response.ok) redirect(303, `/admin/reports${reportSearch(query, { failed: String(response.status) })}`);

  return passThroughDownload(response);
};
