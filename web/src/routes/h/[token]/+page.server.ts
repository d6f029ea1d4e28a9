import { error, fail, redirect } from '@sveltejs/kit';
import { format } from '$lib/i18n';
import { recoveryMessages } from '$lib/i18n-recovery';
import { answerRecoveryLink, viewRecoveryLink } from '$lib/server/api-recovery';
import type { Actions, PageServerLoad } from './$types';

/**
 * 回访 of a 差评 through its one-time SMS link (issue 15 §2): what the unit did, and two questions.
 * The token is in this page's address (an SMS cannot carry it otherwise, and the page works without
 * JavaScript); the server sends it to the API in a JSON body only.
 */
export const load: PageServerLoad = async ({ params, locals }) => {
  const t = recoveryMessages(locals.lang);
  const found = await viewRecoveryLink(params.token);
  if (!found.ok) {
    if (found.status === 409) error(409, { message: t.used, hint: t.usedBody });
    if (found.status === 410) error(410, { message: t.expired, hint: t.expiredBody });
    if (found.status === 404 || found.status === 400) error(404, { message: t.notFound, hint: t.notFoundBody });
    error(503, { message: t.errors.unavailable });
  }
  const view = found.data;
  const until = new Date(view.openUntil).toLocaleString('zh-CN', { timeZone: 'Asia/Shanghai', dateStyle: 'medium', timeStyle: 'short' });
  return { t, view, intro: view.letter || !view.windowName ? format(t.introLetter, { day: view.day, unit: view.unitName }) : format(t.intro, { day: view.day, unit: view.unitName, window: view.windowName }), openUntil: format(t.openUntil, { until }) };
};

export const actions: Actions = {
  default: async ({ params, request, locals }) => {
    const t = recoveryMessages(locals.lang);
    const form = await request.formData().catch(() => new FormData());
    const values = { result: String(form.get('result') ?? ''), resolved: String(form.get('resolved') ?? ''), comment: String(form.get('comment') ?? '').trim() };
    const errors: Record<string, string> = {};
    if (!['satisfied', 'unsatisfied'].includes(values.result)) errors.result = t.errors.result;
    if (!['yes', 'partly', 'no'].includes(values.resolved)) errors.resolved = t.errors.resolved;
    if (values.comment.length > 300) errors.comment = t.errors.comment;
    if (Object.keys(errors).length) return fail(400, { values, errors });
    const result = await answerRecoveryLink({ token: params.token, result: values.result, resolved: values.resolved, ...(values.comment ? { comment: values.comment } : {}) });
    if (result.ok) redirect(303, '/h/thanks');
    if (result.status === 409) return fail(409, { values, errors: {}, message: t.used });
    if (result.status === 410) return fail(410, { values, errors: {}, message: t.expired });
    if (result.status === 404) return fail(404, { values, errors: {}, message: t.notFound });
    if (result.status === 400) {
      const named = Object.fromEntries((result.error.error.issues ?? []).filter((issue) => issue.field in t.errors).map((issue) => [issue.field, t.errors[issue.field as keyof typeof t.errors]]));
      return fail(400, { values, errors: named, message: Object.keys(named).length ? undefined : t.errors.unavailable });
    }
    return fail(503, { values, errors: {}, message: t.errors.unavailable });
  },
};
