import { createHash } from 'node:crypto';
import ExcelJS from 'exceljs';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { SatisfactionReport } from '#shared/contracts/reports.js';
import { fixtureReport } from '../../../../test/support/report-fixture.js';
import { posterFont } from '../posters/poster-font.js';
import { reportCsv } from './export-csv.js';
import { reportPdf } from './export-pdf.js';
import { reportXlsx } from './export-xlsx.js';
import { reportDataHash } from './integrity.js';
import type { AuditEntry } from '../../data/audit.js';
import type { ExportRecord } from '../../data/export-registry.js';
import { exportSatisfactionReport, ExportTooLargeError, MAX_DOWNLOAD_BYTES } from './export-report.js';

const hostile = { unit: '=HYPERLINK("http://x","点我")', window: '@SUM(1)', staff: '+1-2' };
const report = fixtureReport({ windows: 40, seed: 7, hostile });
const stamp = { dataHash: reportDataHash(report), generatedAt: '2026-11-01T02:05:00.000Z' };

async function sheets(bytes: Buffer): Promise<Map<string, unknown[][]>> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(bytes as unknown as ArrayBuffer);
  const out = new Map<string, unknown[][]>();
  workbook.eachSheet((sheet) => {
    const rows: unknown[][] = [];
    sheet.eachRow({ includeEmpty: true }, (row) => rows.push((row.values as unknown[]).slice(1)));
    out.set(sheet.name, rows);
  });
  return out;
}

describe('report exports', () => {
  it('the fixture is a valid SatisfactionReport', () => {
    expect(SatisfactionReport.parse(report)).toBeTruthy();
  });

  it('XLSX has the sheets 汇总 / 按单位 / 按窗口 / 按人员 / 差评原因 / 计算说明 and the 数据校验码', async () => {
    const book = await sheets(await reportXlsx(report, stamp));
    expect([...book.keys()]).toEqual(expect.arrayContaining(['汇总', '按单位', '按窗口', '按人员', '差评原因', '计算说明']));
    const summary = new Map(book.get('汇总')!.map((row) => [row[0], row[1]]));
    expect(summary.get('数据校验码')).toBe(stamp.dataHash);
    expect(summary.get('评价数')).toBe(report.summary.n);
    expect(summary.get('满意率(%)')).toBe(Number((report.summary.satisfiedRate!.value! * 100).toFixed(2)));
    expect(book.get('计算说明')!.some((row) => row[1] === stamp.dataHash)).toBe(true);
    const windows = book.get('按窗口')!.slice(1);
    expect(windows).toHaveLength(40);
    report.byWindow.forEach((cell, i) => {
      if (cell.suppressed) expect(windows[i]!.slice(2, 8)).toEqual(['<5', '<5', '<5', '<5', '<5', '<5']);
      else expect(windows[i]![2]).toBe(cell.n);
    });
  });

  it('neutralises formulas in XLSX and CSV: hostile names come out as inert text, numbers stay numbers', async () => {
    const book = await sheets(await reportXlsx(report, stamp));
    expect(book.get('按单位')![1]![0]).toBe(`'${hostile.unit}`);
    expect(book.get('按窗口')![1]![0]).toBe(`'${hostile.window}`);
    expect(book.get('按人员')![1]![0]).toBe(`'${hostile.staff}`);
    for (const rows of book.values()) for (const row of rows) for (const value of row) {
      if (typeof value === 'string') expect(value).not.toMatch(/^[=+\-@\t\r]/);
      expect(value === null || typeof value !== 'object' || !('formula' in (value as object))).toBe(true);
    }
    const csv = reportCsv(report, stamp).toString('utf8');
    const records = parse(csv.slice(1), { relax_column_count: true }) as string[][];
    for (const record of records) for (const value of record) expect(value).not.toMatch(/^[=+\-@\t\r]/);
    expect(records.flat()).toContain(`'${hostile.unit}`);
  });

  it('CSV is UTF-8 with a BOM, starts with the header block and carries the 数据校验码', () => {
    const bytes = reportCsv(report, stamp);
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const records = parse(bytes.subarray(3), { relax_column_count: true }) as string[][];
    expect(records[0]).toEqual(['报告', '满意度评价报告']);
    expect(records.find((r) => r[0] === '数据校验码')?.[1]).toBe(stamp.dataHash);
    const small = records.find((r) => r[1] === 'u-small')!;
    expect(small.slice(2, 8)).toEqual(['<5', '<5', '<5', '<5', '<5', '<5']);
    const comp = records.find((r) => r[1] === 'u-comp')!;
    expect(comp.slice(2, 8)).toEqual(Array(6).fill('已隐藏'));
  });

  it('PDF renders with the CJK font', async () => {
    const bytes = await reportPdf(report, stamp, posterFont());
    expect(bytes.subarray(0, 5).toString()).toBe('%PDF-');
  });
});

describe('数据校验码', () => {
  it('is the SHA-256 of the submit-rating canonical JSON, computed without building the string', async () => {
    const { canonical } = await import('../submit-rating.js');
    const { sha256Hex } = await import('./integrity.js');
    const value = { b: [1, 'x', null, { d: undefined, c: '"引号"' }], a: { z: true, y: 0.1 + 0.2 }, long: 'y'.repeat(70_000) };
    expect(reportDataHash(value as never)).toBe(sha256Hex(canonical(value)));
    const { extractedAt: _read, ...data } = JSON.parse(JSON.stringify(report)) as typeof report;
    expect(reportDataHash(report)).toBe(sha256Hex(canonical(data)));
  });

  it('covers the query, the definitions and the numbers only: the same data read at another time has the same code', () => {
    const later = { ...report, extractedAt: '2027-01-01T00:00:00.000Z' };
    expect(reportDataHash(later)).toBe(reportDataHash(report));
    const otherNumbers = { ...report, summary: { ...report.summary, n: (report.summary.n ?? 0) + 1 } };
    expect(reportDataHash(otherNumbers)).not.toBe(reportDataHash(report));
    const otherDefinition = { ...report, definitions: { ...report.definitions, id: `${report.definitions.id}-x` } };
    expect(reportDataHash(otherDefinition)).not.toBe(reportDataHash(report));
  });
});

describe('exportSatisfactionReport', () => {
  const committee = { username: 'c.member', role: 'committee', unitId: 'jn-qh-lj' } as const;
  const fakes = () => {
    const audit: AuditEntry[] = [];
    const registered: ExportRecord[] = [];
    const deps = {
      audit: { append: async (entry: AuditEntry) => void audit.push(entry) },
      exports: { register: async (file: ExportRecord, data: ExportRecord) => void registered.push(file, data) },
      now: () => new Date('2026-11-01T02:05:00.000Z'),
    };
    return { audit, registered, deps };
  };
  const query = { format: 'csv', period: 'month', channel: 'all', definition: 'national', minN: 30 } as const;

  it('registers the file and its data (never who) and audits the download with both hashes', async () => {
    const { audit, registered, deps } = fakes();
    const file = await exportSatisfactionReport(deps, async () => report, committee, query);
    expect(file.sha256).toBe(createHash('sha256').update(file.body).digest('hex'));
    expect(registered.map((r) => [r.matched, r.sha256])).toEqual([['file', file.sha256], ['data', file.dataHash]]);
    expect(JSON.stringify(registered)).not.toContain(committee.username);
    expect(audit).toEqual([expect.objectContaining({ actor: committee.username, action: 'report.export', result: 'ok', objectId: 'jn-qh-lj', detail: expect.stringContaining(`sha256=${file.sha256} data=${file.dataHash}`) })]);
  });

  it('refuses staff with 403, audited, without building the report', async () => {
    const { audit, deps } = fakes();
    let built = false;
    await expect(exportSatisfactionReport(deps, async () => ((built = true), report), { ...committee, role: 'staff' }, query)).rejects.toMatchObject({ statusCode: 403 });
    expect(built).toBe(false);
    expect(audit).toEqual([expect.objectContaining({ action: 'report.export', result: 'denied' })]);
  });

  it('answers a file too large to download with a 413 naming unit, registers nothing, audits it', async () => {
    const { audit, registered, deps } = fakes();
    const huge = fixtureReport({ windows: 60_000, seed: 3 });
    const error = await exportSatisfactionReport(deps, async () => huge, committee, query).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ExportTooLargeError);
    expect((error as ExportTooLargeError).issues?.[0]?.field).toBe('unit');
    expect(registered).toEqual([]);
    expect(audit).toEqual([expect.objectContaining({ result: 'invalid' })]);
    expect(MAX_DOWNLOAD_BYTES * (4 / 3)).toBeLessThan(6 * 1024 * 1024);
  }, 60_000);
});
