import * as z from 'zod';
import { ErrorBody } from './errors.js';
import { badRequest, forbidden as forbiddenTo, unauthorized } from './responses.js';
import type { Operation } from './operation.js';
import { text } from './text.js';
import { UPHELD_APPEALS } from '../domain/report-definitions.js';
import { ExportQuery, ExportVerification, RateDefinitionSet, ReportQuery, SatisfactionReport } from './reports.js';
import { CommentsPage, CommentsQuery } from './comments.js';

const forbidden = forbiddenTo();
const scopeNotFound = { description: 'No such unit or window in the caller’s scope', schema: ErrorBody };

export const RateDefinitionList = z.object({ definitions: z.array(RateDefinitionSet) }).meta({ id: 'RateDefinitionList' });
export type RateDefinitionList = z.infer<typeof RateDefinitionList>;

const Levels = z
  .array(z.literal([1, 2, 3, 4, 5], { error: 'must be levels from 1 to 5' }))
  .min(1, { error: 'must name at least one level' })
  .max(5)
  .refine((levels) => new Set(levels).size === levels.length, { error: 'must not repeat a level' });

export const RateDefinitionInput = z
  .strictObject({
    id: z.string().regex(/^[a-z0-9-]{1,40}$/, { error: 'must be 1–40 lowercase letters, digits or hyphens' }),
    name: text({ min: 1, max: 60 }),
    goodLevels: Levels.meta({ description: 'Levels counted as 好评' }),
    satisfiedLevels: Levels.meta({ description: 'Levels counted as 满意' }),
    upheldAppeals: z
      .enum(UPHELD_APPEALS, { error: 'must be excluded or counted' })
      .default('excluded')
      .meta({ description: '申诉成立: whether a rating whose appeal was upheld leaves the numbers (excluded, the national rule and the default) or stays in them (counted)' }),
  })
  .meta({ id: 'RateDefinitionInput' });
export type RateDefinitionInput = z.infer<typeof RateDefinitionInput>;

export const VerifyParams = z
  .strictObject({ sha256: z.string().regex(/^[0-9a-f]{64}$/, { error: 'must be a SHA-256 written as 64 lowercase hex digits' }) })
  .meta({ id: 'VerifyParams' });

/** Committee results (issue 4): the report, its definitions, the staff member's own view. */
export const reportOperations = {
  satisfactionReport: {
    method: 'GET',
    path: '/api/reports/satisfaction',
    summary: 'Satisfaction report of a unit subtree (or one window) over a period, from running totals',
    description: 'Small groups are suppressed (counts "<5", no rate) including complementary suppression; rankings leave out anything below minN.',
    tag: 'reports',
    auth: 'bearer',
    query: ReportQuery,
    responses: { 200: { description: 'The report', schema: SatisfactionReport }, 400: badRequest, 401: unauthorized, 403: forbidden, 404: scopeNotFound },
  },
  myReport: {
    method: 'GET',
    path: '/api/reports/me',
    summary: 'A staff member’s own aggregate (never single ratings, never below the small-group threshold)',
    tag: 'reports',
    auth: 'bearer',
    query: ReportQuery,
    responses: { 200: { description: 'The report of the caller as staff', schema: SatisfactionReport }, 400: badRequest, 401: unauthorized, 403: forbidden, 404: scopeNotFound },
  },
  listComments: {
    method: 'GET',
    path: '/api/reports/comments',
    summary: 'Comments (评价留言) of a unit subtree (or one window) over a period: text and China-time day only, one page at a time',
    description:
      'Committee members, unit and system admins of the scope; every read is audited (comments.read, scope and period, never the texts). ' +
      'A window’s comments are shown when it has at least 10 in the period; a unit’s own windows with fewer than 10 each are shown together ' +
      'when they add up to 10 (unit listings only). Otherwise `suppressed` and no comment. Newest day first, sorted by text within a day.',
    tag: 'reports',
    auth: 'bearer',
    query: CommentsQuery,
    responses: { 200: { description: 'One page of comments', schema: CommentsPage }, 400: badRequest, 401: unauthorized, 403: forbidden, 404: scopeNotFound },
  },
  listRateDefinitions: {
    method: 'GET',
    path: '/api/rate-definitions',
    summary: 'The rate definition registry (which levels count as 好评 / 满意), built-in national one first',
    tag: 'reports',
    auth: 'bearer',
    responses: { 200: { description: 'Definitions', schema: RateDefinitionList }, 401: unauthorized, 403: forbidden },
  },
  createRateDefinition: {
    method: 'POST',
    path: '/api/rate-definitions',
    summary: 'Add a local rate definition (system admin); definitions are immutable once added',
    tag: 'reports',
    auth: 'bearer',
    body: RateDefinitionInput,
    responses: {
      201: { description: 'The stored definition', schema: RateDefinitionSet },
      400: badRequest,
      401: unauthorized,
      403: forbidden,
      409: { description: 'A definition with this id exists', schema: ErrorBody },
    },
  },
} as const satisfies Record<string, Operation>;

/** Downloads of exactly what the report shows, and their verification (/verify). */
export const exportOperations = {
  exportSatisfactionReport: {
    method: 'GET',
    path: '/api/reports/satisfaction/export',
    summary: 'Download the report as XLSX, CSV (UTF-8 with BOM) or PDF; audit-logged; the SHA-256 is in X-Manyi-SHA256',
    tag: 'reports',
    auth: 'bearer',
    query: ExportQuery,
    responses: {
      200: { description: 'The file' },
      400: badRequest,
      401: unauthorized,
      403: forbidden,
      404: scopeNotFound,
      413: { description: 'The file would be over the 4.4 MB a download can carry; the issue names `unit`', schema: ErrorBody },
    },
  },
  verifyExport: {
    method: 'GET',
    path: '/api/public/exports/{sha256}',
    summary: 'Whether a file (or the 数据校验码 printed in it) was produced by this system, and what it is',
    tag: 'public',
    auth: 'none',
    params: VerifyParams,
    responses: { 200: { description: 'What is known of this hash', schema: ExportVerification }, 400: badRequest },
  },
} as const satisfies Record<string, Operation>;
