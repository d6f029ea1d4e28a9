import { fail, redirect } from '@sveltejs/kit';
import { messages } from '$lib/i18n';
import { accountMessages } from '$lib/i18n-accounts';
import * as api from '$lib/server/api-accounts';
import { requesterHeaders } from '$lib/server/requester';
import { ENROLLMENT_PAGE, endEnrollment, startChallenge, startEnrollment, startSession } from '$lib/server/session';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = ({ locals, url }) => {
  if (locals.sessionToken) redirect(303, '/admin');
  // Back from enrolling a second factor (/admin/accounts/totp): log in again with a code.
  const t = accountMessages(locals.lang);
  const enrolledNotice = url.searchParams.get('enrolled') === '1' ? `${t.enrolled}${t.enrolledLogInAgain}` : null;
  // Back from /login/totp without a valid challenge (timed out, or refused as expired).
  const expiredNotice = url.searchParams.get('expired') === '1' ? t.challengeExpired : null;
  return { t: messages(locals.lang).account, enrolledNotice, expiredNotice };
};

export const actions: Actions = {
  default: async (event) => {
    const { request, cookies, url, locals } = event;
    const t = messages(locals.lang).account;
    const form = await request.formData();
    const username = String(form.get('username') ?? '').trim().slice(0, 64);
    const password = String(form.get('password') ?? '').slice(0, 256);

    const result = await api.login({ username, password }, requesterHeaders(event));
    if (result.ok) {
      // Second factor enrolled: the code comes next, on /login/totp (in AWS, on a first login, after
      // setting up the secret that Cognito handed out).
      if ('mfaRequired' in result.data) {
        startChallenge(cookies, url, result.data.challenge, result.data.setup);
        redirect(303, '/login/totp');
      }
      // An admin role without a second factor gets an enrollment-only token: set the factor up first.
      if (result.data.mfaEnrollmentRequired) {
        startEnrollment(cookies, url, result.data.token, result.data.expiresAt);
        redirect(303, ENROLLMENT_PAGE);
      }
      endEnrollment(cookies, url);
      startSession(cookies, url, result.data.token, result.data.expiresAt);
      // Staff see only their own totals (/me); every other role starts at the admin home.
      redirect(303, result.data.account.role === 'staff' ? '/me' : '/admin');
    }
    if (result.status === 429) {
      // LOCKED_OUT: this username waits a few seconds (at most a minute); otherwise this network is paused.
      const m = accountMessages(locals.lang);
      return fail(429, { username, errors: { username: result.error.error.code === 'LOCKED_OUT' ? m.lockedOut : m.tooManyFromHere } });
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
