import { exportOperations, RateDefinitionList, reportOperations } from '#shared/contracts/ops-reports.js';
import { ExportVerification, SatisfactionReport, type ExportFormat } from '#shared/contracts/reports.js';
import { call, fillPath, type ApiResult } from './api';
import { webConfig } from './config';

/**
 * Client functions of the reports capability (issue 4): the committee report, the staff member's
 * own aggregate, the rate definition registry, the downloads and their verification.
 *
 * A report is a URL: the page, its drill-down links and its download links carry the same flat
 * string parameters (ReportQuery). The web app forwards them as they were typed; the API validates
 * them and names bad fields, which the pages turn into Chinese messages next to the field.
 */

/** Every parameter of ReportQuery, in the order the page's links write them. */
export const REPORT_PARAMS = [
  'unit',
  'window',
  'period',
  'month',
  'quarter',
  'year',
  'from',
  'to',
  'channel',
  'definition',
  'minN',
  'scoreMap',
  'weight',
  'basis',
  'zeroAt',
  'fullAt',
] as const;
export type ReportParam = (typeof REPORT_PARAMS)[number];
export type ReportParams = Partial<Record<ReportParam, string>>;

/** Which period fields belong to which kind: the others are not sent, so a stale one cannot fail the query. */
const PERIOD_FIELDS = { month: ['month'], quarter: ['quarter'], year: ['year'], custom: ['from', 'to'] } as const;
const ALL_PERIOD_FIELDS = ['month', 'quarter', 'year', 'from', 'to'] as const;

/**
 * The report parameters of a URL: known names only, trimmed, empty ones dropped, each clamped to a
 * length no valid value exceeds (hostile input stays small on its way to the API and into links).
 */
export function reportParams(search: URLSearchParams): ReportParams {
  const params: ReportParams = {};
  for (const name of REPORT_PARAMS) {
    const value = (search.get(name) ?? '').trim().slice(0, 80);
    if (value) params[name] = value;
  }
  const kind = params.period as keyof typeof PERIOD_FIELDS | undefined;
  const keep: readonly string[] = kind && kind in PERIOD_FIELDS ? PERIOD_FIELDS[kind] : PERIOD_FIELDS.month;
  for (const field of ALL_PERIOD_FIELDS) if (!keep.includes(field)) delete params[field];
  return params;
}

/** `?unit=…&period=…` in REPORT_PARAMS order, with overrides (`undefined` removes a parameter). */
export function reportSearch(params: ReportParams, overrides: ReportParams & Record<string, string | undefined> = {}): string {
  const merged: Record<string, string | undefined> = { ...params, ...overrides };
  const search = new URLSearchParams();
  for (const name of REPORT_PARAMS) if (merged[name]) search.set(name, merged[name]!);
  for (const [name, value] of Object.entries(overrides)) if (!(REPORT_PARAMS as readonly string[]).includes(name) && value) search.set(name, value);
  return `?${search}`;
}

export function satisfactionReport(token: string, query: ReportParams): Promise<ApiResult<SatisfactionReport>> {
  const op = reportOperations.satisfactionReport;
  return call(SatisfactionReport, { method: op.method, path: op.path, query: { ...query }, token });
}

/** The caller's own aggregate as staff; the API decides who "me" is from the token. */
export function myReport(token: string, query: ReportParams): Promise<ApiResult<SatisfactionReport>> {
  const op = reportOperations.myReport;
  return call(SatisfactionReport, { method: op.method, path: op.path, query: { ...query }, token });
}

export function listRateDefinitions(token: string): Promise<ApiResult<RateDefinitionList>> {
  const op = reportOperations.listRateDefinitions;
  return call(RateDefinitionList, { method: op.method, path: op.path, token });
}

/** The file as the API sends it (the API checks scope, audits the download and sets X-Manyi-SHA256). */
export async function downloadReport(token: string, query: ReportParams, format: ExportFormat): Promise<Response> {
  const op = exportOperations.exportSatisfactionReport;
  const search = new URLSearchParams({ ...(query as Record<string, string>), format });
  try {
    return await fetch(`${webConfig().API_BASE_URL}${op.path}?${search}`, {
      headers: { authorization: `Bearer ${token}` },
      // A PDF or XLSX of thousands of rows takes longer than a JSON page.
      signal: AbortSignal.timeout(60_000),
    });
  } catch {
    return new Response(null, { status: 503 });
  }
}

export function verifyExport(sha256: string): Promise<ApiResult<ExportVerification>> {
  const op = exportOperations.verifyExport;
  return call(ExportVerification, { method: op.method, path: fillPath(op.path, { sha256 }) });
}
