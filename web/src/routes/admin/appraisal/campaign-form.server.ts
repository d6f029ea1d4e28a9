import { fail, redirect, type RequestEvent } from '@sveltejs/kit';
import type { CampaignConfigInput, CampaignView } from '#shared/contracts/appraisal/campaigns.js';
import { chinaDay } from '#shared/domain/china-time.js';
import { fill } from '$lib/i18n-draw';
import { appraisalMessages, type AppraisalMessages } from '$lib/i18n-appraisal';
import type { ApiResult } from '$lib/server/api';
import { getStaff, getUnit, getUnitTree, listUnitStaff, requireToken, sessionEnded } from '$lib/server/api-org';

/**
 * The campaign form (new, and edit of a draft): its fields as typed (strings, kept on every answer
 * so that nothing typed is lost), the configuration they make for the API, and the API's 400 mapped
 * back to the field it names. The API validates everything and fills the defaults (scale, rules);
 * the form only reshapes. Rows of groups and indicators are a fixed number of field sets, so the
 * form works without JavaScript; empty rows are left out.
 */
export interface RowValues {
  name: string;
  weightPct: string;
  ballots: string;
}

export interface CampaignFormValues {
  unitId: string;
  name: string;
  year: string;
  kind: string;
  /** Chosen subjects as `{type}:{id}` (staff:staff-001). */
  subjects: string[];
  /** Chosen subjects who are not graded (预备党员). */
  ungraded: string[];
  groups: RowValues[];
  indicators: RowValues[];
}

/** One person (or window, or unit) the form offers as a subject. */
export interface Candidate {
  value: string;
  name: string;
  detail: string;
  partyMember: boolean;
}

export interface CandidateGroup {
  unit: string;
  candidates: Candidate[];
}

export const GROUP_ROWS = 5;
export const INDICATOR_ROWS = 3;
const MAX_ROWS = 10;
/** Units whose staff are listed at most (one request or more each). */
const MAX_UNITS = 60;

const emptyRow = (): RowValues => ({ name: '', weightPct: '', ballots: '' });
const padded = (rows: RowValues[], count: number) => [...rows, ...Array.from({ length: Math.max(0, count - rows.length) }, emptyRow)];

/** 党员 70 / 群众代表 30, one indicator (总体评价 100 is the API's default), this year in China. */
export function defaultValues(unitId: string, now: Date): CampaignFormValues {
  return {
    unitId,
    name: '',
    year: chinaDay(now).slice(0, 4),
    kind: 'party-members',
    subjects: [],
    ungraded: [],
    groups: padded(
      [
        { name: '党员', weightPct: '70', ballots: '' },
        { name: '群众代表', weightPct: '30', ballots: '' },
      ],
      GROUP_ROWS,
    ),
    indicators: padded([{ name: '总体评价', weightPct: '100', ballots: '' }], INDICATOR_ROWS),
  };
}

/** A stored draft as form fields. */
export function valuesFromView(view: CampaignView): CampaignFormValues {
  return {
    unitId: view.unitId,
    name: view.name,
    year: String(view.year),
    kind: view.kind,
    subjects: view.subjects.map((subject) => `${subject.type}:${subject.refId}`),
    ungraded: view.subjects.filter((subject) => !subject.graded).map((subject) => `${subject.type}:${subject.refId}`),
    groups: padded(
      view.groups.map((group) => ({ name: group.name, weightPct: String(group.weightPct), ballots: String(group.ballots) })),
      Math.min(MAX_ROWS, Math.max(GROUP_ROWS, view.groups.length + 1)),
    ),
    indicators: padded(
      view.indicators.map((indicator) => ({ name: indicator.name, weightPct: String(indicator.weightPct), ballots: '' })),
      Math.min(MAX_ROWS, Math.max(INDICATOR_ROWS, view.indicators.length + 1)),
    ),
  };
}

// Hostile input is clamped here only so that a huge post is not echoed back; the API checks the rest.
const field = (form: FormData, name: string, max = 100) => String(form.get(name) ?? '').slice(0, max);

function readRows(form: FormData, prefix: 'groups' | 'indicators', minimum: number): RowValues[] {
  const rows: RowValues[] = [];
  for (let index = 0; index < MAX_ROWS; index++) {
    if (!form.has(`${prefix}.${index}.name`) && !form.has(`${prefix}.${index}.weightPct`)) continue;
    rows[index] = { name: field(form, `${prefix}.${index}.name`).trim(), weightPct: field(form, `${prefix}.${index}.weightPct`).trim(), ballots: field(form, `${prefix}.${index}.ballots`).trim() };
  }
  return padded(Array.from(rows, (row) => row ?? emptyRow()), minimum);
}

export function readForm(form: FormData): CampaignFormValues {
  return {
    unitId: field(form, 'unitId').trim(),
    name: field(form, 'name', 200).trim(),
    year: field(form, 'year').trim(),
    kind: field(form, 'kind').trim(),
    subjects: form.getAll('subject').map(String).slice(0, 600),
    ungraded: form.getAll('ungraded').map(String).slice(0, 600),
    groups: readRows(form, 'groups', GROUP_ROWS),
    indicators: readRows(form, 'indicators', INDICATOR_ROWS),
  };
}

/** A number as typed; an empty or unreadable field goes as null so that the API names it. */
const number = (text: string) => (text.trim() === '' || Number.isNaN(Number(text)) ? null : Number(text));
const isEmpty = (row: RowValues) => !row.name && !row.weightPct && !row.ballots;

/** The rows sent (empty ones left out), each with the form row it came from. */
const sentRows = (rows: RowValues[]) => rows.map((row, index) => ({ row, index })).filter(({ row }) => !isEmpty(row));

export interface Sent {
  config: CampaignConfigInput;
  /** The form row of each group and indicator sent, by its index in the request. */
  groupRows: number[];
  indicatorRows: number[];
}

/**
 * The configuration the API takes. `keep` is the stored campaign's scale and rules when a draft is
 * edited: they are sent back unchanged (they may have been set through the API), except that a new
 * kind takes that kind's default rules (the 优秀 cap is for 党员民主评议).
 */
export function toConfig(v: CampaignFormValues, keep?: Pick<CampaignView, 'kind' | 'scale' | 'rules'>): Sent {
  const groups = sentRows(v.groups);
  const indicators = sentRows(v.indicators);
  const ungraded = new Set(v.ungraded);
  // The API's schema is the judge: the casts hand it what was typed, however wrong.
  const config = {
    unitId: v.unitId,
    name: v.name,
    year: number(v.year),
    kind: v.kind,
    subjects: [...new Set(v.subjects)].map((value) => {
      const at = value.indexOf(':');
      return { type: value.slice(0, at), id: value.slice(at + 1), graded: !ungraded.has(value) };
    }),
    groups: groups.map(({ row }) => ({ name: row.name, weightPct: number(row.weightPct), ballots: number(row.ballots) })),
    ...(indicators.length ? { indicators: indicators.map(({ row }) => ({ name: row.name, weightPct: number(row.weightPct) })) } : {}),
    ...(keep ? { scale: keep.scale, ...(keep.kind === v.kind ? { rules: keep.rules } : {}) } : {}),
  } as unknown as CampaignConfigInput;
  return { config, groupRows: groups.map(({ index }) => index), indicatorRows: indicators.map(({ index }) => index) };
}

/** What the API's message says after "field: " (the fallback when no sentence of ours fits). */
const apiText = (field: string, message: string) => (message.startsWith(`${field}: `) ? message.slice(field.length + 2) : message);

/**
 * The API's field issues in the administrator's words, keyed by the form's fields: `name`, `year`,
 * `kind`, `subjects`, `groups` and `indicators` (the table as a whole), `groups.{row}.weightPct` …
 * (one cell, by the form's row), and `form` for what belongs to no field.
 */
export async function fieldErrors(t: AppraisalMessages, result: ApiResult<unknown>, sent: Sent, nameOf: (subject: { type: string; id: string }) => Promise<string>): Promise<Record<string, string>> {
  if (result.ok) return {};
  if (result.status === 404) return { form: t.errors.unitNotFound };
  if (result.status === 409) return { form: t.errors.locked };
  if (result.status === 403) return { form: t.errors.forbidden };
  if (result.status !== 400) return { form: t.errors.unavailable };
  const fe = t.fieldErrors;
  const errors: Record<string, string> = {};
  const add = (key: string, message: string) => (errors[key] ??= message);
  for (const { field: path, message } of result.error.error.issues ?? []) {
    const text = apiText(path, message);
    const [top, indexText, part] = path.split('.');
    const index = Number(indexText);
    if (top === 'name' || top === 'year' || top === 'kind') add(top, fe[top]);
    else if (top === 'unitId') add('form', t.errors.unitNotFound);
    else if (top === 'subjects') {
      if (indexText === undefined) add('subjects', /at least/.test(text) ? fe.subjectsNone : text);
      else {
        const subject = sent.config.subjects[index];
        add('subjects', fill(fe.subjectOut, { name: subject ? await nameOf(subject) : path }));
      }
    } else if (top === 'groups' || top === 'indicators') {
      const what = top === 'groups' ? t.fields.groups : t.fields.indicators;
      if (indexText === undefined) {
        const total = /they total ([\d.]+)%/.exec(text);
        add(top, total ? fill(fe.weightsTotal, { what, sum: total[1]! }) : /at least/.test(text) ? (top === 'groups' ? fe.groupsNone : fe.indicatorsNone) : /at most|too_big|Too big/i.test(text) ? fe.tooMany : text);
        continue;
      }
      const rowIndex = (top === 'groups' ? sent.groupRows : sent.indicatorRows)[index] ?? index;
      const row = fill(t.fields.row, { n: String(rowIndex + 1) });
      const key = `${top}.${rowIndex}.${part === 'name' || part === 'ballots' ? part : 'weightPct'}`;
      const twice = /^"(.*)" (is already the name of another group|appears twice)$/.exec(text);
      if (twice) add(key, fill(top === 'groups' ? fe.duplicateGroup : fe.duplicate, { row, name: twice[1]! }));
      else if (part === 'name') add(key, fill(fe.rowName, { row }));
      else if (part === 'ballots' || part === 'issued') add(key, fill(fe.ballots, { row }));
      else if (part === 'weightPct') add(key, fill(fe.twoDecimals, { row }));
      else add(key, `${row}：${text}`);
    } else if (top === 'scale' || top === 'rules') add('form', fill(fe.scaleOrRules, { message }));
    else add('form', message);
  }
  if (Object.keys(errors).length === 0) errors.form = result.error.error.message;
  return errors;
}

/** Every unit of the caller's scope (the tree, page by page), parents before children. */
async function scopeUnits(token: string): Promise<{ units: { id: string; name: string; parentId: string | null; depth: number }[]; status: number }> {
  const units: { id: string; name: string; parentId: string | null; depth: number }[] = [];
  let cursor: string | undefined;
  for (let pages = 0; pages < 20; pages++) {
    const tree = await getUnitTree(token, cursor);
    if (!tree.ok) return { units, status: tree.status };
    units.push(...tree.data.units.map(({ id, name, parentId, depth }) => ({ id, name, parentId, depth })));
    cursor = tree.data.cursor;
    if (!cursor) break;
  }
  return { units, status: 200 };
}

/** The units of the scope a campaign may be for (the list's unit picker), with the chosen one kept selectable. */
export async function unitChoices(token: string, chosen: string): Promise<{ units: { id: string; name: string; depth: number }[]; status: number }> {
  const tree = await scopeUnits(token);
  const units = tree.units.map(({ id, name, depth }) => ({ id, name, depth }));
  if (chosen && !units.some((unit) => unit.id === chosen)) {
    const unit = await getUnit(token, chosen);
    units.unshift({ id: chosen, name: unit.ok ? unit.data.name : chosen, depth: 0 });
  }
  return { units, status: tree.status };
}

/**
 * The staff of a unit's subtree, by unit (the unit first, then its sub-units in tree order), read
 * through the org API the staff pages use; `chosen` subjects that are not among them (moved away,
 * or windows and units chosen through the API) follow as a group of their own, so that an edit
 * keeps them unless they are unticked.
 */
export async function candidatesOf(
  token: string,
  t: AppraisalMessages,
  unitId: string,
  chosen: readonly { value: string; name: string; type: string }[] = [],
): Promise<{ groups: CandidateGroup[]; status: number; truncated: boolean }> {
  const tree = await scopeUnits(token);
  const inside = new Set([unitId]);
  for (const unit of tree.units) if (unit.parentId && inside.has(unit.parentId)) inside.add(unit.id);
  let subtree = tree.units.filter((unit) => inside.has(unit.id));
  if (subtree.length === 0) {
    const unit = await getUnit(token, unitId);
    subtree = unit.ok ? [{ id: unit.data.id, name: unit.data.name, parentId: null, depth: 0 }] : [];
  }
  const listed = await Promise.all(subtree.slice(0, MAX_UNITS).map((unit) => allStaff(token, unit.id)));
  const status = [tree.status, ...listed.map((list) => list.status)].find((code) => code !== 200) ?? 200;
  const groups: CandidateGroup[] = subtree
    .slice(0, MAX_UNITS)
    .map((unit, index) => ({
      unit: unit.name,
      candidates: listed[index]!.staff.map((person) => ({
        value: `staff:${person.id}`,
        name: person.name,
        detail: [person.staffNo, person.post].filter(Boolean).join(' · '),
        partyMember: person.partyMember,
      })),
    }))
    .filter((group) => group.candidates.length > 0);
  const offered = new Set(groups.flatMap((group) => group.candidates.map((candidate) => candidate.value)));
  const others = chosen.filter((subject) => !offered.has(subject.value));
  if (others.length) {
    groups.push({
      unit: t.fields.otherSubjects,
      candidates: others.map((subject) => ({ value: subject.value, name: subject.name, detail: t.fields.subjectTypes[subject.type as 'staff'] ?? subject.type, partyMember: false })),
    });
  }
  return { groups, status, truncated: subtree.length > MAX_UNITS };
}

async function allStaff(token: string, unitId: string): Promise<{ staff: { id: string; name: string; staffNo: string; post: string; partyMember: boolean }[]; status: number }> {
  const staff: { id: string; name: string; staffNo: string; post: string; partyMember: boolean }[] = [];
  let cursor: string | undefined;
  for (let pages = 0; pages < 10; pages++) {
    const page = await listUnitStaff(token, unitId, cursor);
    if (!page.ok) return { staff, status: page.status };
    staff.push(...page.data.staff);
    cursor = page.data.cursor;
    if (!cursor) break;
  }
  return { staff, status: 200 };
}

type Save = (token: string, params: Record<string, string>, values: CampaignFormValues) => Promise<{ result: ApiResult<CampaignView>; sent: Sent }>;

/** The form's action: `save` is POST for a new campaign, PUT for a draft; then to the campaign's page. */
export function campaignFormAction(save: Save, done: 'created' | 'saved') {
  return async ({ request, locals, params, cookies, url }: RequestEvent) => {
    const token = requireToken(locals);
    const t = appraisalMessages(locals.lang);
    const values = readForm(await request.formData());
    const { result, sent } = await save(token, params as Record<string, string>, values);
    if (result.status === 401) sessionEnded(cookies, url);
    if (result.ok) redirect(303, `/admin/appraisal/${encodeURIComponent(result.data.campaignId)}?done=${done}`);
    const nameOf = async (subject: { type: string; id: string }) => {
      if (subject.type !== 'staff') return subject.id;
      const staff = await getStaff(token, subject.id);
      return staff.ok ? staff.data.name : subject.id;
    };
    return fail(result.status === 409 ? 409 : 400, { values, errors: await fieldErrors(t, result, sent, nameOf) });
  };
}
