import { CommentsPage } from '#shared/contracts/comments.js';
import { reportOperations } from '#shared/contracts/ops-reports.js';
import { call, type ApiResult } from './api';
import type { ReportParams } from './api-reports';

/**
 * Client of the comments feed (评价留言, GET /api/reports/comments): the scope, period and channel
 * of the report the visitor is looking at, one page at a time. The API decides what may be shown
 * (at least 10 comments per group) and audits every read.
 */

/** The report parameters the feed takes; the others (definition, scores, scheme) do not apply to comments. */
export const COMMENT_PARAMS = ['unit', 'window', 'period', 'month', 'quarter', 'year', 'from', 'to', 'channel'] as const;

/** A cursor the API handed out is short base64url; anything else is not forwarded. */
const CURSOR = /^[A-Za-z0-9_-]{1,200}$/;

export function commentParams(query: ReportParams): Record<string, string> {
  const params: Record<string, string> = {};
  for (const name of COMMENT_PARAMS) if (query[name]) params[name] = query[name]!;
  return params;
}

export function listComments(token: string, query: ReportParams, page: { limit?: number; cursor?: string | null } = {}): Promise<ApiResult<CommentsPage>> {
  const op = reportOperations.listComments;
  const cursor = page.cursor && CURSOR.test(page.cursor) ? page.cursor : undefined;
  return call(CommentsPage, {
    method: op.method,
    path: op.path,
    query: { ...commentParams(query), ...(page.limit ? { limit: String(page.limit) } : {}), ...(cursor ? { cursor } : {}) },
    token,
  });
}
