import { fail, redirect } from '@sveltejs/kit';
import QRCode from 'qrcode';
import { accountMessages } from '$lib/i18n-accounts';
import * as api from '$lib/server/api-accounts';
import { endSession } from '$lib/server/session';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = ({ locals }) => {
  if (!locals.sessionToken) redirect(303, '/login');
  return { t: accountMessages(locals.lang) };
};

export const actions: Actions = {
  /** A new secret (kept sealed by the API as "pending"), shown once as a QR code and as text. */
  start: async ({ locals, cookies, url }) => {
    const t = accountMessages(locals.lang);
    const token = locals.sessionToken;
    if (!token) redirect(303, '/login');
    const result = await api.startTotpEnrollment(token);
    if (!result.ok) {
      if (result.status === 401) {
        endSession(cookies, url);
        redirect(303, '/login');
      }
      return fail(result.status === 409 ? 409 : 503, { message: result.status === 409 ? t.alreadyEnrolled : t.unavailable });
    }
    const svg = await QRCode.toString(result.data.uri, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
    return { enrollment: { secret: result.data.secret, qr: `data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}` } };
  },
  confirm: async ({ request, locals }) => {
    const t = accountMessages(locals.lang);
    const token = locals.sessionToken;
    if (!token) redirect(303, '/login');
    const code = String((await request.formData()).get('code') ?? '').replace(/\s/g, '').slice(0, 6);
    if (!/^\d{6}$/.test(code)) return fail(400, { errors: { code: t.codeInvalid } });
    const result = await api.confirmTotpEnrollment(token, code);
    if (result.ok) return { enrolled: true };
    if (result.status === 400) return fail(400, { errors: { code: t.codeWrong } });
    return fail(result.status === 409 ? 409 : 503, { message: result.status === 409 ? t.alreadyEnrolled : t.unavailable });
  },
};
