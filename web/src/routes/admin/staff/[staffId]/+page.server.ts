import { error, fail, redirect } from '@sveltejs/kit';
import { orgMessages } from '$lib/i18n-org';
import * as api from '$lib/server/api-org';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, params, url, cookies }) => {
  const token = api.requireToken(locals);
  const t = orgMessages(locals.lang);
  const staff = await api.getStaff(token, params.staffId);
  if (!staff.ok) {
    if (staff.status === 401) api.sessionEnded(cookies, url);
    if (staff.status === 404 || staff.status === 400) error(404, { message: t.errors.notFound });
    if (staff.status === 403) error(403, { message: t.errors.forbidden });
    error(503, { message: t.errors.unavailable });
  }
  const [photo, unit] = await Promise.all([api.fetchStaffPhoto(token, params.staffId), api.getUnit(token, staff.data.unitId)]);
  return {
    t,
    staff: staff.data,
    hasPhoto: photo.status === 200,
    /** The staff member's unit and its ancestors, for the breadcrumb (the id alone if it cannot be read). */
    unit: unit.ok ? { id: unit.data.id, name: unit.data.name } : { id: staff.data.unitId, name: staff.data.unitId },
    ancestors: unit.ok ? unit.data.ancestors : [],
  };
};

export const actions: Actions = {
  photo: async ({ request, locals, params, url, cookies }) => {
    const token = api.requireToken(locals);
    const e = orgMessages(locals.lang).errors;
    const form = await request.formData();
    const file = form.get('photo');
    // Checked here too so an oversized upload never travels on to the API.
    if (!(file instanceof File) || file.size === 0 || file.size > 200 * 1024) return fail(400, { action: 'photo', errors: { photo: e.photo } });
    const result = await api.uploadStaffPhoto(token, params.staffId, new Uint8Array(await file.arrayBuffer()));
    if (result.ok) redirect(303, url.pathname);
    if (result.status === 401) api.sessionEnded(cookies, url);
    return fail(400, { action: 'photo', errors: { photo: result.status === 400 ? e.photo : result.status === 403 ? e.forbidden : e.unavailable } });
  },
  save: async ({ request, locals, params, url, cookies }) => {
    const token = api.requireToken(locals);
    const e = orgMessages(locals.lang).errors;
    const form = await request.formData();
    const text = (name: string) => String(form.get(name) ?? '').slice(0, 1000);
    const values = { name: text('name'), post: text('post'), duties: text('duties'), pledge: text('pledge'), partyMember: form.get('partyMember') === 'on' };
    const result = await api.updateStaff(token, params.staffId, values);
    if (result.ok) redirect(303, `/admin/units/${encodeURIComponent(result.data.unitId)}`);
    if (result.status === 401) api.sessionEnded(cookies, url);
    return fail(400, { values, errors: api.fieldErrors(result, { name: e.required, post: e.required, duties: e.tooLong, pledge: e.tooLong }, e.unavailable) });
  },
};
