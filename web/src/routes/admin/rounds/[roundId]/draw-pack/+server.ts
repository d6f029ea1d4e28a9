import { error } from '@sveltejs/kit';
import { roundMessages } from '$lib/i18n-rounds';
import { fetchDrawPack } from '$lib/server/api-sampling';
import { requireToken } from '$lib/server/api-org';
import type { RequestHandler } from './$types';

/** The verification pack (manyi-draw-v1) through the session, as a file named after the round. */
export const GET: RequestHandler = async ({ locals, params }) => {
  const token = requireToken(locals);
  const t = roundMessages(locals.lang);
  const pack = await fetchDrawPack(token, params.roundId);
  if (!pack.body) error(pack.status === 404 || pack.status === 400 ? 404 : pack.status === 409 ? 409 : pack.status === 403 ? 403 : 503, { message: pack.status === 403 ? t.errors.forbidden : pack.status === 503 ? t.errors.unavailable : t.errors.notFound });
  return new Response(pack.body, {
    headers: {
      'content-type': 'application/json; charset=utf-8',
      'content-disposition': `attachment; filename="${params.roundId.replace(/[^A-Za-z0-9-]/g, '')}-manyi-draw-v1.json"`,
      'cache-control': 'no-store',
    },
  });
};
