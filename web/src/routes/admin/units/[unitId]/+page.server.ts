import { error, fail, redirect } from '@sveltejs/kit';
import { orgMessages } from '$lib/i18n-org';
import * as api from '$lib/server/api-org';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, params, url, cookies }) => {
  const token = api.requireToken(locals);
  const t = orgMessages(locals.lang);
  const [unit, children, windows, staff, halls] = await Promise.all([
    api.getUnit(token, params.unitId),
    api.listUnitChildren(token, params.unitId),
    api.listUnitWindows(token, params.unitId, url.searchParams.get('windows')),
    api.listUnitStaff(token, params.unitId, url.searchParams.get('staff')),
    api.listUnitHalls(token, params.unitId, url.searchParams.get('halls')),
  ]);
  if (!unit.ok) {
    if (unit.status === 401) api.sessionEnded(cookies, url);
    if (unit.status === 404 || unit.status === 400) error(404, { message: t.errors.notFound });
    if (unit.status === 403) error(403, { message: t.errors.forbidden });
    error(503, { message: t.errors.unavailable });
  }
  return {
    t,
    unit: unit.data,
    children: children.ok ? children.data.units : [],
    windows: windows.ok ? windows.data.windows : [],
    windowsCursor: windows.ok ? (windows.data.cursor ?? null) : null,
    staff: staff.ok ? staff.data.staff : [],
    staffCursor: staff.ok ? (staff.data.cursor ?? null) : null,
    halls: halls.ok ? halls.data.halls : [],
    hallsCursor: halls.ok ? (halls.data.cursor ?? null) : null,
  };
};

type Event = Parameters<Actions[string]>[0];

async function start({ request, locals }: Event) {
  return { token: api.requireToken(locals), e: orgMessages(locals.lang).errors, form: await request.formData() };
}

const text = (form: FormData, name: string, max = 1000) => String(form.get(name) ?? '').slice(0, max);

export const actions: Actions = {
  rename: async (event) => {
    const { token, e, form } = await start(event);
    const values = { name: text(form, 'name') };
    const result = await api.renameUnit(token, event.params.unitId, values.name);
    if (result.ok) redirect(303, event.url.pathname);
    if (result.status === 401) api.sessionEnded(event.cookies, event.url);
    return fail(400, { action: 'rename', values, errors: api.fieldErrors(result, { name: e.required, unitId: e.notFound }, e.unavailable) });
  },
  move: async (event) => {
    const { token, e, form } = await start(event);
    const values = { parentId: text(form, 'parentId', 100).trim() };
    const result = await api.moveUnit(token, event.params.unitId, values.parentId || null);
    if (result.ok) redirect(303, event.url.pathname);
    if (result.status === 401) api.sessionEnded(event.cookies, event.url);
    const errors = api.fieldErrors(result, { parentId: e.parentNotFound, 'parentId.400': e.moveIntoSelf, 'parentId.409': e.parentArchived, unitId: e.notFound }, e.unavailable);
    return fail(400, { action: 'move', values, errors });
  },
  archive: async (event) => {
    const { token, e, form } = await start(event);
    const result = await api.archiveUnit(token, event.params.unitId, form.get('archived') === 'true');
    if (result.ok) redirect(303, event.url.pathname);
    if (result.status === 401) api.sessionEnded(event.cookies, event.url);
    return fail(400, { action: 'archive', values: {}, errors: { form: result.status === 403 ? e.forbidden : e.notFound } });
  },
  window: async (event) => {
    const { token, e, form } = await start(event);
    const values = { name: text(form, 'name'), serviceItems: text(form, 'serviceItems', 10_000) };
    const serviceItems = values.serviceItems.split(/\r?\n/).map((line) => line.trim()).filter(Boolean).map((name) => ({ name }));
    const result = await api.createWindow(token, event.params.unitId, { name: values.name, serviceItems });
    if (result.ok) redirect(303, `/admin/windows/${result.data.code}`);
    if (result.status === 401) api.sessionEnded(event.cookies, event.url);
    const errors = api.fieldErrors(result, { name: e.required, serviceItems: e.tooLong, unitId: e.unitArchived }, e.unavailable);
    return fail(400, { action: 'window', values, errors });
  },
  hall: async (event) => {
    const { token, e, form } = await start(event);
    const values = { name: text(form, 'name'), address: text(form, 'address') };
    const result = await api.createHall(token, event.params.unitId, values);
    if (result.ok) redirect(303, event.url.pathname);
    if (result.status === 401) api.sessionEnded(event.cookies, event.url);
    const errors = api.fieldErrors(result, { name: e.required, address: e.hallAddress, unitId: e.unitArchived }, e.unavailable);
    return fail(400, { action: 'hall', values, errors });
  },
  hallUpdate: async (event) => {
    const { token, e, form } = await start(event);
    const hallId = text(form, 'hallId', 100);
    const values = { name: text(form, 'name'), address: text(form, 'address') };
    const result = await api.updateHall(token, hallId, values);
    if (result.ok) redirect(303, event.url.pathname);
    if (result.status === 401) api.sessionEnded(event.cookies, event.url);
    const errors = api.fieldErrors(result, { name: e.required, address: e.hallAddress, hallId: e.notFound }, e.unavailable);
    // hallId names the hall whose row the errors belong to (the page has one form per hall).
    return fail(400, { action: `hallUpdate:${hallId}`, values, errors: errors.hallId ? { form: errors.hallId } : errors });
  },
  hallArchive: async (event) => {
    const { token, e, form } = await start(event);
    const hallId = text(form, 'hallId', 100);
    const result = await api.archiveHall(token, hallId, form.get('archived') === 'true');
    if (result.ok) redirect(303, event.url.pathname);
    if (result.status === 401) api.sessionEnded(event.cookies, event.url);
    return fail(400, { action: `hallUpdate:${hallId}`, values: {}, errors: { form: result.status === 403 ? e.forbidden : e.notFound } });
  },
  staff: async (event) => {
    const { token, e, form } = await start(event);
    const values = {
      name: text(form, 'name'),
      staffNo: text(form, 'staffNo', 100),
      post: text(form, 'post'),
      duties: text(form, 'duties'),
      pledge: text(form, 'pledge'),
      partyMember: form.get('partyMember') === 'on',
    };
    const result = await api.createStaff(token, event.params.unitId, values);
    if (result.ok) redirect(303, event.url.pathname);
    if (result.status === 401) api.sessionEnded(event.cookies, event.url);
    const errors = api.fieldErrors(
      result,
      { name: e.required, staffNo: e.staffNo, 'staffNo.409': e.staffNoTaken, post: e.required, duties: e.tooLong, pledge: e.tooLong, unitId: e.unitArchived },
      e.unavailable,
    );
    return fail(400, { action: 'staff', values, errors });
  },
};
