import { REPORT_DEFAULTS, type ExportFormat, type ExportQuery, type ReportQuery, type SatisfactionReport } from '#shared/contracts/reports.js';
import { commentsRule } from '#shared/domain/comment-visibility.js';
import type { Principal } from '../../auth/principal.js';
import type { ExportRecord, ExportRegistry } from '../../data/export-registry.js';
import { AppError } from '../../errors.js';
import { buildSatisfactionReport, type ReportAccess } from '../reports/satisfaction-report.js';
import type { ReportDeps } from '../reports/report-deps.js';
import { authorize, can, record, type AccessDeps } from '../../access/index.js';
import { exportComments, type CommentsDeps, type CommentsFeed } from '../reports/comments.js';
import type { ExportComments } from './comments-table.js';
import { reportDataHash, sha256Hex } from './integrity.js';

export interface ExportDeps extends AccessDeps {
  exports: Pick<ExportRegistry, 'register'>;
  /** A CJK font file for the PDF; absent: the font of @embedpdf/fonts-sc (as for posters). */
  posterFontPath?: string | undefined;
}

/** The report the page shows for a query: the reports use case, passed in so this one stays small. */
export type ReportBuilder = (principal: Principal, query: ReportQuery, now: Date, access: ReportAccess) => Promise<SatisfactionReport>;

/** The comments feed of a built report's scope, period and channel (reports/comments.ts), for the 评价留言 sheet. */
export type CommentsLoader = (report: SatisfactionReport) => Promise<CommentsFeed>;

/** A download is its own permission and its own audited action: refusals say `report.export`. */
const EXPORT_REPORT: ReportAccess = { permission: 'reports:export', action: 'report.export' };

export interface ExportFile {
  contentType: string;
  filename: string;
  body: Buffer;
  /** SHA-256 of `body` (X-Manyi-SHA256). */
  sha256: string;
  /** 数据校验码: SHA-256 of the report's canonical JSON, printed inside the file. */
  dataHash: string;
}

/**
 * A Lambda answers at most 6 MB, and a binary body travels base64-encoded (4/3 larger), so a file
 * over this cannot be downloaded through API Gateway. Past it the caller gets a 413 naming `unit`
 * (choose a smaller scope) instead of a 5xx from the runtime. A province-sized XLSX (50,000
 * windows, ~7.4 MB) needs a download through S3, which is not built yet
 * (docs/decisions/0008-reports-and-exports.md).
 */
export const MAX_DOWNLOAD_BYTES = 4_400_000;

export class ExportTooLargeError extends AppError {
  override name = 'ExportTooLargeError';
  override readonly statusCode = 413;
  override readonly code = 'EXPORT_TOO_LARGE';
  override readonly expose = true;
  constructor(bytes: number) {
    const message = `the ${(bytes / 1e6).toFixed(1)} MB file of this scope is over the ${MAX_DOWNLOAD_BYTES / 1e6} MB a download can carry: choose a smaller unit (文件过大，请选择较小的单位范围)`;
    super(`unit: ${message}`, { issues: [{ field: 'unit', message: `unit: ${message}` }] });
  }
}

const CONTENT_TYPES: Record<ExportFormat, string> = {
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  csv: 'text/csv; charset=utf-8',
  pdf: 'application/pdf',
};

/** The file of a report, with its 数据校验码 inside; pure apart from reading the font file. */
export async function renderReport(report: SatisfactionReport, format: ExportFormat, generatedAt: Date, fontPath?: string, comments?: ExportComments): Promise<Omit<ExportFile, 'filename'>> {
  const dataHash = reportDataHash(report);
  const stamp = { dataHash, generatedAt: generatedAt.toISOString() };
  // Each writer is loaded when its format is asked for: exceljs and pdfkit (with fontkit) are most
  // of the function's bundle, and a cold start evaluates only the one it needs.
  let body: Buffer;
  // Comments go into the XLSX and the CSV (the tables to work with), not into the PDF.
  if (format === 'xlsx') body = await (await import('./export-xlsx.js')).reportXlsx(report, stamp, comments);
  else if (format === 'csv') body = (await import('./export-csv.js')).reportCsv(report, stamp, comments);
  else {
    const [{ reportPdf }, { posterFont }] = await Promise.all([import('./export-pdf.js'), import('../posters/poster-font.js')]);
    body = await reportPdf(report, stamp, posterFont(fontPath));
  }
  return { contentType: CONTENT_TYPES[format], body, sha256: sha256Hex(body), dataHash };
}

/**
 * Download the report a committee member sees, as XLSX, CSV or PDF: the same report the page and
 * the JSON API show (`build` is buildSatisfactionReport). Only roles that may export (not staff:
 * they see their own aggregate only); a unit out of scope is answered like an unknown one. The
 * file and its data are registered for /verify, and every attempt is audited with the format and
 * both hashes.
 */
export async function exportSatisfactionReport(deps: ExportDeps, build: ReportBuilder, principal: Principal, query: ExportQuery, loadComments?: CommentsLoader): Promise<ExportFile> {
  const { format, ...reportQuery } = query;
  const unitId = reportQuery.unit ?? principal.unitId;
  const attempt = { action: EXPORT_REPORT.action, objectType: 'unit', objectId: unitId };
  // The role first, so a refused download never builds a report.
  await authorize(deps, principal, EXPORT_REPORT.permission, attempt);
  const now = deps.now();
  let report: SatisfactionReport;
  try {
    // The report checks the role and the scope (out of scope is 404 like unknown) and audits every
    // refusal once, as report.export; only a failure it could not answer is recorded here.
    report = await build(principal, reportQuery, now, EXPORT_REPORT);
  } catch (error) {
    if (!(error instanceof AppError && error.statusCode < 500)) await record(deps, principal, attempt, 'failed', { detail: `${format}: error` });
    throw error;
  }
  // 评价留言 (XLSX and CSV, for a role that may read comments): the feed's own rule decides what is shown.
  let comments: ExportComments | undefined;
  if (loadComments && format !== 'pdf' && can(principal, 'comments:read')) {
    try {
      const feed = await loadComments(report);
      const k = REPORT_DEFAULTS.commentsK;
      comments = { k, suppressed: feed.suppressed, total: feed.total, comments: feed.comments, rule: commentsRule(k).zh };
    } catch (error) {
      await record(deps, principal, attempt, 'failed', { unitId: report.scope.unitId, detail: `${format}: comments error` });
      throw error;
    }
  }
  const file = await renderReport(report, format, now, deps.posterFontPath, comments);
  if (file.body.length > MAX_DOWNLOAD_BYTES) {
    await record(deps, principal, attempt, 'invalid', { unitId: report.scope.unitId, detail: `${format}: file of ${file.body.length} bytes too large` });
    throw new ExportTooLargeError(file.body.length);
  }
  const registered = (sha256: string, matched: ExportRecord['matched']): ExportRecord => ({
    sha256,
    matched,
    format,
    scopeName: report.scope.window ? `${report.scope.name} / ${report.scope.window.name}` : report.scope.name,
    periodLabel: report.period.label,
    definitionId: report.definitions.id,
    definitionName: report.definitions.name,
    n: report.summary.n,
    extractedAt: report.extractedAt,
    generatedAt: now.toISOString(),
  });
  await deps.exports.register(registered(file.sha256, 'file'), registered(file.dataHash, 'data'));
  await record(deps, principal, { ...attempt, objectId: report.scope.unitId }, 'ok', {
    unitId: report.scope.unitId,
    // Whether comments were in the file, and how many (never their texts).
    detail: `${format} ${report.period.from}..${report.period.to} ${commentsAudit(comments)} sha256=${file.sha256} data=${file.dataHash}`,
  });
  const scope = report.scope.window ? `${report.scope.unitId}-${report.scope.window.code}` : report.scope.unitId;
  // Ids are [a-z0-9-] today; the header must stay safe whatever a future id holds.
  return { ...file, filename: `report-${scope}-${report.period.from}-${report.period.to}.${format}`.replace(/[^A-Za-z0-9._-]/g, '_') };
}

function commentsAudit(comments: ExportComments | undefined): string {
  if (!comments) return 'comments=not included';
  return comments.suppressed ? `comments=none (fewer than ${comments.k})` : `comments=${comments.comments.length} of ${comments.total}`;
}

/** The download the API serves: the committee report built by the reports use case, then exported with its comments. */
export function downloadSatisfactionReport(deps: ExportDeps & ReportDeps & Pick<CommentsDeps, 'comments'>, principal: Principal, query: ExportQuery): Promise<ExportFile> {
  return exportSatisfactionReport(
    deps,
    (who, reportQuery, now, access) => buildSatisfactionReport(deps, who, reportQuery, now, access),
    principal,
    query,
    (report) => exportComments(deps, report),
  );
}
