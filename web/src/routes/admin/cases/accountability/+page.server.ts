import { fail, redirect } from '@sveltejs/kit';
import { chinaDay } from '#shared/domain/china-time.js';
import { caseMessages } from '$lib/i18n-cases';
import { createAccountability, listAccountability } from '$lib/server/api-cases';
import { listUnitStaff, listUnitWindows, requireToken, sessionEnded } from '$lib/server/api-org';
import { tokenUnitId } from '$lib/server/api-surveys';
import { unitChoices } from '../../rounds/round-form.server';
import type { Actions, PageServerLoad } from './$types';

const PERIOD = /^\d{4}(-(Q[1-4]|0[1-9]|1[0-2]))?$/;
const FIELDS = ['subject', 'kind', 'period', 'reason', 'documentNo', 'issuedBy', 'issuedOn'] as const;

/**
 * The accountability register (问责台账, issue 15 §3): a unit subtree's notices of a period (this
 * year unless ?period= says otherwise), a page at a time, its downloads, and — for administrators —
 * the form that records a notice to the unit, one of its windows or one of its staff.
 */
export const load: PageServerLoad = async ({ locals, url, cookies, parent }) => {
  const token = requireToken(locals);
  const t = caseMessages(locals.lang);
  const unit = url.searchParams.get('unit') || tokenUnitId(token);
  const asked = url.searchParams.get('period') ?? '';
  const period = PERIOD.test(asked) ? asked : chinaDay(new Date()).slice(0, 4);
  const cursor = url.searchParams.get('cursor') ?? '';
  const canWrite = ((await parent()).session?.permissions ?? []).includes('accountability:write');
  const [listed, choices, windows, staff] = await Promise.all([
    listAccountability(token, { unitId: unit, period, ...(cursor ? { cursor } : {}) }),
    unitChoices(token, unit),
    canWrite ? listUnitWindows(token, unit) : undefined,
    canWrite ? listUnitStaff(token, unit) : undefined,
  ]);
  if (listed.status === 401 || choices.status === 401) sessionEnded(cookies, url);
  const problem = listed.ok ? null : listed.status === 404 || listed.status === 400 ? t.errors.unitNotFound : listed.status === 403 ? t.errors.forbidden : t.errors.unavailable;
  const unitName = choices.units.find((choice) => choice.id === unit)?.name ?? unit;
  const subjects = [
    { group: t.register.subjectTypes.unit!, options: [{ value: `unit:${unit}`, label: unitName }] },
    { group: t.register.subjectTypes.window!, options: windows?.ok ? windows.data.windows.map((w) => ({ value: `window:${w.code}`, label: w.name })) : [] },
    { group: t.register.subjectTypes.staff!, options: staff?.ok ? staff.data.staff.map((s) => ({ value: `staff:${s.id}`, label: `${s.name}（${s.staffNo}）` })) : [] },
  ].filter((group) => group.options.length > 0);
  const nextPage = listed.ok && listed.data.cursor ? `?${new URLSearchParams({ unit, period, cursor: listed.data.cursor })}` : null;
  return { t, unit, period, units: choices.units, records: listed.ok ? listed.data.items : [], nextPage, problem, canWrite, subjects, created: url.searchParams.get('done') === 'created', today: chinaDay(new Date()) };
};

export const actions: Actions = {
  /** 登记: every field checked here first (each named), then by the API; back to the period's register (PRG). */
  create: async ({ locals, request, cookies, url }) => {
    const token = requireToken(locals);
    const t = caseMessages(locals.lang);
    const form = await request.formData().catch(() => new FormData());
    const unit = String(form.get('unit') ?? '');
    const values = Object.fromEntries(FIELDS.map((field) => [field, String(form.get(field) ?? '').trim()])) as Record<(typeof FIELDS)[number], string>;
    const errors: Record<string, string> = {};
    const [subjectType, subjectId] = values.subject.split(/:(.*)/s);
    if (!subjectType || !subjectId || !['unit', 'window', 'staff'].includes(subjectType)) errors.subject = t.register.errors.subject;
    if (!['notice', 'talk', 'rectification'].includes(values.kind)) errors.kind = t.register.errors.kind;
    if (!PERIOD.test(values.period)) errors.period = t.register.errors.period;
    if (!values.reason || values.reason.length > 1000) errors.reason = t.register.errors.reason;
    if (!values.documentNo || values.documentNo.length > 64) errors.documentNo = t.register.errors.documentNo;
    if (!values.issuedBy || values.issuedBy.length > 100) errors.issuedBy = t.register.errors.issuedBy;
    if (!/^\d{4}-\d{2}-\d{2}$/.test(values.issuedOn)) errors.issuedOn = t.register.errors.issuedOn;
    if (Object.keys(errors).length) return fail(400, { values, errors });
    const result = await createAccountability(token, {
      subjectType: subjectType as 'unit',
      subjectId: subjectId!,
      kind: values.kind as 'notice',
      period: values.period,
      reason: values.reason,
      documentNo: values.documentNo,
      issuedBy: values.issuedBy,
      issuedOn: values.issuedOn,
    });
    if (result.status === 401) sessionEnded(cookies, url);
    if (!result.ok) {
      if (result.status === 400) {
        const named = result.error.error.issues?.map((issue) => (issue.field === 'subjectId' || issue.field === 'subjectType' ? 'subject' : issue.field)) ?? [];
        const apiErrors = Object.fromEntries(named.filter((field): field is keyof typeof t.register.errors => field in t.register.errors).map((field) => [field, t.register.errors[field]]));
        return fail(400, { values, errors: Object.keys(apiErrors).length ? apiErrors : { form: t.errors.unavailable } });
      }
      const message = result.status === 403 ? t.errors.forbidden : result.status === 404 ? t.register.errors.subject : t.errors.unavailable;
      return fail(result.status === 403 || result.status === 404 ? result.status : 503, { values, errors: result.status === 404 ? { subject: message } : { form: message } });
    }
    redirect(303, `/admin/cases/accountability?${new URLSearchParams({ unit, period: values.period, done: 'created' })}`);
  },
};
