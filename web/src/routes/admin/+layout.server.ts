import { error, redirect } from '@sveltejs/kit';
import { messages } from '$lib/i18n';
import { getSession } from '$lib/server/api-accounts';
import { ENROLLMENT_PAGE, endSession } from '$lib/server/session';
import type { LayoutServerLoad } from './$types';

/**
 * The admin shell: who is signed in and what the role may use, from the API (GET /api/auth/session),
 * on every admin page, so a changed role or scope shows on the next page and an ended session goes
 * back to the login page.
 */
export const load: LayoutServerLoad = async ({ locals, cookies, url }) => {
  const token = locals.sessionToken;
  // Setting up the second factor (an enrollment-only token, hooks.server.ts): no session yet, so
  // no shell; the page itself checks its token.
  if (!token && url.pathname === ENROLLMENT_PAGE) return { session: null };
  if (!token) redirect(303, '/login');
  const session = await getSession(token);
  if (!session.ok) {
    if (session.status === 401 || session.status === 403) {
      endSession(cookies, url);
      redirect(303, '/login');
    }
    const { errors, account } = messages(locals.lang);
    error(503, { message: errors.errorTitle, hint: account.unavailable });
  }
  return { session: session.data };
};
