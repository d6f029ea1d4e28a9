import { error, redirect } from '@sveltejs/kit';
import * as api from '$lib/server/api-accounts';
import type { RequestHandler } from './$types';

/** The CSV download: passed through from the API, which audits the export. */
export const GET: RequestHandler = async ({ locals, url }) => {
  const token = locals.sessionToken;
  if (!token) redirect(303, '/login');
  const query = {
    from: url.searchParams.get('from') ?? '',
    to: url.searchParams.get('to') ?? '',
    ...(url.searchParams.get('actor') ? { actor: url.searchParams.get('actor')! } : {}),
    ...(url.searchParams.get('action') ? { action: url.searchParams.get('action')! } : {}),
  };
  const response = await api.exportAudit(token, query);
  if (!(response instanceof Response) || !response.ok) error(response.status === 403 ? 403 : response.status === 400 ? 400 : 503, { message: 'export failed' });
  return new Response(await response.arrayBuffer(), {
    headers: {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': response.headers.get('content-disposition') ?? 'attachment; filename="audit.csv"',
      'cache-control': 'no-store',
    },
  });
};
