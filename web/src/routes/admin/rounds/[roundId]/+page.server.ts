import { error, fail, redirect, type Actions } from '@sveltejs/kit';
import { roundMessages, type RoundMessages } from '$lib/i18n-rounds';
import { fill } from '$lib/i18n-draw';
import type { ApiResult } from '$lib/server/api';
import type { RoundView } from '#shared/contracts/sampling/rounds.js';
import { getRound, ROUND_STEPS, stepRound, type RoundStep } from '$lib/server/api-sampling';
import { requireToken, sessionEnded } from '$lib/server/api-org';
import { describeConfig, roundConfig } from '../round-summary';
import { getRoundOutbox, ROUND_JOBS, runRoundJob, type RoundJob } from './invitation-jobs.server';
import { roundJobUnderWay } from './round-job';
import { getRoundResults, RESULT_STATES } from './round-results.server';
import type { PageServerLoad } from './$types';

const DONE = new Set<string>([...Object.keys(ROUND_STEPS), 'saved']);
/** States with invitations behind them: the outbox is worth reading. */
const SENT_STATES = new Set<string>(['sending', 'closed', 'published']);

export const load: PageServerLoad = async ({ locals, params, url, cookies, parent }) => {
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
  const underWay = roundJobUnderWay(round.data);
  // Only those who run rounds may read the outbox (sampling:manage): a committee member is not
  // asked for it (the API would refuse, and audit, the attempt) and sees no outbox.
  const { session } = await parent();
  const canManage = session?.permissions.includes('sampling:manage') ?? false;
  const [outbox, results] = await Promise.all([
    canManage && SENT_STATES.has(round.data.state) ? getRoundOutbox(token, params.roundId) : null,
    // While the draw stores its sample the funnel would count part of those drawn: no results yet.
    RESULT_STATES.has(round.data.state) && underWay?.step !== 'draw' ? getRoundResults(token, params.roundId) : null,
  ]);
  if (outbox?.status === 401 || results?.status === 401) sessionEnded(cookies, url);
  return {
    t,
    round: round.data,
    config,
    described: describeConfig(t, config),
    // 已冻结 / 已抽取 only when it is so (an old link or another tab may say otherwise).
    done: done && DONE.has(done) && done !== underWay?.step ? done : null,
    underWay,
    // Reached from a call that answered the job unfinished: with JavaScript the page calls again itself.
    continueJob: underWay !== null && url.searchParams.get('job') === underWay.step,
    outbox: outbox?.ok ? outbox.data : null,
    results: results?.ok ? results.data : null,
    // The round page stands without its results: say they could not be read, show the rest.
    resultsProblem: results && !results.ok ? t.results.unavailable : null,
  };
};

/** A 409 in the administrator's words: a draw still storing its sample explains itself. */
function conflict(t: RoundMessages, now: RoundView | null): string {
  if (now && roundJobUnderWay(now)?.step === 'draw') return t.errors.drawUnfinished;
  return fill(t.errors.conflict, { state: now ? t.states[now.state] : '' });
}

/**
 * The account that drew may neither close nor publish (separation of duties). A close's 403 is
 * only ever that (the close is offered to those who run rounds); a publish's may also be a role's,
 * which the API's message tells apart ("may not publish").
 */
function separation(t: RoundMessages, step: RoundStep, message: string): string | null {
  if (step === 'close') return t.errors.separation;
  if (step === 'publish' && /may not publish/.test(message)) return t.errors.separationPublish;
  return null;
}

/** A refused step in the administrator's words: who may not, which state, how big the frame is. */
function refusal(t: RoundMessages, step: RoundStep, result: ApiResult<unknown>, now: RoundView | null): string {
  if (result.ok) return '';
  const { message, issues } = result.error.error;
  if (result.status === 403) return separation(t, step, message) ?? t.errors.forbidden;
  // A close that failed half-way (its purge of the numbers unfinished) is finished by closing again.
  if (result.status === 409 && step === 'publish' && message.includes('close the round again')) return t.errors.purgeUnfinished;
  // The draw's public input is fixed by its first call: a later call must repeat it.
  if (result.status === 409 && issues?.some((issue) => issue.field === 'publicInput')) {
    return fill(t.errors.publicInputFixed, { publicInput: now?.publicInput || t.publicInputNone });
  }
  if (result.status === 409) return conflict(t, now);
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
    if (result.ok) {
      // Freeze and draw are jobs: a call may answer them unfinished. The page then shows how far
      // they got, with 继续冻结 / 继续抽取 (a redirect, so that a reload repeats no call).
      const page = `/admin/rounds/${encodeURIComponent(result.data.roundId)}`;
      redirect(303, roundJobUnderWay(result.data)?.step === step ? `${page}?job=${step}` : `${page}?done=${step}`);
    }
    // The round as it is now, for the 409's sentence.
    const now = await getRound(token, params.roundId ?? '');
    const problem = refusal(t, step, result, now.ok ? now.data : null);
    // The page then offers 截止 again in place of 公布结果.
    const closeAgain = problem === t.errors.purgeUnfinished;
    return fail(result.status === 403 ? 403 : result.status === 409 ? 409 : 400, { step, problem, publicInput, closeAgain });
  };
}

/** A refused job: the 409 says whether the deadline passed or the round is not in the job's state. */
function jobRefusal(t: RoundMessages, job: RoundJob, result: ApiResult<unknown>, now: RoundView | null): string {
  if (result.ok) return '';
  if (result.status === 403) return t.errors.forbidden;
  if (result.status === 404) return t.errors.notFound;
  if (result.status === 409) {
    if (result.error.error.issues?.some((issue) => issue.field === 'deadline')) return t.errors.deadline;
    return job === 'remind' ? t.errors.remindState : conflict(t, now);
  }
  return t.errors.unavailable;
}

/**
 * One call of an invitation job (sendRound, remindRound): it works for the API's time budget and
 * answers the progress, which this page shows. No redirect: without JavaScript the answer page is
 * the progress, with 继续发送 while messages are left; with JavaScript the page calls again itself.
 */
function jobAction(job: RoundJob): Actions[string] {
  return async ({ locals, params, cookies, url }) => {
    const token = requireToken(locals);
    const t = roundMessages(locals.lang);
    const result = await runRoundJob(token, params.roundId ?? '', job);
    if (result.status === 401) sessionEnded(cookies, url);
    if (result.ok) return { progress: result.data };
    const now = await getRound(token, params.roundId ?? '');
    return fail(result.status === 403 ? 403 : result.status === 409 ? 409 : 400, { step: job, problem: jobRefusal(t, job, result, now.ok ? now.data : null) });
  };
}

export const actions: Actions = {
  ...Object.fromEntries((Object.keys(ROUND_STEPS) as RoundStep[]).map((step) => [step, stepAction(step)])),
  ...Object.fromEntries((Object.keys(ROUND_JOBS) as RoundJob[]).map((job) => [job, jobAction(job)])),
};
