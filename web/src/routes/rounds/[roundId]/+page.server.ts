import { error } from '@sveltejs/kit';
import { drawMessages } from '$lib/i18n-draw';
import { publishedMessages } from '$lib/i18n-published';
import { roundMessages } from '$lib/i18n-rounds';
import { getPublishedRound } from '$lib/server/api-sampling';
import type { PageServerLoad } from './$types';

/**
 * /rounds/{roundId}, public (decision 0024): a published 阳光测评 round for anyone, without an
 * account — its results as the committee reads them and the draw's public facts, with the pack to
 * re-run the draw. A round that does not exist and one not published yet are the same 404 (the
 * API does not tell them apart either); a malformed id is one that cannot exist.
 */
export const load: PageServerLoad = async ({ params, locals }) => {
  const p = publishedMessages(locals.lang);
  const round = await getPublishedRound(params.roundId);
  if (!round.ok) {
    if (round.status === 404 || round.status === 400) error(404, { message: p.notFound, hint: p.notFoundHint });
    error(503, { message: p.unavailable, hint: p.unavailableHint });
  }
  return { p, t: roundMessages(locals.lang), drawSteps: drawMessages(locals.lang).drawSteps, drawMore: drawMessages(locals.lang).drawMore, round: round.data };
};
