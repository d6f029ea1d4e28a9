import type { Cookies } from '@sveltejs/kit';
import { isBadRating, isRatingLevel } from '#shared/domain/rating-level.js';

/**
 * How the thanks page learns that it should tell a 差评 rater what happens next, without the level
 * in the URL or on the page: the rating action leaves a one-shot cookie scoped to this window's
 * thanks page, and the page's load reads and deletes it. The cookie says only "add the follow-up
 * note": no level, no id, nothing the server keeps, and it lapses within a minute if the thanks
 * page is never opened. A reload of the thanks page shows the ordinary receipt.
 */
const COOKIE = 'followup';
const LIFETIME_SECONDS = 60;

const thanksPath = (code: string) => `/w/${encodeURIComponent(code)}/thanks`;

/** After an accepted rating: leave the note for the thanks page when the level was 不满意 or 非常不满意. */
export function noteFollowUp(cookies: Cookies, code: string, level: string, secure: boolean): void {
  const value = Number(level);
  if (!isRatingLevel(value) || !isBadRating(value)) return;
  cookies.set(COOKIE, '1', { path: thanksPath(code), maxAge: LIFETIME_SECONDS, sameSite: 'strict', httpOnly: true, secure });
}

/** On the thanks page: whether the note is there, taking it away so that it is shown once. */
export function takeFollowUp(cookies: Cookies, code: string, secure: boolean): boolean {
  if (cookies.get(COOKIE) === undefined) return false;
  cookies.delete(COOKIE, { path: thanksPath(code), sameSite: 'strict', httpOnly: true, secure });
  return true;
}
