import { error, fail, redirect } from '@sveltejs/kit';
import type { SurveyDraftInput } from '#shared/contracts/surveys-versions.js';
import { QUESTION_KINDS, SURVEY_LIMITS, type QuestionKind } from '#shared/domain/survey-version.js';
import { surveyMessages, type SurveyMessages } from '$lib/i18n-surveys';
import * as api from '$lib/server/api-surveys';
import { requireToken, sessionEnded } from '../../guard.server';
import type { Actions, PageServerLoad } from './$types';

/** One editable question slot of the form, as posted (`q0.text`, `q0.kind`, …). */
interface Slot {
  id: string;
  text: string;
  kind: string;
  choices: string;
  required: boolean;
}

// Clamp what is echoed back: a hostile post must not make a huge page. The API applies the limits.
const clamp = (value: FormDataEntryValue | null, max: number) => (typeof value === 'string' ? value.slice(0, max) : '');

function readSlots(form: FormData): { title: string; slots: Slot[] } {
  const slots: Slot[] = [];
  for (let i = 0; i < SURVEY_LIMITS.questions + 2; i++) {
    if (!form.has(`q${i}.kind`)) continue;
    slots.push({
      id: clamp(form.get(`q${i}.id`), 8),
      text: clamp(form.get(`q${i}.text`), 400),
      kind: clamp(form.get(`q${i}.kind`), 16),
      choices: clamp(form.get(`q${i}.choices`), 1200),
      required: form.get(`q${i}.required`) !== null,
    });
  }
  return { title: clamp(form.get('title'), 200), slots };
}

/** Slots with text become questions; new ones get the next free id. Returns which slot each came from. */
function toDraft(title: string, slots: Slot[]): { body: SurveyDraftInput; from: number[] } {
  const used = new Set(slots.map((s) => s.id).filter((id) => /^q\d{1,3}$/.test(id)));
  let next = 1;
  const freshId = () => {
    while (used.has(`q${next}`)) next++;
    used.add(`q${next}`);
    return `q${next}`;
  };
  const from: number[] = [];
  const questions = slots.flatMap((slot, index) => {
    if (slot.text.trim() === '') return [];
    from.push(index);
    const kind = (QUESTION_KINDS as readonly string[]).includes(slot.kind) ? (slot.kind as QuestionKind) : 'single';
    const lines = slot.choices.split(/\r?\n/).map((line) => line.trim()).filter(Boolean);
    const withChoices = kind === 'single' || kind === 'multiple';
    return [
      {
        id: /^q\d{1,3}$/.test(slot.id) ? slot.id : freshId(),
        kind,
        text: slot.text,
        required: slot.required,
        ...(withChoices ? { choices: lines.map((text, n) => ({ id: `c${n + 1}`, text })) } : {}),
      },
    ];
  });
  return { body: { title, questions }, from };
}

function fieldErrors(issues: { field: string }[] | undefined, from: number[], t: SurveyMessages['admin']['errors']): Record<string, string> {
  const errors: Record<string, string> = {};
  for (const { field } of issues ?? []) {
    const [head, index, sub] = field.split('.');
    if (head === 'title') errors.title = t.field.title;
    else if (head === 'questions' && index !== undefined && /^\d+$/.test(index)) {
      const slot = from[Number(index)] ?? 0;
      errors[`q${slot}.${sub === 'choices' ? 'choices' : 'text'}`] = sub === 'choices' ? t.field.choices : t.field.text;
    } else if (head === 'questions') errors.questions = t.field.questions;
  }
  return errors;
}

export const load: PageServerLoad = async ({ locals, params, cookies, url }) => {
  const token = requireToken(locals);
  const t = surveyMessages(locals.lang);
  const found = await api.getSurveyVersion(token, params.unit, params.version);
  if (found.status === 401) sessionEnded(cookies, url);
  if (!found.ok) error(found.status === 404 || found.status === 400 ? 404 : 503, { message: found.status === 404 ? t.admin.errors.versionNotFound : t.admin.errors.unavailable });
  const version = found.data;
  return { t: t.admin, sectionT: t.section, version, saved: url.searchParams.has('saved') };
};

export const actions: Actions = {
  save: async ({ request, locals, params, cookies, url }) => {
    const token = requireToken(locals);
    const t = surveyMessages(locals.lang).admin;
    const { title, slots } = readSlots(await request.formData().catch(() => new FormData()));
    const { body, from } = toDraft(title, slots);
    const result = await api.updateSurveyDraft(token, params.unit, params.version, body);
    if (result.status === 401) sessionEnded(cookies, url);
    if (result.ok) redirect(303, `/admin/surveys/${encodeURIComponent(params.unit)}/${encodeURIComponent(params.version)}?saved`);
    if (result.status === 400) return fail(400, { title, slots, errors: fieldErrors(result.error.error.issues, from, t.errors), problem: t.errors.invalid });
    return fail(result.status === 409 ? 409 : 400, { title, slots, errors: {}, problem: result.status === 409 ? t.errors.conflict : t.errors.unavailable });
  },
};
