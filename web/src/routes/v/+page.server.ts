import { fail } from '@sveltejs/kit';
import type { ApiResult } from '$lib/server/api';
import { castBallot, lookupBallot } from '$lib/server/api-appraisal';
import { requesterHeaders } from '$lib/server/requester';
import { fill } from '$lib/i18n-draw';
import { voterMessages, type VoterMessages } from '$lib/i18n-appraisal';
import { ballotOf, CHOICE_PREFIX, choiceName, type VoteState } from './ballot';
import type { Actions, PageServerLoad } from './$types';

/**
 * /v, the voter's page of 民主评议 (decision 0027). The code travels only in POST bodies — this
 * page's forms and the API calls — never in a path, a query, a redirect or a link; a slip's QR puts
 * it in the fragment (/v#CODE), which the browser never sends and the page's script moves into the
 * form. Nothing is stored here: no cookie, no session, no log line. The forwarded client goes to
 * the API so that its failed-tries limit counts the voter.
 */
export const load: PageServerLoad = ({ locals }) => ({ t: voterMessages(locals.lang) });

const MAX_TYPED = 40;

/** The API says how long a client that kept guessing waits ("… try again in up to 15 minutes"). */
function minutesOf(message: string): string {
  return /(\d+)\s*minutes?/.exec(message)?.[1] ?? '15';
}

/** A refused code or ballot in the voter's words: the code step again (what was typed kept when it can be fixed). */
function refused(t: VoterMessages, result: Extract<ApiResult<unknown>, { ok: false }>, typed: string) {
  const { status, error } = result;
  if (status === 404 || status === 400) return fail(status, { step: 'code', typed, error: t.errors.unknown } satisfies VoteState);
  if (status === 409) return fail(409, { step: 'code', typed: '', error: t.errors.used } satisfies VoteState);
  if (status === 410) return fail(410, { step: 'code', typed: '', error: error.error.code === 'ROUND_SUPERSEDED' ? t.errors.superseded : t.errors.closed } satisfies VoteState);
  if (status === 429) return fail(429, { step: 'code', typed, error: fill(t.errors.tooMany, { n: minutesOf(error.error.message) }) } satisfies VoteState);
  return fail(503, { step: 'code', typed, error: t.errors.unavailable } satisfies VoteState);
}

/** The radios of the ballot form: `c/{subject}/{indicator}` = option; anything else is ignored. */
function readChoices(form: FormData): { flat: Record<string, string>; nested: Record<string, Record<string, string>> } {
  const flat: Record<string, string> = {};
  const nested: Record<string, Record<string, string>> = {};
  for (const [name, value] of form) {
    if (!name.startsWith(CHOICE_PREFIX) || typeof value !== 'string' || value === '') continue;
    const [subjectId, indicatorId, ...rest] = name.slice(CHOICE_PREFIX.length).split('/');
    if (!subjectId || !indicatorId || rest.length > 0) continue;
    flat[choiceName(subjectId, indicatorId)] = value;
    (nested[subjectId] ??= {})[indicatorId] = value;
  }
  return { flat, nested };
}

async function typedCode(request: Request): Promise<{ form: FormData; code: string }> {
  const form = await request.formData().catch(() => new FormData());
  const code = String(form.get('code') ?? '').trim().slice(0, MAX_TYPED);
  return { form, code };
}

export const actions: Actions = {
  open: async (event) => {
    const t = voterMessages(event.locals.lang);
    const { code } = await typedCode(event.request);
    if (!code) return fail(400, { step: 'code', typed: '', error: t.errors.empty } satisfies VoteState);
    const found = await lookupBallot(code, requesterHeaders(event));
    if (!found.ok) return refused(t, found, code);
    return { step: 'ballot', code, ballot: ballotOf(found.data), choices: {}, error: null, invalid: [] } satisfies VoteState;
  },

  cast: async (event) => {
    const t = voterMessages(event.locals.lang);
    const { form, code } = await typedCode(event.request);
    if (!code) return fail(400, { step: 'code', typed: '', error: t.errors.empty } satisfies VoteState);
    const requester = requesterHeaders(event);
    const { flat, nested } = readChoices(form);
    const campaignId = String(form.get('campaignId') ?? '');
    const group = String(form.get('group') ?? '');
    const cast = await castBallot(code, nested, requester, campaignId && group ? { campaignId, group } : undefined);
    // The confirmation holds neither the choices nor the code.
    if (cast.ok) return { step: 'done' } satisfies VoteState;
    const issues = cast.error.error.issues ?? [];
    const aboutChoices = cast.status === 400 && issues.length > 0 && issues.every((issue) => issue.field.startsWith('choices'));
    if (!aboutChoices) return refused(t, cast, code);
    // A choice the API refused: the ballot again, with what was chosen and the place of the fault.
    const again = await lookupBallot(code, requester);
    if (!again.ok) return refused(t, again, code);
    const invalid = issues.map((issue) => issue.field.split('.').slice(1, 3).join('/')).filter(Boolean);
    return fail(400, { step: 'ballot', code, ballot: ballotOf(again.data), choices: flat, error: t.errors.choice, invalid } satisfies VoteState);
  },
};
