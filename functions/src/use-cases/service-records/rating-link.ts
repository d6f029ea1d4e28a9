import { randomBytes } from 'node:crypto';
import type { IssuedRatingLink } from '#shared/contracts/rating-links.js';
import { LINK_KEEP_DAYS, type RatingLinkStore } from '../../data/rating-links.js';
import type { ServiceRecord } from '../../data/service-records.js';
import { DEFAULT_BASE_URL } from '../posters/posters.js';
import { qrPng, qrSvg } from '../posters/poster-render.js';
import { ratingLinkHash } from '../rating-links/rate-by-link.js';

/**
 * 一次一评 links of pushed 办件 (issue 13 §1, docs/decisions/0020-one-time-rating-links.md): a
 * 128-bit token per newly stored record served at a window, in the answer of that push only. The
 * record does not know its link and the store keeps only the token's hash, so a link is shown once:
 * re-pushing the same record (`unchanged`) issues none.
 */

/** 补评: days after 办结 a resident may still rate the 办件 (the per-unit setting is not built yet). */
export const SUPPLEMENT_DAYS = 7;
const DAY_MS = 86_400_000;
const IN_FLIGHT = 16;

export interface IssueLinkDeps {
  ratingLinks: Pick<RatingLinkStore, 'issue'>;
  /** Base of the resident page URL (as in QR posters); tests leave it out. */
  publicBaseUrl?: string | undefined;
}

/** The resident page of a token: /r/{token}. */
export function ratingLinkUrl(baseUrl: string | undefined, token: string): string {
  return `${(baseUrl ?? DEFAULT_BASE_URL).replace(/\/+$/, '')}/r/${token}`;
}

/**
 * A link for a record just stored, or none for online 办件 (no window; decision 0020). A record
 * pushed after its 补评 period still gets one: the page then says 评价期已过, as an SMS sent late would. `withQr`: the QR as SVG and PNG too
 * (single-record pushes; 500 of them would make a batch answer megabytes).
 */
export async function issueServiceRecordLink(deps: IssueLinkDeps, record: ServiceRecord, withQr: boolean): Promise<IssuedRatingLink | undefined> {
  if (!record.windowCode) return undefined;
  const openUntil = new Date(new Date(record.finishedAt).getTime() + SUPPLEMENT_DAYS * DAY_MS);
  const token = randomBytes(16).toString('base64url');
  await deps.ratingLinks.issue({
    tokenHash: ratingLinkHash(token),
    purpose: 'service-record',
    unitId: record.unitId,
    windowCode: record.windowCode,
    ...(record.staffNo ? { staffNo: record.staffNo } : {}),
    projNo: record.projNo,
    serviceItem: record.serviceItem,
    openUntil: openUntil.toISOString(),
    state: 'open',
    // From the period's end, not from any use: the item's TTL tells nothing about when it was used.
    expiresAt: Math.ceil((openUntil.getTime() + LINK_KEEP_DAYS * DAY_MS) / 1000),
  });
  const url = ratingLinkUrl(deps.publicBaseUrl, token);
  return { url, openUntil: openUntil.toISOString(), ...(withQr ? { qrSvg: await qrSvg(url), qrPng: (await qrPng(url)).toString('base64') } : {}) };
}

/** Links for the records a push stored now, on their answer rows; a few at a time. */
export async function attachRatingLinks(deps: IssueLinkDeps, outcomes: { record?: ServiceRecord; ratingLink?: IssuedRatingLink }[], options: { withQr: boolean }): Promise<void> {
  const stored = outcomes.filter((outcome) => outcome.record);
  for (let start = 0; start < stored.length; start += IN_FLIGHT) {
    await Promise.all(
      stored.slice(start, start + IN_FLIGHT).map(async (outcome) => {
        const link = await issueServiceRecordLink(deps, outcome.record!, options.withQr);
        if (link) outcome.ratingLink = link;
      }),
    );
  }
}
