import { error, fail, redirect } from '@sveltejs/kit';
import { orgMessages } from '$lib/i18n-org';
import * as api from '$lib/server/api-org';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, url, cookies }) => {
  const token = api.requireToken(locals);
  const t = orgMessages(locals.lang);
  const tree = await api.getUnitTree(token, url.searchParams.get('cursor'));
  if (!tree.ok) {
    if (tree.status === 401) api.sessionEnded(cookies, url);
    if (tree.status === 403) return { t, units: [], cursor: null, problem: t.errors.forbidden };
    error(503, { message: t.errors.unavailable });
  }
  return { t, units: tree.data.units, cursor: tree.data.cursor ?? null, problem: null };
};

export const actions: Actions = {
  create: async ({ request, locals, cookies, url }) => {
    const token = api.requireToken(locals);
    const e = orgMessages(locals.lang).errors;
    const form = await request.formData();
    const values = {
      id: String(form.get('id') ?? '').trim().slice(0, 100),
      name: String(form.get('name') ?? '').slice(0, 500),
      parentId: String(form.get('parentId') ?? '').trim().slice(0, 100),
    };
    const result = await api.createUnit(token, { ...(values.id ? { id: values.id } : {}), name: values.name, parentId: values.parentId || null });
    if (result.ok) redirect(303, `/admin/units/${encodeURIComponent(result.data.id)}`);
    if (result.status === 401) api.sessionEnded(cookies, url);
    const errors = api.fieldErrors(result, {
      id: e.unitId,
      'id.409': e.unitTaken,
      name: e.required,
      parentId: e.parentNotFound,
      'parentId.409': e.parentArchived,
    }, result.status === 403 ? e.forbidden : e.unavailable);
    return fail(result.status === 503 ? 503 : 400, { values, errors });
  },
};
