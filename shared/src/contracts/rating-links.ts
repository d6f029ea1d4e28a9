import * as z from 'zod';
import { ErrorBody } from './errors.js';
import type { Operation } from './operation.js';
import { RatingCreated, SubmitRatingInput } from './rating.js';
import { WindowCard } from './window-card.js';

/**
 * One-time rating links (一次一评 of a 办件, issue 13 §1; docs/decisions/0020-one-time-rating-links.md).
 * The token is a bearer credential: it travels in JSON bodies only, never in an API path or query,
 * so API Gateway's access logs never hold it.
 */

/** 128 random bits in base64url: 22 characters. */
export const RatingLinkToken = z
  .string()
  .regex(/^[A-Za-z0-9_-]{22}$/, 'must be a rating link token')
  .meta({ description: 'The token of the link (/r/{token}): 128 random bits, base64url', example: 'q3X0b9kT2mYl7vR1sN8wCg' });

export const RatingLinkLookup = z.strictObject({ token: RatingLinkToken }).meta({ id: 'RatingLinkLookup' });

/** What the resident sees: the 办件's service item and the card of the window that served it (its survey). */
export const RatingLinkView = z
  .object({
    serviceItem: z.string().meta({ description: '办理事项 of the 办件' }),
    openUntil: z.string().meta({ description: 'The last instant a rating is accepted (UTC ISO)' }),
    window: WindowCard,
  })
  .meta({ id: 'RatingLinkView' });
export type RatingLinkView = z.infer<typeof RatingLinkView>;

// The link fixes the window, the service item and who is rated; the rest is what a window rating holds.
const { windowCode: _window, serviceItem: _item, staffId: _staff, ...ratingFields } = SubmitRatingInput.shape;

/**
 * A rating through a link. The body schema names the fields; the use case then checks the rating
 * with SubmitRatingInput's own rules (差评 reasons, consent, survey version), so issues name the same fields.
 */
export const SubmitLinkRatingInput = z
  .strictObject({
    token: RatingLinkToken,
    ...ratingFields,
    rates: z
      .strictObject({ windowCode: SubmitRatingInput.shape.windowCode, serviceItem: z.string().min(1).max(200) })
      .optional()
      .meta({
        description:
          'What the lookup answered this link rates (its window’s code and the 办件’s service item), echoed back as the resident page does: the rating then needs no read of the link, and its transaction checks that the link still rates exactly this (else 404, as an unknown link). Without it the link is read first.',
      }),
  })
  .meta({ id: 'SubmitLinkRatingInput', examples: [{ token: 'q3X0b9kT2mYl7vR1sN8wCg', level: 5, indicators: { efficiency: 5, competence: 5, attitude: 5 } }] });
export type SubmitLinkRatingInput = z.infer<typeof SubmitLinkRatingInput>;

/** What a push answers for a record that got a link (with `issueLink=true`). */
export const IssuedRatingLink = z
  .object({
    url: z.string().meta({ description: 'The resident page /r/{token}; shown once, never answered again (re-push: no new link)' }),
    openUntil: z.string().meta({ description: 'UTC ISO: the end of the 补评 period (finishedAt + the unit’s days, default 7)' }),
    qrSvg: z.string().optional().meta({ description: 'The QR of the url as SVG; in the answer of a single-record push only' }),
    qrPng: z.string().optional().meta({ description: 'The same QR as a PNG (600 px), base64; in the answer of a single-record push only' }),
  })
  .meta({ id: 'IssuedRatingLink' });
export type IssuedRatingLink = z.infer<typeof IssuedRatingLink>;

const badRequest = { description: 'Invalid input; the message names the field', schema: ErrorBody };
const notFound = { description: 'No such link (never issued, or purged)', schema: ErrorBody };
const used = { description: '本次办件已评价: the link was used; nothing written', schema: ErrorBody };
const expired = { description: '评价期已过: the 补评 period is over; nothing written', schema: ErrorBody };

export const ratingLinkOperations = {
  viewRatingLink: {
    method: 'POST',
    path: '/api/public/rating-links/lookup',
    summary: 'What a one-time rating link rates: the 办件’s service item, the window card and its survey',
    description: 'POST so that the token (a bearer credential) is in the body, never in a logged path or query.',
    tag: 'public',
    auth: 'none',
    body: RatingLinkLookup,
    responses: { 200: { description: 'The link is open', schema: RatingLinkView }, 400: badRequest, 404: notFound, 409: used, 410: expired },
  },
  submitLinkRating: {
    method: 'POST',
    path: '/api/public/rating-links/ratings',
    summary: 'Rate a 办件 through its one-time link (一次一评): the link is consumed in the rating’s own transaction',
    description:
      'Stored exactly once, with channel service-record, counted in the window’s per-channel totals. The rating holds nothing of the link ' +
      'or the 办件 (no token, no 办件编号, no phone); the used link keeps no time. A used link answers 409 (本次办件已评价), an expired one 410 (评价期已过).',
    tag: 'public',
    auth: 'none',
    body: SubmitLinkRatingInput,
    responses: {
      // No Idempotency-Key: the link is the claim. A retry after a committed rating is told 本次办件已评价, which is true.
      201: { description: 'Stored', schema: RatingCreated },
      400: badRequest,
      404: notFound,
      409: { description: '本次办件已评价, or the window is not collecting ratings; nothing written', schema: ErrorBody },
      410: expired,
      413: { description: 'Body over 16 KB', schema: ErrorBody },
      415: { description: 'Body is not application/json', schema: ErrorBody },
      503: { description: 'The window is very busy: the rating met others on its totals after retries; nothing stored, send it again', schema: ErrorBody },
    },
  },
} as const satisfies Record<string, Operation>;
