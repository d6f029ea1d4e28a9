import type { CommentsPage, CommentsQuery, ReportComment } from '#shared/contracts/comments.js';
import { REPORT_DEFAULTS, type ReportChannel, type SatisfactionReport } from '#shared/contracts/reports.js';
import { isCalendarDay } from '#shared/domain/china-time.js';
import {
  commentDays,
  commentPage,
  commentsRule,
  daysOfPage,
  visibleCommentGroups,
  type CommentPosition,
  type WindowDayComments,
} from '#shared/domain/comment-visibility.js';
import { isPeriodProblem, resolvePeriod, type ReportPeriod } from '#shared/domain/report-period.js';
import { authorize, record, refuse, type AccessDeps, type Attempt } from '../../access/index.js';
import type { Principal } from '../../auth/principal.js';
import type { RatingComments } from '../../data/rating-comments.js';
import type { UnitRecord, UnitStore } from '../../data/units.js';
import type { WindowRecord, WindowStore } from '../../data/windows.js';
import { ValidationError } from '../../errors.js';
import { allPages } from './report-deps.js';

/**
 * The comments feed (评价留言): what residents wrote, for committee members, unit and system admins
 * of the scope, over a report's period. Text and China-time day only; shown only for groups of at
 * least `commentsK` (shared/src/domain/comment-visibility.ts); every read audited as
 * `comments.read` with the scope and the period, never the texts. Paged with a cursor: a page reads
 * the comment counters of the scope (as many small items as the report reads totals) and the
 * ratings of only the window-days its comments are on (docs/decisions/0013-comments-feed.md).
 */
export interface CommentsDeps extends AccessDeps {
  units: Pick<UnitStore, 'get'>;
  windows: Pick<WindowStore, 'get' | 'listSubtree'>;
  comments: RatingComments;
}

const READ_COMMENTS = { permission: 'comments:read', action: 'comments.read' } as const;

/** Reads of raw ratings in flight while a page collects its texts. */
const TEXT_CONCURRENCY = 16;

/** What the feed of a scope gives: the page, and what the answer and the audit say about it. */
export interface CommentsFeed {
  suppressed: boolean;
  total: number;
  offset: number;
  comments: ReportComment[];
  next?: CommentPosition | undefined;
  extractedAt: string;
}

export async function readComments(deps: CommentsDeps, principal: Principal, query: CommentsQuery, now: Date): Promise<CommentsPage> {
  const unitId = query.unit ?? (principal.role === 'system-admin' ? undefined : principal.unitId);
  const attempt: Attempt = query.window
    ? { action: READ_COMMENTS.action, objectType: 'window', objectId: query.window }
    : { action: READ_COMMENTS.action, objectType: 'unit', objectId: unitId ?? '' };
  await authorize(deps, principal, READ_COMMENTS.permission, attempt);
  if (unitId === undefined) {
    await record(deps, principal, attempt, 'invalid', { detail: 'system admin named no unit' });
    throw ValidationError.forField('unit', 'is required for a system administrator (whose scope is every unit tree)');
  }
  const scope = await authorize(deps, principal, READ_COMMENTS.permission, attempt, { unit: unitId, field: 'unit' });
  const window = query.window ? (await authorize(deps, principal, READ_COMMENTS.permission, attempt, { window: query.window, field: 'window', within: scope })).window : undefined;
  // Scope first, then the rest of the query (as the report): an out-of-scope id is answered alike whatever else is wrong.
  let period: ReportPeriod;
  let start: CommentPosition | undefined;
  try {
    period = checkedPeriod(query, now);
    start = query.cursor === undefined ? undefined : parseCursor(query.cursor, period);
  } catch (error) {
    return refuse(deps, principal, attempt, error as Error, { unitId: scope.id });
  }

  const feed = await commentsOf(deps, { unit: scope, window }, period, query.channel, { limit: query.limit, start });
  await record(deps, principal, attempt, 'ok', {
    unitId: scope.id,
    detail: `${period.from}..${period.to} channel=${query.channel} ${shownText(feed)}`,
  });
  return {
    scope: { unitId: scope.id, name: scope.name, ...(window ? { window: { code: window.code, name: window.name } } : {}) },
    period: { kind: period.kind, label: period.label, from: period.from, to: period.to },
    timeZone: 'Asia/Shanghai',
    channel: query.channel,
    commentsK: REPORT_DEFAULTS.commentsK,
    rule: commentsRule(REPORT_DEFAULTS.commentsK),
    suppressed: feed.suppressed,
    total: feed.total,
    offset: feed.offset,
    comments: feed.comments,
    ...(feed.next ? { cursor: encodeCursor(feed.next) } : {}),
    extractedAt: feed.extractedAt,
  };
}

/** Most comments an export carries: the newest, with a line saying how many there are in all. */
export const EXPORT_COMMENTS_MAX = 1000;

/**
 * The comments of a report's scope, period and channel for its download (newest first, at most
 * EXPORT_COMMENTS_MAX). The report has already checked the caller and the scope; the download's
 * own audit entry says how many comments it carried.
 */
export async function exportComments(deps: Omit<CommentsDeps, 'audit'>, report: SatisfactionReport): Promise<CommentsFeed> {
  const unit = await deps.units.get(report.scope.unitId);
  const window = report.scope.window ? await deps.windows.get(report.scope.window.code) : undefined;
  if (!unit || (report.scope.window && !window)) return { suppressed: true, total: 0, offset: 0, comments: [], extractedAt: deps.now().toISOString() };
  return commentsOf(deps, { unit, window }, report.period, report.channel, { limit: EXPORT_COMMENTS_MAX });
}

async function commentsOf(
  deps: Pick<CommentsDeps, 'windows' | 'comments' | 'now'>,
  target: { unit: UnitRecord; window: WindowRecord | undefined },
  period: { from: string; to: string },
  channel: ReportChannel,
  page: { limit: number; start?: CommentPosition | undefined },
): Promise<CommentsFeed> {
  const windows = target.window ? [target.window] : await allPages<WindowRecord>((cursor) => deps.windows.listSubtree(target.unit.path, { limit: 500, cursor }));
  const { days: counted } = await deps.comments.counts(
    windows.map((w) => w.code),
    period.from,
    period.to,
  );
  const extractedAt = deps.now().toISOString();
  const days: WindowDayComments[] = counted.map((d) => ({
    windowCode: d.windowCode,
    day: d.day,
    channels: channel === 'all' ? d.channels : { [channel]: d.channels[channel] ?? 0 },
  }));
  const visible = visibleCommentGroups(
    windows.map((w) => ({ code: w.code, unitId: w.unitId })),
    days,
    REPORT_DEFAULTS.commentsK,
    { pool: target.window === undefined },
  );
  const list = commentDays(days, visible);
  const total = list.reduce((sum, day) => sum + day.count, 0);
  if (total === 0) return { suppressed: true, total: 0, offset: 0, comments: [], extractedAt };

  const { read, before, next } = daysOfPage(list, page.start, page.limit);
  const sources = read.flatMap((day) => day.sources.map((source) => ({ day: day.day, ...source })));
  const texts = new Map<string, string[]>(read.map((day) => [day.day, []]));
  let at = 0;
  const worker = async () => {
    while (at < sources.length) {
      const source = sources[at++]!;
      texts.get(source.day)!.push(...(await deps.comments.texts(source.windowCode, source.day, source.channels)));
    }
  };
  await Promise.all(Array.from({ length: Math.min(TEXT_CONCURRENCY, sources.length) }, worker));
  const shown = commentPage(
    read.map((day) => ({ day: day.day, texts: texts.get(day.day)! })),
    page.start,
    page.limit,
    next,
  );
  return { suppressed: false, total, offset: before, comments: shown.comments, next: shown.next, extractedAt };
}

/** What the audit entry says was shown: positions and the total, never a text. */
function shownText(feed: CommentsFeed): string {
  if (feed.suppressed) return `none shown (fewer than ${REPORT_DEFAULTS.commentsK})`;
  if (feed.comments.length === 0) return `none shown (past the last of ${feed.total})`;
  return `shown ${feed.offset + 1}-${feed.offset + feed.comments.length} of ${feed.total}`;
}

function checkedPeriod(query: CommentsQuery, now: Date): ReportPeriod {
  const period = resolvePeriod(query, now);
  if (isPeriodProblem(period)) throw ValidationError.forField(period.field, period.message);
  return period;
}

/** The cursor is the position of the next page: `{ d: day, o: comments of that day already shown }`, base64url JSON. */
function encodeCursor(position: CommentPosition): string {
  return Buffer.from(JSON.stringify({ d: position.day, o: position.offset })).toString('base64url');
}

const MAX_OFFSET = 1_000_000;

function parseCursor(cursor: string, period: { from: string; to: string }): CommentPosition {
  const refused = () => ValidationError.forField('cursor', 'is not a cursor of this list');
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw refused();
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw refused();
  const fields = Object.keys(value);
  if (fields.length !== 2 || !fields.includes('d') || !fields.includes('o')) throw refused();
  const { d, o } = value as { d: unknown; o: unknown };
  // A day of this period only: a cursor of another query, or a forged one, is refused rather than followed.
  if (typeof d !== 'string' || !isCalendarDay(d) || d < period.from || d > period.to) throw refused();
  if (typeof o !== 'number' || !Number.isSafeInteger(o) || o < 0 || o > MAX_OFFSET) throw refused();
  return { day: d, offset: o };
}
