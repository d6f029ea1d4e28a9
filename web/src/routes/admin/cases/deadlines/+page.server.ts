import { error, fail, redirect } from '@sveltejs/kit';
import { DEADLINE_DAYS_RANGE } from '#shared/contracts/cases/deadlines.js';
import { caseMessages } from '$lib/i18n-cases';
import { fill } from '$lib/i18n-draw';
import { getCaseDeadlines, getMailboxSettings, setCaseDeadlines, setMailboxSettings } from '$lib/server/api-cases';
import { requireToken, sessionEnded } from '$lib/server/api-org';
import { tokenUnitId } from '$lib/server/api-surveys';
import { unitChoices } from '../../rounds/round-form.server';
import type { Actions, PageServerLoad } from './$types';

const KINDS = ['verify', 'immediate', 'deadline'] as const;

/** A unit's 差评 deadlines (issue 15 §1): what applies and from where; its own setting to change. */
export const load: PageServerLoad = async ({ locals, url, cookies }) => {
  const token = requireToken(locals);
  const t = caseMessages(locals.lang);
  const unit = url.searchParams.get('unit') || tokenUnitId(token);
  const [found, choices, mailbox] = await Promise.all([getCaseDeadlines(token, unit), unitChoices(token, unit), getMailboxSettings(token, unit)]);
  if (found.status === 401 || choices.status === 401) sessionEnded(cookies, url);
  if (!found.ok) {
    const status = found.status === 400 || found.status === 404 ? 404 : found.status === 403 ? 403 : 503;
    error(status, { message: status === 404 ? t.errors.unitNotFound : status === 403 ? t.errors.forbidden : t.errors.unavailable });
  }
  return {
    t,
    unit,
    units: choices.units,
    deadlines: found.data,
    mailbox: mailbox.ok ? mailbox.data : null,
    saved: url.searchParams.get('done') === 'saved',
    headSaved: url.searchParams.get('done') === 'head',
    range: DEADLINE_DAYS_RANGE,
  };
};

const back = (unit: string, done = 'saved') => `/admin/cases/deadlines?${new URLSearchParams({ unit, done })}`;

/** 一把手信箱 (decision 0029): name the head's account (`head`), or close the box (empty). */
async function saveHead({ locals, request, cookies, url }: Parameters<Actions[string]>[0], close: boolean) {
  const token = requireToken(locals);
  const t = caseMessages(locals.lang);
  const form = await request.formData().catch(() => new FormData());
  const unit = String(form.get('unit') ?? '');
  const head = close ? '' : String(form.get('head') ?? '').trim();
  if (!close && !head) return fail(400, { headValue: head, headError: t.letters.settingsRequired });
  const result = await setMailboxSettings(token, { unitId: unit, head: close ? null : head });
  if (result.status === 401) sessionEnded(cookies, url);
  if (!result.ok) {
    const message = result.status === 400 ? t.letters.settingsInvalid : result.status === 403 ? t.errors.forbidden : result.status === 404 ? t.errors.unitNotFound : t.errors.unavailable;
    return fail(result.status === 400 ? 400 : result.status === 403 ? 403 : result.status === 404 ? 404 : 503, { headValue: head, headError: message });
  }
  redirect(303, back(unit, 'head'));
}

export const actions: Actions = {
  head: (event) => saveHead(event, false),
  closeHead: (event) => saveHead(event, true),

  /** 保存: the three kinds, whole working days within the range; each one wrong is named. */
  save: async ({ locals, request, cookies, url }) => {
    const token = requireToken(locals);
    const t = caseMessages(locals.lang);
    const form = await request.formData().catch(() => new FormData());
    const unit = String(form.get('unit') ?? '');
    const values = Object.fromEntries(KINDS.map((kind) => [kind, String(form.get(kind) ?? '').trim()])) as Record<(typeof KINDS)[number], string>;
    const message = fill(t.deadlines.range, { min: String(DEADLINE_DAYS_RANGE.min), max: String(DEADLINE_DAYS_RANGE.max) });
    const errors: Record<string, string> = {};
    for (const kind of KINDS) {
      const days = Number(values[kind]);
      if (!/^\d+$/.test(values[kind]) || days < DEADLINE_DAYS_RANGE.min || days > DEADLINE_DAYS_RANGE.max) errors[kind] = message;
    }
    if (Object.keys(errors).length) return fail(400, { values, errors });
    const result = await setCaseDeadlines(token, { unitId: unit, verify: Number(values.verify), immediate: Number(values.immediate), deadline: Number(values.deadline) });
    if (result.status === 401) sessionEnded(cookies, url);
    if (!result.ok) {
      const field = KINDS.find((kind) => result.error.error.message.startsWith(kind));
      if (result.status === 400 && field) return fail(400, { values, errors: { [field]: message } });
      return fail(result.status === 403 ? 403 : result.status === 404 ? 404 : 503, {
        values,
        errors: { form: result.status === 403 ? t.errors.forbidden : result.status === 404 ? t.errors.unitNotFound : t.errors.unavailable },
      });
    }
    redirect(303, back(unit));
  },

  /** 沿用上级: drop the unit's own setting. */
  inherit: async ({ locals, request, cookies, url }) => {
    const token = requireToken(locals);
    const t = caseMessages(locals.lang);
    const form = await request.formData().catch(() => new FormData());
    const unit = String(form.get('unit') ?? '');
    const result = await setCaseDeadlines(token, { unitId: unit, inherit: true });
    if (result.status === 401) sessionEnded(cookies, url);
    if (!result.ok) return fail(result.status === 403 ? 403 : 404, { errors: { form: result.status === 403 ? t.errors.forbidden : t.errors.unitNotFound } });
    redirect(303, back(unit));
  },
};
