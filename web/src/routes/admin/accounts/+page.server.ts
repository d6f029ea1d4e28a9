import { error, fail, redirect } from '@sveltejs/kit';
import { Role } from '#shared/contracts/auth.js';
import { accountMessages, type AccountMessages } from '$lib/i18n-accounts';
import * as api from '$lib/server/api-accounts';
import { endSession } from '$lib/server/session';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, cookies, url }) => {
  const token = locals.sessionToken;
  if (!token) redirect(303, '/login');
  const t = accountMessages(locals.lang);
  const listed = await api.listAccounts(token);
  if (!listed.ok) {
    if (listed.status === 401) {
      endSession(cookies, url);
      redirect(303, '/login');
    }
    if (listed.status === 403) return { t, accounts: [], forbidden: true, roles: Role.options };
    error(503, { message: t.unavailable });
  }
  return { t, accounts: listed.data.accounts, forbidden: false, roles: Role.options };
};

/** API field issues → Chinese messages next to the fields. */
function fieldErrors(t: AccountMessages, issues: { field: string; message: string }[] | undefined): Record<string, string> {
  const errors: Record<string, string> = {};
  for (const { field, message } of issues ?? []) {
    if (field === 'personId' || (field === 'role' && /already holds/.test(message))) errors[field] = t.fieldErrors.personConflict;
    else if (field === 'username' && /own/.test(message)) errors.username = t.fieldErrors.self;
    else if (field in t.fieldErrors) errors[field] = t.fieldErrors[field as keyof AccountMessages['fieldErrors']];
    else errors.form = t.unavailable;
  }
  return errors;
}

const text = (form: FormData, name: string, max = 256) => String(form.get(name) ?? '').trim().slice(0, max);

export const actions: Actions = {
  create: async ({ request, locals }) => {
    const t = accountMessages(locals.lang);
    const token = locals.sessionToken;
    if (!token) redirect(303, '/login');
    const form = await request.formData();
    const values = { username: text(form, 'username', 64), displayName: text(form, 'displayName', 80), personId: text(form, 'personId', 64), role: text(form, 'role', 32), unitId: text(form, 'unitId', 64) };
    const password = String(form.get('password') ?? '').slice(0, 256);
    const result = await api.createAccount(token, { ...values, role: values.role as Role, password });
    if (result.ok) return { created: result.data.username };
    if (result.status === 400 || result.status === 409) return fail(400, { create: { values, errors: fieldErrors(t, result.error.error.issues) } });
    return fail(result.status === 403 ? 403 : 503, { create: { values, errors: { form: result.status === 403 ? t.forbidden : t.unavailable } } });
  },
  update: async ({ request, locals }) => {
    const t = accountMessages(locals.lang);
    const token = locals.sessionToken;
    if (!token) redirect(303, '/login');
    const form = await request.formData();
    const username = text(form, 'username', 64);
    const result = await api.updateAccount(token, username, {
      role: text(form, 'role', 32) as Role,
      unitId: text(form, 'unitId', 64),
      ...(form.has('disabled') ? { disabled: form.get('disabled') === 'true' } : {}),
    });
    if (result.ok) return { saved: username };
    return fail(400, { row: { username, errors: fieldErrors(t, result.error.error.issues) } });
  },
  reset: async ({ request, locals }) => {
    const t = accountMessages(locals.lang);
    const token = locals.sessionToken;
    if (!token) redirect(303, '/login');
    const form = await request.formData();
    const username = text(form, 'username', 64);
    const result = await api.resetAccountPassword(token, username, {
      password: String(form.get('password') ?? '').slice(0, 256),
      resetSecondFactor: form.get('resetSecondFactor') === 'on',
    });
    if (result.ok) return { saved: username };
    return fail(400, { row: { username, errors: fieldErrors(t, result.error.error.issues) } });
  },
};
