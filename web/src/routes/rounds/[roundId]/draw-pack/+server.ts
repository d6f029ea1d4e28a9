import { error } from '@sveltejs/kit';
import { publishedMessages } from '$lib/i18n-published';
import { fetchPublishedDrawPack } from '$lib/server/api-sampling';
import type { RequestHandler } from './$types';

/**
 * A published round's verification pack (manyi-draw-v1, seed included), for anyone, as a file
 * named after the round: the API's bytes untouched, since a verifier hashes what it reads.
 */
export const GET: RequestHandler = async ({ locals, params }) => {
  const p = publishedMessages(locals.lang);
  const pack = await fetchPublishedDrawPack(params.roundId);
  if (!pack.body) {
    if (pack.status === 404 || pack.status === 400) error(404, { message: p.notFound, hint: p.notFoundHint });
    error(503, { message: p.unavailable, hint: p.unavailableHint });
  }
  return new Response(pack.body, {
    headers: {
      'content-type': 'application/json; charset=utf-8',
      'content-disposition': `attachment; filename="${params.roundId.replace(/[^A-Za-z0-9-]/g, '')}-manyi-draw-v1.json"`,
      // A published round does not change (the API says the same, decision 0024).
      'cache-control': 'public, max-age=300',
    },
  });
};
