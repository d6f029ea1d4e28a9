import { error, fail, redirect, type Actions } from '@sveltejs/kit';
import { roundMessages, type RoundMessages } from '$lib/i18n-rounds';
import { fill } from '$lib/i18n-draw';
import type { ApiResult } from '$lib/server/api';
import { getRound, ROUND_STEPS, stepRound, type RoundStep } from '$lib/server/api-sampling';
import { requireToken, sessionEnded } from '$lib/server/api-org';
import { describeConfig, roundConfig } from '../round-summary';
import type { PageServerLoad } from './$types';

const DONE = new Set<string>([...Object.keys(ROUND_STEPS), 'saved']);

export const load: PageServerLoad = async ({ locals, params, url, cookies }) => {
  const token = requireToken(locals);
  const t = roundMessages(locals.lang);
  const round = await getRound(token, params.roundId);
  if (round.status === 401) sessionEnded(cookies, url);
  if (!round.ok) {
    const missing = round.status === 404 || round.status === 400;
    error(missing ? 404 : round.status === 403 ? 403 : 503, { message: missing ? t.errors.notFound : round.status === 403 ? t.errors.forbidden : t.errors.unavailable });
  }
  const config = roundConfig(round.data.config);
  const done = url.searchParams.get('done');
  return { t, round: round.data, config, described: describeConfig(t, config), done: done && DONE.has(done) ? done : null };
};

/** A refused step in the administrator's words: who may not, which state, how big the frame is. */
function refusal(t: RoundMessages, step: RoundStep, result: ApiResult<unknown>, state: string): string {
  if (result.ok) return '';
  const { message, issues } = result.error.error;
  if (result.status === 403) return step === 'close' ? t.errors.separation : t.errors.forbidden;
  if (result.status === 409) return fill(t.errors.conflict, { state });
  if (result.status === 404) return t.errors.notFound;
  if (result.status === 400 && issues?.some((issue) => issue.field === 'size.n')) {
    return fill(t.errors.aboveFrame, { N: /N = ([\d,]+)/.exec(message)?.[1] ?? '?' });
  }
  if (result.status === 400 && step === 'draw') return t.errors.publicInput;
  return t.errors.unavailable;
}

function stepAction(step: RoundStep): Actions[string] {
  return async ({ request, locals, params, cookies, url }) => {
    const token = requireToken(locals);
    const t = roundMessages(locals.lang);
    const form = await request.formData().catch(() => new FormData());
    const publicInput = String(form.get('publicInput') ?? '').slice(0, 400);
    const result = await stepRound(token, params.roundId ?? '', step, publicInput);
    if (result.status === 401) sessionEnded(cookies, url);
    if (result.ok) redirect(303, `/admin/rounds/${encodeURIComponent(result.data.roundId)}?done=${step}`);
    // The state as it is now, for the 409's sentence.
    const now = await getRound(token, params.roundId ?? '');
    const state = now.ok ? t.states[now.data.state] : '';
    return fail(result.status === 403 ? 403 : result.status === 409 ? 409 : 400, { step, problem: refusal(t, step, result, state), publicInput });
  };
}

export const actions: Actions = Object.fromEntries((Object.keys(ROUND_STEPS) as RoundStep[]).map((step) => [step, stepAction(step)]));
