import * as z from 'zod';
import type { Cookies } from '@sveltejs/kit';

/**
 * The admin session is the API's bearer token in an HttpOnly cookie: the browser never sees it
 * from JavaScript, and the server passes it on as `Authorization: Bearer …`. Whether it is still
 * valid is the API's decision; a 401 from the API ends the session (see requireSession callers).
 */
export const SESSION_COOKIE = 'manyi_session';

export function readSessionToken(cookies: Cookies): string | undefined {
  return cookies.get(SESSION_COOKIE) || undefined;
}

export function startSession(cookies: Cookies, url: URL, token: string, expiresAt: string, now: Date = new Date()): void {
  const seconds = Math.floor((Date.parse(expiresAt) - now.getTime()) / 1000);
  cookies.set(SESSION_COOKIE, token, {
    path: '/',
    httpOnly: true,
    sameSite: 'lax',
    secure: url.protocol === 'https:',
    // A token without a parseable expiry still gets a short cookie rather than a permanent one.
    maxAge: Number.isFinite(seconds) && seconds > 0 ? seconds : 3600,
  });
}

export function endSession(cookies: Cookies, url: URL): void {
  cookies.delete(SESSION_COOKIE, { path: '/', httpOnly: true, sameSite: 'lax', secure: url.protocol === 'https:' });
}

/**
 * Between the password and the TOTP code: the API's short-lived challenge (5 minutes), in an
 * HttpOnly cookie limited to /login, never in the page or the URL.
 */
export const CHALLENGE_COOKIE = 'manyi_mfa';

/** AWS, first login (Cognito MFA_SETUP): the new TOTP secret, shown on /login/totp until the code confirms it. */
export const SETUP_COOKIE = 'manyi_mfa_setup';

const TotpSetup = z.object({ secret: z.string(), uri: z.string() });
export type TotpSetup = z.infer<typeof TotpSetup>;

export function startChallenge(cookies: Cookies, url: URL, challenge: string, setup?: TotpSetup): void {
  const options = { path: '/login', httpOnly: true, sameSite: 'strict', secure: url.protocol === 'https:', maxAge: 300 } as const;
  cookies.set(CHALLENGE_COOKIE, challenge, options);
  if (setup) cookies.set(SETUP_COOKIE, JSON.stringify({ secret: setup.secret, uri: setup.uri }), options);
  else cookies.delete(SETUP_COOKIE, options);
}

export function readChallenge(cookies: Cookies): string | undefined {
  return cookies.get(CHALLENGE_COOKIE) || undefined;
}

export function readSetup(cookies: Cookies): TotpSetup | undefined {
  const value = cookies.get(SETUP_COOKIE);
  if (!value) return undefined;
  try {
    return TotpSetup.safeParse(JSON.parse(value)).data;
  } catch {
    return undefined; // not JSON: not ours
  }
}

export function endChallenge(cookies: Cookies, url: URL): void {
  const options = { path: '/login', httpOnly: true, sameSite: 'strict', secure: url.protocol === 'https:' } as const;
  cookies.delete(CHALLENGE_COOKIE, options);
  cookies.delete(SETUP_COOKIE, options);
}

/**
 * An enrollment-only token (an admin role without a second factor yet): the API accepts it on the
 * TOTP enrollment routes only, so it is kept apart from the session. While it is the only
 * credential, every /admin page redirects to /admin/accounts/totp (hooks.server.ts).
 */
export const ENROLLMENT_COOKIE = 'manyi_enroll';
export const ENROLLMENT_PAGE = '/admin/accounts/totp';

export function startEnrollment(cookies: Cookies, url: URL, token: string, expiresAt: string, now: Date = new Date()): void {
  const seconds = Math.floor((Date.parse(expiresAt) - now.getTime()) / 1000);
  cookies.set(ENROLLMENT_COOKIE, token, {
    path: '/',
    httpOnly: true,
    sameSite: 'lax',
    secure: url.protocol === 'https:',
    maxAge: Number.isFinite(seconds) && seconds > 0 ? Math.min(seconds, 1800) : 1800,
  });
}

export function readEnrollmentToken(cookies: Cookies): string | undefined {
  return cookies.get(ENROLLMENT_COOKIE) || undefined;
}

export function endEnrollment(cookies: Cookies, url: URL): void {
  cookies.delete(ENROLLMENT_COOKIE, { path: '/', httpOnly: true, sameSite: 'lax', secure: url.protocol === 'https:' });
}
