import { fail, redirect } from '@sveltejs/kit';
import { accountMessages } from '$lib/i18n-accounts';
import { totpQrDataUrl } from '$lib/server/totp-qr';
import * as api from '$lib/server/api-accounts';
import { endEnrollment, endSession, readEnrollmentToken } from '$lib/server/session';
import type { Actions, PageServerLoad, RequestEvent } from './$types';

/**
 * Enrollment of the caller's own second factor. Reached with a session (any role may add a
 * factor), or — for an admin role without one — with the enrollment-only token from the login,
 * the only page that token opens. After enrolling with that token the person logs in again
 * (/login?enrolled=1 says so).
 */
function credential({ locals, cookies }: Pick<RequestEvent, 'locals' | 'cookies'>): { token: string; enrollmentOnly: boolean } | undefined {
  if (locals.sessionToken) return { token: locals.sessionToken, enrollmentOnly: false };
  const token = readEnrollmentToken(cookies);
  return token ? { token, enrollmentOnly: true } : undefined;
}

function signedOut({ cookies, url }: Pick<RequestEvent, 'cookies' | 'url'>): never {
  endSession(cookies, url);
  endEnrollment(cookies, url);
  redirect(303, '/login');
}

export const load: PageServerLoad = (event) => {
  const held = credential(event);
  if (!held) redirect(303, '/login');
  return { t: accountMessages(event.locals.lang), enrollmentOnly: held.enrollmentOnly };
};

export const actions: Actions = {
  /** A new secret (kept sealed by the API as "pending"), shown once as a QR code and as text. */
  start: async (event) => {
    const t = accountMessages(event.locals.lang);
    const held = credential(event);
    if (!held) redirect(303, '/login');
    const result = await api.startTotpEnrollment(held.token);
    if (!result.ok) {
      if (result.status === 401) signedOut(event);
      return fail(result.status === 409 ? 409 : 503, { message: result.status === 409 ? t.alreadyEnrolled : t.unavailable });
    }
    return { enrollment: { secret: result.data.secret, qr: await totpQrDataUrl(result.data.uri) } };
  },
  confirm: async (event) => {
    const t = accountMessages(event.locals.lang);
    const held = credential(event);
    if (!held) redirect(303, '/login');
    const code = String((await event.request.formData()).get('code') ?? '').replace(/\s/g, '').slice(0, 6);
    if (!/^\d{6}$/.test(code)) return fail(400, { errors: { code: t.codeInvalid } });
    const result = await api.confirmTotpEnrollment(held.token, code);
    if (result.ok) {
      // The enrollment-only token has done its job: a working session needs a login with a code.
      if (held.enrollmentOnly) {
        endEnrollment(event.cookies, event.url);
        redirect(303, '/login?enrolled=1');
      }
      return { enrolled: true };
    }
    if (result.status === 401) signedOut(event);
    if (result.status === 400) return fail(400, { errors: { code: t.codeWrong } });
    return fail(result.status === 409 ? 409 : 503, { message: result.status === 409 ? t.alreadyEnrolled : t.unavailable });
  },
};
