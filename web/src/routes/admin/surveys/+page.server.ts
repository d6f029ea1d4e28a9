import { fail, redirect } from '@sveltejs/kit';
import { surveyMessages } from '$lib/i18n-surveys';
import * as api from '$lib/server/api-surveys';
import type { Actions, PageServerLoad } from './$types';
import { requireToken, sessionEnded } from './guard.server';

const UNIT = /^[A-Za-z0-9_-]{1,64}$/;

export const load: PageServerLoad = async ({ locals, url, cookies }) => {
  const token = requireToken(locals);
  const t = surveyMessages(locals.lang).admin;
  const unit = url.searchParams.get('unit') || api.tokenUnitId(token);
  if (!UNIT.test(unit)) return { t, unit, list: null, problem: t.errors.unitNotFound };
  const listed = await api.listSurveyVersions(token, unit);
  if (listed.ok) return { t, unit, list: listed.data, problem: null };
  if (listed.status === 401) sessionEnded(cookies, url);
  const problem = listed.status === 404 || listed.status === 400 ? t.errors.unitNotFound : listed.status === 403 ? t.errors.forbidden : t.errors.unavailable;
  return { t, unit, list: null, problem };
};

async function change(event: 'publish' | 'retire', { request, locals, cookies, url }: Parameters<Actions[string]>[0]) {
  const token = requireToken(locals);
  const t = surveyMessages(locals.lang).admin;
  const form = await request.formData().catch(() => new FormData());
  const unit = String(form.get('unit') ?? '');
  const version = String(form.get('version') ?? '');
  const result = await api.changeSurveyVersion(token, unit, version, event);
  if (result.status === 401) sessionEnded(cookies, url);
  if (!result.ok) return fail(result.status === 409 ? 409 : 400, { problem: result.status === 409 ? t.errors.conflict : result.status === 404 ? t.errors.versionNotFound : t.errors.unavailable });
  redirect(303, `/admin/surveys?unit=${encodeURIComponent(unit)}`);
}

export const actions: Actions = {
  draft: async ({ request, locals, cookies, url }) => {
    const token = requireToken(locals);
    const t = surveyMessages(locals.lang).admin;
    const unit = String((await request.formData().catch(() => new FormData())).get('unit') ?? '');
    const result = await api.createSurveyDraft(token, unit);
    if (result.status === 401) sessionEnded(cookies, url);
    if (!result.ok) return fail(result.status === 409 ? 409 : 400, { problem: result.status === 409 ? t.errors.draftExists : result.status === 403 ? t.errors.forbidden : t.errors.unitNotFound });
    redirect(303, `/admin/surveys/${encodeURIComponent(unit)}/${result.data.version}`);
  },
  publish: (event) => change('publish', event),
  retire: (event) => change('retire', event),
};
