import { error, fail, redirect } from '@sveltejs/kit';
import { CASE_ATTACHMENT_MAX_BYTES } from '#shared/contracts/cases/cases.js';
import { caseMessages } from '$lib/i18n-cases';
import { fill } from '$lib/i18n-draw';
import { getCase, revealCaseContact, sendRecoveryLink, transitionCase } from '$lib/server/api-cases';
import { requireToken, sessionEnded } from '$lib/server/api-org';
import type { Actions, PageServerLoad } from './$types';

/** One 差评 case (issue 15): the rating's service facts, its deadline, its steps, and the next step's form. */
export const load: PageServerLoad = async ({ locals, params, url, cookies }) => {
  const token = requireToken(locals);
  const t = caseMessages(locals.lang);
  const found = await getCase(token, params.caseId);
  if (found.status === 401) sessionEnded(cookies, url);
  if (!found.ok) {
    const status = found.status === 400 || found.status === 404 ? 404 : found.status === 403 ? 403 : 503;
    error(status, { message: status === 404 ? t.errors.notFound : status === 403 ? t.errors.forbidden : t.errors.unavailable });
  }
  return { t, kase: found.data, done: url.searchParams.get('done') === 'step' };
};

export const actions: Actions = {
  /** 提交: one step with what was done; back to the case (PRG), or the form again with why not. */
  step: async ({ locals, params, request, cookies, url }) => {
    const token = requireToken(locals);
    const t = caseMessages(locals.lang);
    const form = await request.formData().catch(() => new FormData());
    const to = String(form.get('to') ?? '');
    const note = String(form.get('note') ?? '').trim();
    // The 回访's outcome belongs to the step to 已回访 only (the form shows it beside that step).
    const outcome = to === 'called-back' ? String(form.get('outcome') ?? '') : '';
    const values = { to, note, outcome };
    if (!to) return fail(400, { values, errors: { to: t.errors.to } });
    if (to === 'called-back' && !outcome) return fail(400, { values, errors: { outcome: t.errors.outcome } });
    if (!note) return fail(400, { values, errors: { note: t.errors.note } });
    // 照片（选填）: a file input left empty sends an empty file.
    const file = form.get('attachment');
    const photo = file instanceof File && file.size > 0 ? file : undefined;
    if (photo && photo.size > CASE_ATTACHMENT_MAX_BYTES) return fail(400, { values, errors: { attachment: t.errors.attachment } });
    const attachment = photo ? Buffer.from(await photo.arrayBuffer()).toString('base64') : undefined;
    const result = await transitionCase(token, params.caseId, { to: to as never, note, ...(outcome ? { outcome: outcome as never } : {}), ...(attachment ? { attachment } : {}) });
    if (result.status === 401) sessionEnded(cookies, url);
    if (!result.ok) {
      const message = result.error.error.message;
      if (result.status === 400) {
        const field = /^note/.test(message) ? 'note' : /^outcome/.test(message) ? 'outcome' : /^attachment/.test(message) ? 'attachment' : 'to';
        return fail(400, { values, errors: { [field]: t.errors[field] } });
      }
      if (result.status === 403) return fail(403, { values, errors: { form: t.errors.forbidden } });
      if (result.status === 409) return fail(409, { values, errors: { form: fill(t.errors.conflict, { message }) } });
      if (result.status === 404) return fail(404, { values, errors: { form: t.errors.notFound } });
      return fail(503, { values, errors: { form: t.errors.unavailable } });
    }
    redirect(303, `/admin/cases/${encodeURIComponent(params.caseId)}?done=step`);
  },

  /**
   * 查看联系方式: the number, in this answer only — never in a URL, a redirect or the page's data
   * (answers to actions are no-store: hooks.server.ts). The API audits every look.
   */
  contact: async ({ locals, params, cookies, url }) => {
    const token = requireToken(locals);
    const t = caseMessages(locals.lang);
    const result = await revealCaseContact(token, params.caseId);
    if (result.status === 401) sessionEnded(cookies, url);
    if (!result.ok) {
      if (result.status === 409) return fail(409, { contactError: fill(t.errors.contact, { message: result.error.error.message }) });
      if (result.status === 403) return fail(403, { contactError: t.errors.forbidden });
      if (result.status === 404) return fail(404, { contactError: t.errors.notFound });
      return fail(503, { contactError: t.errors.unavailable });
    }
    return { contact: { phone: result.data.phone, keptUntil: result.data.keptUntil } };
  },

  /** 发送短信回访链接: the API opens the number for the one message; the page never sees it. */
  recovery: async ({ locals, params, cookies, url }) => {
    const token = requireToken(locals);
    const t = caseMessages(locals.lang);
    const result = await sendRecoveryLink(token, params.caseId);
    if (result.status === 401) sessionEnded(cookies, url);
    if (!result.ok) {
      if (result.status === 409) return fail(409, { recoveryError: fill(t.recovery.refused, { message: result.error.error.message }) });
      if (result.status === 403) return fail(403, { recoveryError: t.errors.forbidden });
      if (result.status === 404) return fail(404, { recoveryError: t.errors.notFound });
      return fail(503, { recoveryError: t.errors.unavailable });
    }
    return { recovery: result.data };
  },
};
