import { fail, redirect } from '@sveltejs/kit';
import { chinaDay, lastCompleteMonth } from '#shared/domain/china-time.js';
import { caseMessages } from '$lib/i18n-cases';
import { decideProposal, listProposals } from '$lib/server/api-cases';
import { requireToken, sessionEnded } from '$lib/server/api-org';
import { tokenUnitId } from '$lib/server/api-surveys';
import { unitChoices } from '../../../rounds/round-form.server';
import type { Actions, PageServerLoad } from './$types';

const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;
const CONFIRM_FIELDS = ['kind', 'documentNo', 'issuedBy', 'issuedOn'] as const;

/**
 * 问责建议 (issue 15 §3): the proposals the reports make for a scope and month (last complete month
 * unless ?month= says otherwise), each with its decision; a committee member confirms one into the
 * register (kind, 文号, issuer, day) or dismisses it, with a reason. Works without JavaScript.
 */
export const load: PageServerLoad = async ({ locals, url, cookies, parent }) => {
  const token = requireToken(locals);
  const t = caseMessages(locals.lang);
  const unit = url.searchParams.get('unit') || tokenUnitId(token);
  const asked = url.searchParams.get('month') ?? '';
  const month = MONTH.test(asked) ? asked : lastCompleteMonth(new Date());
  const settings = { minN: url.searchParams.get('minN') ?? '', onTimeBelow: url.searchParams.get('onTimeBelow') ?? '' };
  const canDecide = ((await parent()).session?.permissions ?? []).includes('accountability:decide');
  const query = { unitId: unit, month, ...(settings.minN ? { minN: settings.minN } : {}), ...(settings.onTimeBelow ? { onTimeBelow: settings.onTimeBelow } : {}) };
  const [listed, choices] = await Promise.all([listProposals(token, query), unitChoices(token, unit)]);
  if (listed.status === 401 || choices.status === 401) sessionEnded(cookies, url);
  const problem = listed.ok ? null : listed.status === 404 ? t.errors.unitNotFound : listed.status === 400 ? (listed.error.error.message ?? t.errors.unavailable) : listed.status === 403 ? t.errors.forbidden : t.errors.unavailable;
  return { t, unit, month, settings, units: choices.units, page: listed.ok ? listed.data : null, problem, canDecide, done: url.searchParams.get('done') === '1', today: chinaDay(new Date()) };
};

export const actions: Actions = {
  /** 确认 / 不予采纳: the fields checked here (each named), then by the API; back to the month's list (PRG). */
  decide: async ({ locals, request, cookies, url }) => {
    const token = requireToken(locals);
    const t = caseMessages(locals.lang).proposals;
    const form = await request.formData().catch(() => new FormData());
    const get = (name: string) => String(form.get(name) ?? '').trim();
    const target = { unitId: get('unit'), month: get('month'), rule: get('rule'), subjectType: get('subjectType'), subjectId: get('subjectId'), minN: get('minN'), onTimeBelow: get('onTimeBelow') };
    const decision = get('decision') === 'confirmed' ? 'confirmed' : 'dismissed';
    const values = { reason: get('reason'), ...Object.fromEntries(CONFIRM_FIELDS.map((field) => [field, get(field)])) } as Record<'reason' | (typeof CONFIRM_FIELDS)[number], string>;
    const key = `${target.rule}:${target.subjectId}`;
    const errors: Record<string, string> = {};
    if (!values.reason || values.reason.length > 1000) errors.reason = t.errors.reason;
    if (!MONTH.test(target.month)) errors.form = t.errors.month;
    if (decision === 'confirmed') {
      if (!['notice', 'talk', 'rectification'].includes(values.kind)) errors.kind = t.errors.kind;
      if (!values.documentNo || values.documentNo.length > 64) errors.documentNo = t.errors.documentNo;
      if (!values.issuedBy || values.issuedBy.length > 100) errors.issuedBy = t.errors.issuedBy;
      if (!/^\d{4}-\d{2}-\d{2}$/.test(values.issuedOn)) errors.issuedOn = t.errors.issuedOn;
    }
    if (Object.keys(errors).length) return fail(400, { key, decision, values, errors });
    const settings = { ...(target.minN ? { minN: Number(target.minN) } : {}), ...(target.onTimeBelow ? { onTimeBelow: Number(target.onTimeBelow) } : {}) };
    const common = { unitId: target.unitId, month: target.month, rule: target.rule as 'unit-on-time-low', subjectType: target.subjectType as 'unit', subjectId: target.subjectId, reason: values.reason, ...settings };
    const result = await decideProposal(
      token,
      decision === 'confirmed'
        ? { ...common, decision, kind: values.kind as 'notice', documentNo: values.documentNo, issuedBy: values.issuedBy, issuedOn: values.issuedOn }
        : { ...common, decision },
    );
    if (result.status === 401) sessionEnded(cookies, url);
    if (!result.ok) {
      const messages = caseMessages(locals.lang);
      const message = result.status === 409 ? t.errors.decided : result.status === 404 ? t.errors.gone : result.status === 403 ? messages.errors.forbidden : result.status === 400 ? (result.error.error.message ?? messages.errors.unavailable) : messages.errors.unavailable;
      return fail(result.status >= 400 && result.status < 500 ? result.status : 503, { key, decision, values, errors: { form: message } });
    }
    const back = new URLSearchParams({ unit: target.unitId, month: target.month, ...(target.minN ? { minN: target.minN } : {}), ...(target.onTimeBelow ? { onTimeBelow: target.onTimeBelow } : {}), done: '1' });
    redirect(303, `/admin/cases/accountability/proposals?${back}`);
  },
};
