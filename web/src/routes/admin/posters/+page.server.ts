import { surveyMessages } from '$lib/i18n-surveys';
import * as api from '$lib/server/api';
import { tokenUnitId } from '$lib/server/api-surveys';
import { requireToken, sessionEnded } from '../surveys/guard.server';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, cookies, url }) => {
  const token = requireToken(locals);
  const t = surveyMessages(locals.lang).admin;
  const listed = await api.listWindows(token);
  if (!listed.ok && listed.status === 401) sessionEnded(cookies, url);
  return {
    t,
    windows: listed.ok ? listed.data.windows : [],
    unit: tokenUnitId(token),
    problem: listed.ok ? null : listed.status === 403 ? t.errors.forbidden : t.errors.unavailable,
    failed: url.searchParams.get('failed'),
  };
};
