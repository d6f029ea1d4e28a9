import * as z from 'zod';
import { isCalendarDay } from '../domain/china-time.js';
import { UPHELD_APPEALS } from '../domain/report-definitions.js';
import { CASE_METRICS, type CaseMetricId } from '../domain/cases/case-metrics.js';
import { RateResult } from './results.js';

/**
 * Committee reports (issue 4): the query a committee member builds on the results page, and the
 * report every surface renders — the page, the JSON API, the XLSX, the CSV and the PDF all show
 * this one object, so the same numbers come out everywhere.
 *
 * Query parameters are flat strings so that a report is a URL: the page's GET form, its drill-down
 * links and its download links all carry the same parameters.
 */

export const REPORT_CHANNELS = ['all', 'window-qr', 'service-record'] as const;
export type ReportChannel = (typeof REPORT_CHANNELS)[number];

export const PERIOD_KINDS = ['month', 'quarter', 'year', 'custom'] as const;
export type PeriodKind = (typeof PERIOD_KINDS)[number];

/** Defaults of the query, shown on the page and printed in every export. */
export const REPORT_DEFAULTS = {
  channel: 'all',
  definition: 'national',
  minN: 30,
  /** Score of levels 5, 4, 3, 2, 1. */
  scoreMap: [100, 80, 60, 40, 20],
  scheme: { weight: 30, basis: 'satisfied', zeroAt: 0.8, fullAt: 1 },
  /** Small-group suppression: counts below k are shown as "<5"; comments need 10. */
  suppressionK: 5,
  commentsK: 10,
} as const;

const Month = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, { error: 'must be a month written YYYY-MM' });
const Quarter = z.string().regex(/^\d{4}-Q[1-4]$/, { error: 'must be a quarter written YYYY-Qn' });
const Year = z.string().regex(/^\d{4}$/, { error: 'must be a year written YYYY' });
const Day = z.string().refine(isCalendarDay, { error: 'must be a calendar day written YYYY-MM-DD' });
const Percent = z.coerce.number({ error: 'must be a number' }).min(0, { error: 'must be at least 0' }).max(100, { error: 'must be at most 100' });

/** The fields of a report query; the comments feed (comments.ts) takes its scope and period ones. */
export const reportQueryFields = {
  unit: z.string().min(1).max(64).optional().meta({ description: 'Scope: a unit subtree; default the caller’s own unit (a system admin must name one)' }),
  window: z.string().regex(/^[a-z0-9]{8}$/, { error: 'must be a window code' }).optional().meta({ description: 'Drill down to one window of the scope' }),
  period: z.enum(PERIOD_KINDS, { error: 'must be month, quarter, year or custom' }).default('month'),
  month: Month.optional().meta({ description: 'For period=month; default the last complete China-time month' }),
  quarter: Quarter.optional().meta({ description: 'For period=quarter, e.g. 2026-Q3' }),
  year: Year.optional().meta({ description: 'For period=year' }),
  from: Day.optional().meta({ description: 'For period=custom: first day (China time)' }),
  to: Day.optional().meta({ description: 'For period=custom: last day, at most 366 days after from' }),
  channel: z.enum(REPORT_CHANNELS, { error: 'must be all, window-qr or service-record' }).default(REPORT_DEFAULTS.channel),
  definition: z.string().regex(/^[a-z0-9-]{1,40}$/, { error: 'must be a rate definition id' }).default(REPORT_DEFAULTS.definition),
  minN: z.coerce.number({ error: 'must be a number' }).int({ error: 'must be a whole number' }).min(5, { error: 'must be at least 5' }).max(100000).default(REPORT_DEFAULTS.minN),
  scoreMap: z
    .string()
    .regex(/^\d{1,3}(,\d{1,3}){4}$/, { error: 'must be five scores for levels 5,4,3,2,1, e.g. 100,80,60,40,20' })
    .optional()
    .meta({ description: 'Scores of levels 5,4,3,2,1; default 100,80,60,40,20' }),
  weight: Percent.optional().meta({ description: 'Assessment (考核): points of the satisfaction part; default 30' }),
  basis: z.enum(['satisfied', 'good'], { error: 'must be satisfied or good' }).optional().meta({ description: 'Which rate the assessment converts; default 满意率' }),
  zeroAt: Percent.optional().meta({ description: 'Rate (percent) that earns 0 points; default 80' }),
  fullAt: Percent.optional().meta({ description: 'Rate (percent) that earns full points; default 100' }),
};

type ReportQueryFields = z.infer<z.ZodObject<typeof reportQueryFields>>;

function checkReportQuery(query: ReportQueryFields, ctx: z.RefinementCtx): void {
  const needs = { month: [], quarter: ['quarter'], year: ['year'], custom: ['from', 'to'] } as const;
  for (const field of needs[query.period]) {
    if (query[field] === undefined) ctx.addIssue({ code: 'custom', path: [field], message: `is required when period is ${query.period}` });
  }
  if (query.zeroAt !== undefined && query.fullAt !== undefined && query.fullAt <= query.zeroAt) {
    ctx.addIssue({ code: 'custom', path: ['fullAt'], message: 'must be greater than zeroAt' });
  }
}

export const ReportQuery = z.strictObject(reportQueryFields).superRefine(checkReportQuery).meta({ id: 'ReportQuery' });
export type ReportQuery = z.infer<typeof ReportQuery>;
export type ReportQueryInput = z.input<typeof ReportQuery>;

const Bilingual = z.object({ zh: z.string(), en: z.string() });
const Counts = z.object({ '1': z.number().int(), '2': z.number().int(), '3': z.number().int(), '4': z.number().int(), '5': z.number().int() });

/**
 * One row of a table: the scope total, a child unit, a window, a staff member, a service item or a
 * month. A suppressed cell carries no number at all — not n, not counts, not a rate — so nothing
 * can leak through the API or an export. `small-group`: fewer than k ratings ("<5");
 * `complementary`: hidden so that a small cell cannot be recovered by subtracting visible rows.
 */
export const ReportCell = z
  .object({
    key: z.string(),
    label: z.string(),
    /** Where a drill-down goes: a child unit or a window of the scope. */
    drill: z.object({ unit: z.string().optional(), window: z.string().optional() }).optional(),
    suppressed: z.enum(['small-group', 'complementary']).nullable(),
    n: z.number().int().nullable(),
    counts: Counts.nullable(),
    goodRate: RateResult.nullable(),
    satisfiedRate: RateResult.nullable(),
    meanScore: z.number().nullable().meta({ description: 'Mean of the score map over n ratings' }),
  })
  .meta({ id: 'ReportCell' });
export type ReportCell = z.infer<typeof ReportCell>;

const AttributionCount = z.object({
  n: z.number().int().nullable().meta({ description: 'null when suppressed: fewer than k ("<5"), or hidden so that no small group can be derived' }),
  suppressed: z.enum(['small-group', 'complementary']).nullable(),
});

/**
 * How many ratings in scope named the staff member who served the resident (the rating form's
 * optional 为您服务的工作人员; docs/decisions/0012-attribution.md). Staff figures count only those.
 */
export const Attribution = z
  .object({
    ratings: AttributionCount.meta({ description: 'The ratings in scope: the summary’s; on a staff member’s own report, those of the report’s windows' }),
    attributed: AttributionCount.meta({ description: 'Of those, the ratings that named a staff member; the byStaff rows add up to it' }),
    text: z.object({ zh: z.string(), en: z.string() }).meta({ description: 'The sentence printed with staff figures, e.g. 本期 120 条评价中 37 条由评价人指明了工作人员；人员统计只含指明的评价。' }),
  })
  .meta({ id: 'ReportAttribution' });
export type Attribution = z.infer<typeof Attribution>;

/** 可疑评价 (docs/decisions/0016-burst-detector.md): counted apart, in no other number of the report. */
export const SuspectCount = z
  .object({
    n: z.number().int().nullable().meta({ description: 'Suspect ratings in scope and period; null when fewer than k (and on a staff member’s own report)' }),
    suppressed: z.enum(['small-group']).nullable(),
    text: z.object({ zh: z.string(), en: z.string() }).meta({ description: 'The sentence printed with the figures, e.g. 本期另有 12 条可疑评价（…），单独统计，不计入评价数、比率、平均分及各项分类统计。' }),
  })
  .meta({ id: 'ReportSuspect' });

/** 申诉成立 (issue 15 §2): how many ratings' appeals were upheld, and whether the definitions took them out. */
export const AppealsCount = z
  .object({
    n: z.number().int().nullable().meta({ description: 'Ratings in scope and period whose appeal was upheld; null when fewer than k (and on a staff member’s own report)' }),
    suppressed: z.enum(['small-group']).nullable(),
    upheldAppeals: z.enum(UPHELD_APPEALS).meta({ description: 'As the definitions say: excluded from every number, or counted' }),
    text: z.object({ zh: z.string(), en: z.string() }).meta({ description: 'The sentence printed with the figures, e.g. 本期有 6 条评价经上级单位申诉复核认定成立，按本口径不计入评价数、比率、平均分及各项分类统计。' }),
  })
  .meta({ id: 'ReportAppeals' });

const CaseMetricCell = z
  .object({
    numerator: z.number().nullable().meta({ description: 'For a mean: the sum (working days); null when suppressed' }),
    n: z.number().int().nullable().meta({ description: 'The denominator; null when suppressed' }),
    value: z.number().nullable().meta({ description: 'A proportion in [0, 1] or a mean (working days); null when suppressed or n = 0' }),
    low: z.number().nullable().meta({ description: 'Wilson 95% interval of a proportion; null for a mean' }),
    high: z.number().nullable(),
    suppressed: z.enum(['small-group', 'complementary']).nullable(),
  })
  .meta({ id: 'CaseMetricCell' });

const CaseMetricsRow = z
  .object({
    key: z.string(),
    label: z.string(),
    drill: z.object({ unit: z.string().optional(), window: z.string().optional() }).optional(),
    opened: z.object({ n: z.number().int().nullable(), suppressed: z.enum(['small-group', 'complementary']).nullable() }).meta({ description: 'Cases opened by the period’s ratings' }),
    metrics: z.object(Object.fromEntries(CASE_METRICS.map((metric) => [metric, CaseMetricCell])) as Record<CaseMetricId, typeof CaseMetricCell>),
  })
  .meta({ id: 'CaseMetricsRow' });

/** 差评整改 metrics (issue 15 §4): each with its definition and n, for the scope, its units and windows. */
export const CaseMetrics = z
  .object({
    definitions: z.array(z.object({ id: z.enum(CASE_METRICS), name: Bilingual, kind: z.enum(['rate', 'mean']), formula: Bilingual })),
    summary: CaseMetricsRow,
    byUnit: z.array(CaseMetricsRow),
    byWindow: z.array(CaseMetricsRow),
    note: Bilingual,
  })
  .meta({ id: 'ReportCaseMetrics' });
export type CaseMetrics = z.infer<typeof CaseMetrics>;

export const RankingRow = z
  .object({
    rank: z.number().int(),
    key: z.string(),
    label: z.string(),
    n: z.number().int(),
    value: z.number(),
    low: z.number(),
    high: z.number(),
    /** The interval overlaps the row above: "差异不显著". */
    overlapsPrevious: z.boolean(),
  })
  .meta({ id: 'RankingRow' });
export type RankingRow = z.infer<typeof RankingRow>;

export const Ranking = z
  .object({
    basis: z.enum(['satisfied', 'good']),
    rows: z.array(RankingRow),
    /** Below the minimum n, or suppressed: listed, never ranked. */
    unranked: z.array(z.object({ key: z.string(), label: z.string(), reason: z.enum(['below-min-n', 'suppressed']) })),
  })
  .meta({ id: 'Ranking' });
export type Ranking = z.infer<typeof Ranking>;

export const RateDefinitionSet = z
  .object({
    id: z.string(),
    name: Bilingual,
    good: RateResult.shape.definition,
    satisfied: RateResult.shape.definition,
    builtIn: z.boolean(),
    upheldAppeals: z.enum(UPHELD_APPEALS).meta({
      description:
        '申诉成立: "excluded" — a rating whose case’s appeal was upheld enters no number of the report (national); "counted" — it stays in them. Either way the report’s `appeals` says how many',
    }),
  })
  .meta({ id: 'RateDefinitionSet' });
export type RateDefinitionSet = z.infer<typeof RateDefinitionSet>;

export const Assessment = z
  .object({
    scheme: z.object({ weight: z.number(), basis: z.enum(['satisfied', 'good']), zeroAt: z.number(), fullAt: z.number() }),
    /** null when the scope has fewer ratings than the minimum n, or is suppressed. */
    points: z.number().nullable(),
    rate: z.number().nullable(),
    /** The arithmetic, written out: "满意率 92.30% → (92.30 − 80) ÷ (100 − 80) × 30 = 18.45 分". */
    arithmetic: Bilingual,
  })
  .meta({ id: 'Assessment' });
export type Assessment = z.infer<typeof Assessment>;

export const ReasonCount = z.object({ code: z.string(), label: Bilingual, count: z.number().int() }).meta({ id: 'ReasonCount' });

export const SatisfactionReport = z
  .object({
    scope: z.object({ unitId: z.string(), name: z.string(), path: z.array(z.string()), window: z.object({ code: z.string(), name: z.string() }).optional() }),
    period: z.object({ kind: z.enum(PERIOD_KINDS), label: Bilingual, from: z.string(), to: z.string() }),
    timeZone: z.literal('Asia/Shanghai'),
    channel: z.enum(REPORT_CHANNELS),
    definitions: RateDefinitionSet,
    scoreMap: z.array(z.number()).length(5).meta({ description: 'Scores of levels 5,4,3,2,1' }),
    minN: z.number().int(),
    suppression: z.object({ k: z.number().int(), commentsK: z.number().int(), rule: Bilingual }),
    interval: z.object({ method: z.literal('wilson'), confidence: z.literal(0.95) }),
    summary: ReportCell,
    /** Top 差评 reasons of the scope, most frequent first; empty when the scope is suppressed. */
    topReasons: z.array(ReasonCount),
    trend: z.array(ReportCell).meta({ description: 'One row per month of the period (key YYYY-MM)' }),
    byUnit: z.array(ReportCell).meta({ description: 'Child units of the scope (key unit id); the scope’s own windows as key "self"' }),
    byWindow: z.array(ReportCell),
    wideScope: z
      .object({ windowsOver: z.number().int() })
      .optional()
      .meta({ description: 'Set when the scope has more windows than a report lists (decision 0031): figures come from its units’ rollups; byWindow and byStaff are empty, drill down to a unit to see them' }),
    byStaff: z
      .array(ReportCell)
      .meta({ description: 'Only ratings whose resident named the staff member who served them, each for that one person; see attribution' }),
    attribution: Attribution,
    suspect: SuspectCount,
    appeals: AppealsCount,
    cases: CaseMetrics.optional().meta({ description: '差评整改 metrics; absent on a staff member’s own report' }),
    byServiceItem: z.array(ReportCell).meta({ description: 'Key: the service item name; "" for ratings without one' }),
    rankings: z.object({ units: Ranking, windows: Ranking }),
    assessment: Assessment,
    /** Formulas and notes printed with the numbers (计算说明). */
    notes: z.array(Bilingual),
    extractedAt: z.string().meta({ description: 'When the totals were read (UTC ISO instant)' }),
  })
  .meta({ id: 'SatisfactionReport' });
export type SatisfactionReport = z.infer<typeof SatisfactionReport>;

export const ExportFormat = z.enum(['xlsx', 'csv', 'pdf'], { error: 'must be xlsx, csv or pdf' });
export type ExportFormat = z.infer<typeof ExportFormat>;

/** The report query plus the file format: a download link is the report's URL with `format`. */
export const ExportQuery = z
  .strictObject({ ...reportQueryFields, format: ExportFormat })
  .superRefine(checkReportQuery)
  .meta({ id: 'ExportQuery' });
export type ExportQuery = z.infer<typeof ExportQuery>;

/** What /verify tells about a file it recognises by its SHA-256. */
export const ExportVerification = z
  .object({
    known: z.boolean(),
    sha256: z.string(),
    /** Whether the hash is of the file's bytes or of the report data printed inside it (数据校验码). */
    matched: z.enum(['file', 'data']).optional(),
    format: ExportFormat.optional(),
    scopeName: z.string().optional(),
    periodLabel: Bilingual.optional(),
    definitionId: z.string().optional(),
    definitionName: Bilingual.optional().meta({ description: 'The name of the definition set (口径), as the file prints it; absent for files exported before it was kept' }),
    n: z.number().int().nullable().optional(),
    extractedAt: z.string().optional(),
    generatedAt: z.string().optional(),
  })
  .meta({ id: 'ExportVerification' });
export type ExportVerification = z.infer<typeof ExportVerification>;
