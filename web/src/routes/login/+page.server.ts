import { fail, redirect } from '@sveltejs/kit';
import { messages } from '$lib/i18n';
import * as api from '$lib/server/api';
import { startSession } from '$lib/server/session';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = ({ locals }) => {
  if (locals.sessionToken) redirect(303, '/admin');
  return { t: messages(locals.lang).account };
};

export const actions: Actions = {
  default: async ({ request, cookies, url, locals }) => {
    const t = messages(locals.lang).account;
    const form = await request.formData();
    const username = String(form.get('username') ?? '').trim().slice(0, 64);
    const password = String(form.get('password') ?? '').slice(0, 256);

    const result = await api.login({ username, password });
    if (result.ok) {
      startSession(cookies, url, result.data.token, result.data.expiresAt);
      redirect(303, '/admin');
    }

    // The password is never sent back into the page.
    if (result.status === 401) return fail(400, { username, errors: { password: t.invalidCredentials } });
    if (result.status === 400) {
      const errors: Record<string, string> = {};
      for (const { field } of result.error.error.issues ?? []) {
        if (field === 'username') errors.username = t.usernameRequired;
        if (field === 'password') errors.password = t.passwordRequired;
      }
      if (Object.keys(errors).length === 0) errors.password = t.invalidCredentials;
      return fail(400, { username, errors });
    }
    return fail(503, { username, errors: {}, message: t.unavailable });
  },
};
