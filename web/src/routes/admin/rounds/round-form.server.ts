import { fail, redirect, type Actions } from '@sveltejs/kit';
import { RoundConfigInput, type RoundView } from '#shared/contracts/sampling/rounds.js';
import { addDays, chinaDay, lastCompleteMonth } from '#shared/domain/china-time.js';
import { roundMessages, type RoundMessages } from '$lib/i18n-rounds';
import type { ApiResult } from '$lib/server/api';
import { getUnit, getUnitTree, requireToken, sessionEnded } from '$lib/server/api-org';

/**
 * The round form (new and edit): its fields as typed (strings, kept on every answer so nothing
 * typed is lost), the configuration they make for the API, and the API's 400 mapped back to the
 * field it names. The API validates everything; the form only reshapes.
 */
export interface RoundFormValues {
  name: string;
  unitId: string;
  surveyId: string;
  surveyVersion: string;
  from: string;
  to: string;
  serviceItems: string;
  servedVia: string[];
  applicantTypes: string[];
  strataBy: string;
  sizeMode: string;
  n: string;
  e: string;
  per: string;
  population: string;
  allocation: string;
  fixed: string;
  quarantineDays: string;
  invitationText: string;
  reminderCount: string;
  reminderAfterDays: string;
  deadline: string;
}

const INVITATION = '您好，您近期在{unit}办理了业务，诚邀您对服务进行评价：{link} 回复TD退订';

/** Last complete month, strata by unit, a total n, proportional, 180 days, one reminder after 3 days. */
export function defaultValues(unit: { id: string; name: string }, now: Date): RoundFormValues {
  const month = lastCompleteMonth(now);
  const today = chinaDay(now);
  return {
    name: `${month.replace('-', '年')}月 阳光测评`,
    unitId: unit.id,
    surveyId: '',
    surveyVersion: '',
    from: `${month}-01`,
    to: addDays(`${addDays(`${month}-01`, 32).slice(0, 7)}-01`, -1),
    serviceItems: '',
    servedVia: [],
    applicantTypes: [],
    strataBy: 'unit',
    sizeMode: 'total',
    n: '',
    e: '',
    per: 'overall',
    population: '',
    allocation: 'proportional',
    fixed: '',
    quarantineDays: '180',
    // {unit} is the form's, not the API's: the unit's name goes in now, {link} stays for the sender.
    invitationText: INVITATION.replace('{unit}', unit.name),
    reminderCount: '1',
    reminderAfterDays: '3',
    deadline: addDays(today, 14),
  };
}

/** A stored round's configuration as form fields (edit of a draft). */
export function valuesFromConfig(config: unknown, fallback: RoundFormValues): RoundFormValues {
  const parsed = RoundConfigInput.safeParse(config);
  if (!parsed.success) return fallback;
  const c = parsed.data;
  return {
    ...fallback,
    name: c.name,
    unitId: c.unitId,
    surveyId: c.survey?.surveyId ?? '',
    surveyVersion: c.survey ? String(c.survey.version) : '',
    from: c.period.from,
    to: c.period.to,
    serviceItems: (c.filters.serviceItems ?? []).join('\n'),
    servedVia: c.filters.servedVia ?? [],
    applicantTypes: c.filters.applicantTypes ?? [],
    strataBy: c.strataBy,
    sizeMode: c.size.mode,
    n: c.size.mode === 'margin' ? '' : String(c.size.n),
    e: c.size.mode === 'margin' ? String(Math.round(c.size.e * 10_000) / 100) : '',
    per: c.size.mode === 'margin' ? c.size.per : 'overall',
    allocation: c.allocation.method,
    fixed: Object.entries(c.allocation.fixed ?? {})
      .map(([key, n]) => `${key}=${n}`)
      .join('\n'),
    quarantineDays: String(c.quarantineDays),
    invitationText: c.invitationText,
    reminderCount: String(c.reminders.count),
    reminderAfterDays: String(c.reminders.afterDays),
    deadline: c.deadline,
  };
}

// Hostile input is clamped here only so that a huge post is not echoed back; the API checks the rest.
const field = (form: FormData, name: string, max = 400) => String(form.get(name) ?? '').slice(0, max);
const lines = (text: string) => text.split(/\r?\n/).map((line) => line.trim()).filter(Boolean);

export function readForm(form: FormData): RoundFormValues {
  const names = ['name', 'unitId', 'surveyId', 'surveyVersion', 'from', 'to', 'strataBy', 'sizeMode', 'n', 'e', 'per', 'population', 'allocation', 'quarantineDays', 'reminderCount', 'reminderAfterDays', 'deadline'] as const;
  const values = Object.fromEntries(names.map((name) => [name, field(form, name).trim()])) as Record<(typeof names)[number], string>;
  return {
    ...values,
    serviceItems: field(form, 'serviceItems', 25_000),
    fixed: field(form, 'fixed', 25_000),
    invitationText: field(form, 'invitationText', 600),
    servedVia: form.getAll('servedVia').map(String).slice(0, 10),
    applicantTypes: form.getAll('applicantTypes').map(String).slice(0, 10),
  };
}

/** A number as typed; an empty or unreadable field goes as null so the API names it. */
const number = (text: string) => (text.trim() === '' || Number.isNaN(Number(text.replaceAll(',', ''))) ? null : Number(text.replaceAll(',', '')));

export function toConfig(v: RoundFormValues): RoundConfigInput {
  const items = lines(v.serviceItems);
  const size =
    v.sizeMode === 'margin'
      ? { mode: 'margin', e: (number(v.e) ?? Number.NaN) / 100, per: v.per }
      : { mode: v.sizeMode, n: number(v.n) };
  const fixed = Object.fromEntries(
    lines(v.fixed).map((line) => {
      const at = line.lastIndexOf('=');
      return [line.slice(0, at).trim(), number(line.slice(at + 1))];
    }),
  );
  // The API's schema is the judge: the casts hand it what was typed, however wrong.
  return {
    name: v.name,
    unitId: v.unitId,
    ...(v.surveyId ? { survey: { surveyId: v.surveyId, version: number(v.surveyVersion) as number } } : {}),
    period: { from: v.from, to: v.to },
    filters: {
      ...(items.length ? { serviceItems: items } : {}),
      ...(v.servedVia.length ? { servedVia: v.servedVia as never } : {}),
      ...(v.applicantTypes.length ? { applicantTypes: v.applicantTypes as never } : {}),
    },
    strataBy: v.strataBy as RoundConfigInput['strataBy'],
    size: size as RoundConfigInput['size'],
    allocation: { method: v.allocation as 'proportional', ...(v.allocation === 'fixed' ? { fixed: fixed as Record<string, number> } : {}) },
    quarantineDays: number(v.quarantineDays) as number,
    invitationText: v.invitationText,
    reminders: { count: number(v.reminderCount) as number, afterDays: number(v.reminderAfterDays) as number },
    deadline: v.deadline,
  };
}

/** The API's field paths (size.e, period.to, reminders.count …) → the form's fields. */
const FIELD_OF: Record<string, keyof RoundMessages['fieldErrors']> = {
  'size.n': 'n',
  'size.e': 'e',
  'size.mode': 'sizeMode',
  size: 'sizeMode',
  'period.from': 'from',
  'period.to': 'to',
  period: 'from',
  'filters.serviceItems': 'serviceItems',
  'filters.servedVia': 'servedVia',
  'filters.applicantTypes': 'applicantTypes',
  'allocation.method': 'allocation',
  'allocation.fixed': 'fixed',
  'reminders.count': 'reminderCount',
  'reminders.afterDays': 'reminderAfterDays',
};

export function fieldErrors(t: RoundMessages, result: ApiResult<unknown>): Record<string, string> {
  if (result.ok) return {};
  if (result.status === 404) return { unitId: t.fieldErrors.unitId };
  if (result.status === 409) return { form: t.errors.locked };
  const errors: Record<string, string> = {};
  for (const { field: path } of result.error.error.issues ?? []) {
    const known = Object.keys(FIELD_OF)
      .filter((prefix) => path === prefix || path.startsWith(`${prefix}.`))
      .sort((a, b) => b.length - a.length)[0];
    const name = known ? FIELD_OF[known]! : (path.split('.')[0]! as keyof RoundMessages['fieldErrors']);
    errors[name] = t.fieldErrors[name] ?? t.fieldErrors.form;
  }
  if (Object.keys(errors).length === 0) errors.form = result.status === 403 ? t.errors.forbidden : result.status === 400 ? t.fieldErrors.form : t.errors.unavailable;
  return errors;
}

/** The units of the scope a round may cover (one page of the tree), with the chosen one kept selectable. */
export async function unitChoices(token: string, chosen: string): Promise<{ units: { id: string; name: string; depth: number }[]; status: number }> {
  const tree = await getUnitTree(token);
  const units = tree.ok ? tree.data.units.map(({ id, name, depth }) => ({ id, name, depth })) : [];
  if (chosen && !units.some((unit) => unit.id === chosen)) {
    const unit = await getUnit(token, chosen);
    units.unshift({ id: chosen, name: unit.ok ? unit.data.name : chosen, depth: 0 });
  }
  return { units, status: tree.status };
}

/**
 * The form's two actions: 计算 (re-render with the calculator's answer, every field kept) and
 * 保存 (`save` is POST for a new round, PUT for a draft), then to the round's page.
 */
export function roundFormActions(save: (token: string, params: Record<string, string>, config: RoundConfigInput) => Promise<ApiResult<RoundView>>): Actions {
  return {
    calculate: async ({ request, locals }) => {
      requireToken(locals);
      const values = readForm(await request.formData());
      return { values, errors: {} as Record<string, string> };
    },
    save: async ({ request, locals, params, cookies, url }) => {
      const token = requireToken(locals);
      const t = roundMessages(locals.lang);
      const values = readForm(await request.formData());
      const result = await save(token, params, toConfig(values));
      if (result.status === 401) sessionEnded(cookies, url);
      if (result.ok) redirect(303, `/admin/rounds/${encodeURIComponent(result.data.roundId)}?done=saved`);
      return fail(result.status === 409 ? 409 : 400, { values, errors: fieldErrors(t, result) });
    },
  };
}
