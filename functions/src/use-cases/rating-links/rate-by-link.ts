import { createHash } from 'node:crypto';
import { toFieldIssues } from '#shared/contracts/errors.js';
import { SubmitRatingInput } from '#shared/contracts/rating.js';
import type { RatingLinkView, SubmitLinkRatingInput } from '#shared/contracts/rating-links.js';
import { RatingLinkExpiredError, RatingLinkUnknownError, RatingLinkUsedError, type OpenRatingLink, type RatingLinkStore } from '../../data/rating-links.js';
import { NotFoundError, RatingLinkExpiredAppError, RatingLinkUsedAppError, ValidationError } from '../../errors.js';
import { getWindowCard, type GetWindowCardDeps } from '../get-window-card.js';
import { submitRating, type SubmitRatingDeps } from '../submit-rating.js';

/**
 * The resident's side of a one-time rating link (decision 0020): what it rates, and the rating
 * itself, which goes through the window rating's own validation, totals and transaction
 * (submitRating) with the link's consumption added to that transaction.
 */
export type RatingLinkDeps = SubmitRatingDeps & GetWindowCardDeps & { ratingLinks: Pick<RatingLinkStore, 'get'> };

/** The store keys a link by this, never by the token: a table read gives no usable link. */
export const ratingLinkHash = (token: string): string => createHash('sha256').update(token).digest('hex');

type WindowLink = OpenRatingLink & { windowCode: string; serviceItem: string };

/**
 * The link as it is now. This read only picks the answer for a link that is plainly used or over;
 * the rating's transaction checks the same conditions again and is what decides.
 */
async function openLink(deps: Pick<RatingLinkDeps, 'ratingLinks'>, tokenHash: string, now: Date): Promise<WindowLink> {
  const link = await deps.ratingLinks.get(tokenHash);
  if (!link) throw new NotFoundError('token', 'rating link');
  if (link.state === 'used') throw new RatingLinkUsedAppError();
  if (link.openUntil < now.toISOString()) throw new RatingLinkExpiredAppError();
  // Links are issued for 办件 served at a window only (online 办件: not yet, decision 0020); an
  // invitation of a 阳光测评 round is answered at /s/{token}, never here.
  if (link.purpose !== 'service-record' || !link.windowCode || link.serviceItem === undefined) throw new NotFoundError('token', 'rating link');
  return link as WindowLink;
}

export async function viewRatingLink(deps: Pick<RatingLinkDeps, 'ratingLinks' | 'windowViews' | 'units' | 'surveys' | 'now'>, token: string): Promise<RatingLinkView> {
  const link = await openLink(deps, ratingLinkHash(token), deps.now());
  const window = await getWindowCard(deps, link.windowCode);
  // The 办件 was served by whoever was on duty then: today's duty roster says nothing about it.
  return { serviceItem: link.serviceItem, openUntil: link.openUntil, window: { ...window, staffOnDuty: [] } };
}

export async function submitLinkRating(deps: RatingLinkDeps, body: SubmitLinkRatingInput): Promise<{ id: string }> {
  const { token, rates, ...answers } = body;
  const tokenHash = ratingLinkHash(token);
  // The resident page echoes what the lookup answered: no read of the link (the rating's
  // transaction checks that the link still rates exactly this, open and in its period).
  const link = rates ?? (await openLink(deps, tokenHash, deps.now()));
  // The 办件's service item counts in the breakdown only if it is one of the window's items: the
  // business system's spelling of anything else would split the report into spellings.
  const window = await deps.windows.get(link.windowCode);
  // An echo naming no window is no link of one (as one naming another window: 404 token).
  if (rates && !window) throw new NotFoundError('token', 'rating link');
  const item = window?.serviceItems?.some((each) => each.name === link.serviceItem) ? { serviceItem: link.serviceItem } : {};
  // The window rating's own rules (差评 reasons, consent, survey version), so issues name the same fields.
  const parsed = SubmitRatingInput.safeParse({ ...answers, windowCode: link.windowCode, ...item });
  if (!parsed.success) {
    const issues = toFieldIssues(parsed.error);
    throw new ValidationError(issues.map((issue) => issue.message).join('; '), { issues });
  }
  try {
    // No burst watch: the link is the claim (one 办件, one rating), so a burst of link ratings is
    // many real 办件, not stuffing — and the route holds no grant on the hour counts (route-access.ts).
    const { id } = await submitRating({ ...deps, burst: undefined }, parsed.data, { link: { tokenHash, rates } });
    return { id };
  } catch (error) {
    if (error instanceof RatingLinkUsedError) throw new RatingLinkUsedAppError({ cause: error });
    if (error instanceof RatingLinkExpiredError) throw new RatingLinkExpiredAppError({ cause: error });
    if (error instanceof RatingLinkUnknownError) throw new NotFoundError('token', 'rating link');
    throw error;
  }
}
