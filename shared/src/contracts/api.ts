import * as z from 'zod';
import { LoginInput } from './auth.js';
import { LoginAnswer } from './accounts-schemas.js';
import { ErrorBody } from './errors.js';
import { idempotencyKeyHeader, RatingCreated, SubmitRatingInput } from './rating.js';
import { SatisfactionQuery, SatisfactionResult } from './results.js';
import { WindowCard, WindowCode } from './window-card.js';
import { orgOperations } from './ops-org.js';
import { accountOperations } from './ops-accounts.js';
import { surveyOperations } from './ops-surveys.js';
import { reportOperations } from './ops-reports.js';
import { exportOperations } from './ops-reports.js';
import { samplingOperations } from './ops-sampling.js';
import { invitationOperations } from './sampling/invitations.js';
import { roundResultOperations } from './sampling/results.js';
import { roundResultExportOperations } from './sampling/results-export.js';
import { roundOperations } from './sampling/ops-rounds.js';
import { publishedRoundOperations } from './sampling/published.js';
import { serviceRecordOperations } from './service-records/ops.js';
import { ratingLinkOperations } from './rating-links.js';
import { campaignOperations } from './appraisal/ops-campaigns.js';
import { ballotOperations, tallyOperations } from './appraisal/ballots.js';
import { ownAppraisalOperations } from './appraisal/own.js';
import { caseOperations } from './cases/cases.js';
import { caseDeadlineOperations } from './cases/deadlines.js';
import { accountabilityOperations } from './cases/accountability.js';
import { recoveryOperations } from './cases/recovery.js';
import { mailboxOperations } from './cases/mailbox.js';

export type { Operation } from './operation.js';
import type { Operation } from './operation.js';

export const Health = z.object({ ok: z.literal(true) }).meta({ id: 'Health', examples: [{ ok: true }] });

export const WindowSummary = z
  .object({ code: z.string(), name: z.string(), unitName: z.string(), hallName: z.string() })
  .meta({ id: 'WindowSummary' });
export const WindowList = z
  .object({
    windows: z.array(WindowSummary),
    cursor: z.string().optional().meta({ description: 'Pass as `cursor` for the next page; absent on the last page' }),
  })
  .meta({ id: 'WindowList' });
export type WindowList = z.infer<typeof WindowList>;

/** Query of GET /api/windows: one page of the caller's windows (default and maximum 1,000). */
export const WindowListPageQuery = z
  .strictObject({
    limit: z.coerce.number().int().min(1).max(1000).optional(),
    cursor: z.string().min(1).max(2048).optional(),
  })
  .meta({ id: 'WindowListPageQuery' });
export type WindowListPageQuery = z.infer<typeof WindowListPageQuery>;

/** Path parameters of GET /api/public/windows/{code}. */
export const WindowCardParams = z.object({ code: WindowCode }).meta({ id: 'WindowCardParams' });

/** Path parameters of GET /api/public/windows/{code}/staff/{staffId}/photo (亮身份 photo). */
export const WindowStaffPhotoParams = z
  .strictObject({ code: WindowCode, staffId: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be a staff id') })
  .meta({ id: 'WindowStaffPhotoParams' });

const badRequest = { description: 'Invalid input; the message names the field', schema: ErrorBody };
const unauthorized = { description: 'Missing, invalid or expired bearer token', schema: ErrorBody };

/** Operations of the foundation: health, OpenAPI, the resident flow, login and window results. */
export const coreOperations = {
  health: {
    method: 'GET',
    path: '/api/health',
    summary: 'Liveness check',
    tag: 'meta',
    auth: 'none',
    responses: { 200: { description: 'The API is up', schema: Health } },
  },
  openapi: {
    method: 'GET',
    path: '/api/openapi.json',
    summary: 'This OpenAPI 3.1 document, generated from the zod contracts',
    tag: 'meta',
    auth: 'none',
    responses: { 200: { description: 'OpenAPI 3.1 document' } },
  },
  getWindowCard: {
    method: 'GET',
    path: '/api/public/windows/{code}',
    summary: 'Window card (亮身份、亮岗位、亮职责、亮承诺) and the survey version to show',
    tag: 'public',
    auth: 'none',
    params: WindowCardParams,
    responses: {
      200: { description: 'The window card', schema: WindowCard },
      400: badRequest,
      404: { description: 'No window has this code', schema: ErrorBody },
    },
  },
  getWindowStaffPhoto: {
    method: 'GET',
    path: '/api/public/windows/{code}/staff/{staffId}/photo',
    summary: 'Photo of a staff member on duty at an active window (亮身份), as the image itself',
    description:
      'Only while the person is on duty at this window and the window is active; anything else (unknown window or person, ' +
      'off duty, deactivated window, no photo) is 404. Content-Type is the type recognised from the bytes when the photo was stored.',
    tag: 'public',
    auth: 'none',
    params: WindowStaffPhotoParams,
    responses: {
      200: { description: 'image/jpeg, image/png or image/webp; cached briefly (Cache-Control max-age=60)' },
      400: badRequest,
      404: { description: 'No such photo of a staff member on duty at this window', schema: ErrorBody },
    },
  },
  submitRating: {
    method: 'POST',
    path: '/api/public/ratings',
    summary: 'Submit one rating of a window (一次一评)',
    description:
      'Stores the rating exactly once and counts it in the running totals of its window and China-time day. ' +
      'A contact phone is stored only encrypted, in the contact store, and only with consent.',
    tag: 'public',
    auth: 'none',
    headers: idempotencyKeyHeader('Makes retries safe: the same key with the same body returns the same result and stores nothing new'),
    body: SubmitRatingInput,
    responses: {
      201: { description: 'Stored (or replayed for a repeated Idempotency-Key)', schema: RatingCreated },
      400: badRequest,
      404: { description: 'windowCode names no window', schema: ErrorBody },
      409: { description: 'The window is not collecting ratings', schema: ErrorBody },
      413: { description: 'Body over 16 KB', schema: ErrorBody },
      415: { description: 'Body is not application/json', schema: ErrorBody },
      422: { description: 'Idempotency-Key already used with a different body', schema: ErrorBody },
      503: { description: 'The window is very busy: the rating met others on its totals after retries; nothing stored, send it again', schema: ErrorBody },
    },
  },
  login: {
    method: 'POST',
    path: '/api/auth/login',
    summary: 'Exchange a username and password for a bearer token',
    tag: 'auth',
    auth: 'none',
    body: LoginInput,
    responses: {
      // A session token, or (second factor enrolled) a challenge for POST /api/auth/login/totp.
      200: { description: 'Logged in, or the second factor is required', schema: LoginAnswer },
      400: badRequest,
      401: { description: 'Unknown username, wrong password or disabled account (one answer for all)', schema: ErrorBody },
      429: { description: 'Locked out: 5 failures in 15 minutes lock the username for 15 minutes', schema: ErrorBody },
    },
  },
  listWindows: {
    method: 'GET',
    path: '/api/windows',
    summary: 'Windows the caller may see results for, one page at a time',
    tag: 'results',
    auth: 'bearer',
    query: WindowListPageQuery,
    responses: {
      200: { description: 'One page of windows', schema: WindowList },
      400: badRequest,
      401: unauthorized,
      403: { description: 'The role may not read results', schema: ErrorBody },
    },
  },
  satisfaction: {
    method: 'GET',
    path: '/api/results/satisfaction',
    summary: 'Satisfaction of one window over a range of China-time days, as the report of that window shows it',
    description:
      'A view of the committee report (GET /api/reports/satisfaction with unit = the window’s unit, window, period=custom, from, to; ' +
      'all channels, national definitions), read from the running totals of the window, one item per day. Small groups are ' +
      'suppressed the way every report suppresses them: with fewer than 5 ratings in the range (none included) the answer ' +
      'carries no n, no counts and no rate (null) and `suppressed` says why ("<5"). Shown rates name their definition and carry ' +
      'a Wilson 95% interval. A window out of the caller’s scope is answered exactly like an unknown one.',
    tag: 'results',
    auth: 'bearer',
    query: SatisfactionQuery,
    responses: {
      200: { description: 'Counts and rates, or (small group) `suppressed` and no numbers', schema: SatisfactionResult },
      400: badRequest,
      401: unauthorized,
      403: { description: 'The role may not read results', schema: ErrorBody },
      404: { description: 'No window has this code in the caller’s scope', schema: ErrorBody },
    },
  },
} as const satisfies Record<string, Operation>;

/**
 * Every operation, by id. Each capability keeps its operations in its own file (ops-*.ts) so that
 * work on one capability does not edit another's table.
 */
export const operations = {
  ...coreOperations,
  ...orgOperations,
  ...accountOperations,
  ...surveyOperations,
  ...reportOperations,
  ...exportOperations,
  ...samplingOperations,
  ...roundOperations,
  ...serviceRecordOperations,
  ...ratingLinkOperations,
  ...invitationOperations,
  ...roundResultOperations,
  ...roundResultExportOperations,
  ...publishedRoundOperations,
  ...campaignOperations,
  ...ballotOperations,
  ...tallyOperations,
  ...ownAppraisalOperations,
  ...caseOperations,
  ...caseDeadlineOperations,
  ...accountabilityOperations,
  ...recoveryOperations,
  ...mailboxOperations,
} as const satisfies Record<string, Operation>;

export type OperationId = keyof typeof operations;
