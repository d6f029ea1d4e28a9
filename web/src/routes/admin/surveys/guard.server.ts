import { redirect, type Cookies } from '@sveltejs/kit';
import { endSession } from '$lib/server/session';

/** The session token, or off to the login page. */
export function requireToken(locals: App.Locals): string {
  if (!locals.sessionToken) redirect(303, '/login');
  return locals.sessionToken;
}

/** A 401 from the API ends the session. */
export function sessionEnded(cookies: Cookies, url: URL): never {
  endSession(cookies, url);
  redirect(303, '/login');
}
