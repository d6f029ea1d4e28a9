import type { ExportFormat, ExportQuery, ReportQuery, SatisfactionReport } from '#shared/contracts/reports.js';
import type { Principal } from '../../auth/principal.js';
import { can } from '../../auth/authorization.js';
import type { AuditLog } from '../../data/audit.js';
import type { ExportRecord, ExportRegistry } from '../../data/export-registry.js';
import { AppError, ForbiddenError, NotFoundError } from '../../errors.js';
import { buildSatisfactionReport } from '../reports/satisfaction-report.js';
import type { ReportDeps } from '../reports/report-deps.js';
import { auditEntry } from '../surveys/scope.js';
import { reportDataHash, sha256Hex } from './integrity.js';

export interface ExportDeps {
  audit: Pick<AuditLog, 'append'>;
  now: () => Date;
  exports: Pick<ExportRegistry, 'register'>;
  /** A CJK font file for the PDF; absent: the font of @embedpdf/fonts-sc (as for posters). */
  posterFontPath?: string | undefined;
}

/** The report the page shows for a query: the reports use case, passed in so this one stays small. */
export type ReportBuilder = (principal: Principal, query: ReportQuery, now: Date) => Promise<SatisfactionReport>;

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
export async function renderReport(report: SatisfactionReport, format: ExportFormat, generatedAt: Date, fontPath?: string): Promise<Omit<ExportFile, 'filename'>> {
  const dataHash = reportDataHash(report);
  const stamp = { dataHash, generatedAt: generatedAt.toISOString() };
  // Each writer is loaded when its format is asked for: exceljs and pdfkit (with fontkit) are most
  // of the function's bundle, and a cold start evaluates only the one it needs.
  let body: Buffer;
  if (format === 'xlsx') body = await (await import('./export-xlsx.js')).reportXlsx(report, stamp);
  else if (format === 'csv') body = (await import('./export-csv.js')).reportCsv(report, stamp);
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
export async function exportSatisfactionReport(deps: ExportDeps, build: ReportBuilder, principal: Principal, query: ExportQuery): Promise<ExportFile> {
  const { format, ...reportQuery } = query;
  const unitId = reportQuery.unit ?? principal.unitId;
  const attempt = { action: 'report.export', objectType: 'unit', objectId: unitId };
  if (!can(principal, 'reports:export')) {
    await deps.audit.append(auditEntry(deps, principal, attempt, 'denied', { detail: `${format}: role lacks reports:export` }));
    throw new ForbiddenError('this role may not export reports');
  }
  const now = deps.now();
  let report: SatisfactionReport;
  try {
    // The report checks the scope: out of scope is 404 like unknown, and its own audit entry
    // (report.read) tells which; this one records the refused download.
    report = await build(principal, reportQuery, now);
  } catch (error) {
    const result = error instanceof NotFoundError ? 'not-found' : error instanceof AppError && error.statusCode < 500 ? 'invalid' : 'failed';
    await deps.audit.append(auditEntry(deps, principal, attempt, result, { detail: `${format}: ${error instanceof AppError && error.expose ? error.message : 'error'}`.slice(0, 200) }));
    throw error;
  }
  const file = await renderReport(report, format, now, deps.posterFontPath);
  if (file.body.length > MAX_DOWNLOAD_BYTES) {
    await deps.audit.append(auditEntry(deps, principal, attempt, 'invalid', { unitId: report.scope.unitId, detail: `${format}: file of ${file.body.length} bytes too large` }));
    throw new ExportTooLargeError(file.body.length);
  }
  const record = (sha256: string, matched: ExportRecord['matched']): ExportRecord => ({
    sha256,
    matched,
    format,
    scopeName: report.scope.window ? `${report.scope.name} / ${report.scope.window.name}` : report.scope.name,
    periodLabel: report.period.label,
    definitionId: report.definitions.id,
    n: report.summary.n,
    extractedAt: report.extractedAt,
    generatedAt: now.toISOString(),
  });
  await deps.exports.register(record(file.sha256, 'file'), record(file.dataHash, 'data'));
  await deps.audit.append(
    auditEntry(deps, principal, { ...attempt, objectId: report.scope.unitId }, 'ok', {
      unitId: report.scope.unitId,
      detail: `${format} ${report.period.from}..${report.period.to} sha256=${file.sha256} data=${file.dataHash}`,
    }),
  );
  const scope = report.scope.window ? `${report.scope.unitId}-${report.scope.window.code}` : report.scope.unitId;
  // Ids are [a-z0-9-] today; the header must stay safe whatever a future id holds.
  return { ...file, filename: `report-${scope}-${report.period.from}-${report.period.to}.${format}`.replace(/[^A-Za-z0-9._-]/g, '_') };
}

/** The download the API serves: the committee report built by the reports use case, then exported. */
export function downloadSatisfactionReport(deps: ExportDeps & ReportDeps, principal: Principal, query: ExportQuery): Promise<ExportFile> {
  return exportSatisfactionReport(deps, (who, reportQuery, now) => buildSatisfactionReport(deps, who, reportQuery, now), principal, query);
}
