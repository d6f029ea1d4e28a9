import { fail, redirect } from '@sveltejs/kit';
import { accountMessages } from '$lib/i18n-accounts';
import * as api from '$lib/server/api-accounts';
import { totpQrDataUrl } from '$lib/server/totp-qr';
import { endChallenge, endEnrollment, readChallenge, readSetup, startSession } from '$lib/server/session';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, cookies }) => {
  // Without JavaScript the page is loaded again after a refused challenge (its cookie is gone by
  // then): say why on the login page instead of dropping the message.
  if (!readChallenge(cookies)) redirect(303, '/login?expired=1');
  const setup = readSetup(cookies);
  if (!setup) return { t: accountMessages(locals.lang), setup: null };
  return { t: accountMessages(locals.lang), setup: { secret: setup.secret, qr: await totpQrDataUrl(setup.uri) } };
};

export const actions: Actions = {
  default: async ({ request, cookies, url, locals }) => {
    const t = accountMessages(locals.lang);
    const challenge = readChallenge(cookies);
    if (!challenge) redirect(303, '/login');
    const code = String((await request.formData()).get('code') ?? '').replace(/\s/g, '').slice(0, 6);
    if (!/^\d{6}$/.test(code)) return fail(400, { errors: { code: t.codeInvalid } });

    const result = await api.loginTotp(challenge, code);
    if (result.ok) {
      endChallenge(cookies, url);
      endEnrollment(cookies, url);
      startSession(cookies, url, result.data.token, result.data.expiresAt);
      redirect(303, '/admin');
    }
    if (result.status === 429) {
      endChallenge(cookies, url);
      return fail(429, { errors: { code: t.lockedOut } });
    }
    const field = result.error.error.issues?.[0]?.field;
    if (result.status === 401 && field === 'challenge') {
      endChallenge(cookies, url);
      return fail(400, { errors: { code: t.challengeExpired } });
    }
    if (result.status === 401 || result.status === 400) return fail(400, { errors: { code: t.codeWrong } });
    return fail(503, { errors: { code: t.unavailable } });
  },
};
