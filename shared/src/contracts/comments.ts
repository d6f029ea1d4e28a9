import * as z from 'zod';
import { PERIOD_KINDS, REPORT_CHANNELS, reportQueryFields } from './reports.js';

/**
 * The comments feed (评价留言, issue 11): what residents wrote, for the committee of the scope, over
 * the period of a report. Only the text and its China-time day — no rating id, no level, no window,
 * no staff, nothing of the rater — and only for groups of at least `commentsK` comments
 * (shared/src/domain/comment-visibility.ts; docs/decisions/0013-comments-feed.md).
 */

/** Default and largest page of the feed. */
export const COMMENTS_PAGE = { limit: 50, maxLimit: 200 } as const;

const { unit, window, period, month, quarter, year, from, to, channel } = reportQueryFields;

export const CommentsQuery = z
  .strictObject({
    unit,
    window,
    period,
    month,
    quarter,
    year,
    from,
    to,
    channel,
    limit: z.coerce
      .number({ error: 'must be a number' })
      .int({ error: 'must be a whole number' })
      .min(1, { error: 'must be at least 1' })
      .max(COMMENTS_PAGE.maxLimit, { error: `must be at most ${COMMENTS_PAGE.maxLimit}` })
      .default(COMMENTS_PAGE.limit)
      .meta({ description: `Comments per page; default ${COMMENTS_PAGE.limit}` }),
    cursor: z.string().min(1).max(200).optional().meta({ description: 'The `cursor` of the previous page: where the next one starts' }),
  })
  .superRefine((query, ctx) => {
    const needs = { month: [], quarter: ['quarter'], year: ['year'], custom: ['from', 'to'] } as const;
    for (const field of needs[query.period]) {
      if (query[field] === undefined) ctx.addIssue({ code: 'custom', path: [field], message: `is required when period is ${query.period}` });
    }
  })
  .meta({ id: 'CommentsQuery' });
export type CommentsQuery = z.infer<typeof CommentsQuery>;
export type CommentsQueryInput = z.input<typeof CommentsQuery>;

const Bilingual = z.object({ zh: z.string(), en: z.string() });

/** One comment: what the resident wrote and the China-time day, nothing else. */
export const ReportComment = z.object({ day: z.string(), text: z.string() }).meta({ id: 'ReportComment' });
export type ReportComment = z.infer<typeof ReportComment>;

export const CommentsPage = z
  .object({
    scope: z.object({ unitId: z.string(), name: z.string(), window: z.object({ code: z.string(), name: z.string() }).optional() }),
    period: z.object({ kind: z.enum(PERIOD_KINDS), label: Bilingual, from: z.string(), to: z.string() }),
    timeZone: z.literal('Asia/Shanghai'),
    channel: z.enum(REPORT_CHANNELS),
    commentsK: z.number().int().meta({ description: 'Comments a group needs before any of them is shown (10)' }),
    rule: Bilingual.meta({ description: 'Which comments are shown and in which order' }),
    suppressed: z.boolean().meta({ description: 'true: no group of the scope reaches commentsK, and none is shown ("留言少于 10 条，不予显示")' }),
    total: z.number().int().meta({ description: 'Comments shown over all pages (0 when suppressed)' }),
    offset: z.number().int().meta({ description: 'How many shown comments come before this page' }),
    comments: z.array(ReportComment).meta({ description: 'Newest day first; within a day sorted by text, never by arrival' }),
    cursor: z.string().optional().meta({ description: 'Pass as `cursor` for the next page; absent on the last page' }),
    extractedAt: z.string().meta({ description: 'When the counters were read (UTC ISO instant)' }),
  })
  .meta({ id: 'CommentsPage' });
export type CommentsPage = z.infer<typeof CommentsPage>;
