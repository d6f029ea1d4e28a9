import { redirect } from '@sveltejs/kit';
import { messages } from '$lib/i18n';
import { logout } from '$lib/server/api-accounts';
import { endEnrollment, endSession, readEnrollmentToken, readSessionToken } from '$lib/server/session';
import type { Actions, PageServerLoad } from './$types';

// Logging out changes state, so it is a POST (the button on /admin); GET only asks.
export const load: PageServerLoad = ({ locals }) => {
  if (!locals.sessionToken) redirect(303, '/login');
  return { t: messages(locals.lang).account };
};

export const actions: Actions = {
  default: async ({ cookies, url }) => {
    // The API ends the account's sessions, so a copied token stops working too, not just this
    // cookie; if it cannot be reached the cookie still goes (and the token expires on its own).
    const token = readSessionToken(cookies) ?? readEnrollmentToken(cookies);
    if (token) await logout(token);
    endSession(cookies, url);
    endEnrollment(cookies, url);
    redirect(303, '/login');
  },
};
