import { error, fail, redirect } from '@sveltejs/kit';
import { orgMessages } from '$lib/i18n-org';
import * as api from '$lib/server/api-org';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, params, url, cookies }) => {
  const token = api.requireToken(locals);
  const t = orgMessages(locals.lang);
  const window = await api.getWindow(token, params.code);
  if (!window.ok) {
    if (window.status === 401) api.sessionEnded(cookies, url);
    if (window.status === 404 || window.status === 400) error(404, { message: t.errors.notFound });
    if (window.status === 403) error(403, { message: t.errors.forbidden });
    error(503, { message: t.errors.unavailable });
  }
  const [staff, halls, unit] = await Promise.all([
    api.listUnitStaff(token, window.data.unitId),
    api.listWindowHalls(token, params.code),
    api.getUnit(token, window.data.unitId),
  ]);
  return {
    t,
    window: window.data,
    /** The window's unit and its ancestors, for the breadcrumb (just the unit if it cannot be read). */
    ancestors: unit.ok ? unit.data.ancestors : [],
    unitStaff: staff.ok ? staff.data.staff : [],
    halls: halls.ok ? halls.data.halls : [],
    currentHall: halls.ok ? halls.data.current : null,
  };
};

export const actions: Actions = {
  update: async ({ request, locals, params, url, cookies }) => {
    const token = api.requireToken(locals);
    const e = orgMessages(locals.lang).errors;
    const form = await request.formData();
    const values = { name: String(form.get('name') ?? '').slice(0, 1000), serviceItems: String(form.get('serviceItems') ?? '').slice(0, 10_000) };
    const serviceItems = values.serviceItems.split(/\r?\n/).map((line) => line.trim()).filter(Boolean).map((name) => ({ name }));
    const result = await api.updateWindow(token, params.code, { name: values.name, serviceItems });
    if (result.ok) redirect(303, url.pathname);
    if (result.status === 401) api.sessionEnded(cookies, url);
    return fail(400, { action: 'update', values, errors: api.fieldErrors(result, { name: e.required, serviceItems: e.tooLong }, e.unavailable) });
  },
  hall: async ({ request, locals, params, url, cookies }) => {
    const token = api.requireToken(locals);
    const e = orgMessages(locals.lang).errors;
    const form = await request.formData();
    const values = { hallId: String(form.get('hallId') ?? '').slice(0, 100) };
    const result = await api.updateWindow(token, params.code, { hallId: values.hallId });
    if (result.ok) redirect(303, url.pathname);
    if (result.status === 401) api.sessionEnded(cookies, url);
    const errors = api.fieldErrors(result, { hallId: e.hallNotFound, 'hallId.409': e.hallArchived, code: e.notFound }, e.unavailable);
    return fail(400, { action: 'hall', values, errors });
  },
  active: async ({ request, locals, params, url, cookies }) => {
    const token = api.requireToken(locals);
    const e = orgMessages(locals.lang).errors;
    const form = await request.formData();
    const result = await api.updateWindow(token, params.code, { active: form.get('active') === 'true' });
    if (result.ok) redirect(303, url.pathname);
    if (result.status === 401) api.sessionEnded(cookies, url);
    return fail(400, { action: 'active', values: {}, errors: { form: result.status === 403 ? e.forbidden : e.unavailable } });
  },
  staff: async ({ request, locals, params, url, cookies }) => {
    const token = api.requireToken(locals);
    const e = orgMessages(locals.lang).errors;
    const form = await request.formData();
    const staffIds = form.getAll('assigned').map(String).slice(0, 50);
    // On duty implies assigned: ticking only "on duty" assigns the person as well.
    const onDutyIds = form.getAll('onDuty').map(String).slice(0, 50);
    const result = await api.setWindowStaff(token, params.code, { staffIds: [...new Set([...staffIds, ...onDutyIds])], onDutyIds });
    if (result.ok) redirect(303, url.pathname);
    if (result.status === 401) api.sessionEnded(cookies, url);
    return fail(400, { action: 'staff', values: {}, errors: { form: result.status === 403 ? e.forbidden : e.invalid } });
  },
};
