import { PassThrough, type Writable } from 'node:stream';
import ExcelJS from 'exceljs';
import type { SatisfactionReport } from '#shared/contracts/reports.js';
import { columnHeader, reportTables, round, type ExportStamp, type TableValue } from './report-tables.js';
import { commentsTable, type ExportComments } from './comments-table.js';

/**
 * The report as an XLSX workbook: sheets 汇总 / 按单位 / 按窗口 / 按人员 / 按服务事项 / 按月 / 排名 /
 * 差评原因 / 评价留言 (when the download carries comments) / 计算说明. Written with exceljs's streaming WorkbookWriter: each row is committed and
 * zipped as it is written, so 50,000 windows stay within a 512 MB function
 * (docs/decisions/0008-reports-and-exports.md). Shared strings are off: they would keep every
 * distinct string in memory until the end. Styles are off too: they made the writer 3–4× slower
 * (5.1 s against 1.2 s for 50,000 rows), so rates are written as percent points with two
 * decimals — the numbers the page shows — in columns whose header ends in (%), as in the CSV.
 */
export async function writeReportXlsx(report: SatisfactionReport, stamp: ExportStamp, stream: Writable, comments?: ExportComments): Promise<void> {
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream, useStyles: false, useSharedStrings: false });
  workbook.creator = 'Manyi 满意';
  workbook.created = new Date(stamp.generatedAt);
  workbook.modified = new Date(stamp.generatedAt);
  // Excel shows the custom property under File › Properties; the 数据校验码 is also on 汇总 and 计算说明.
  for (const table of reportTables(report, stamp, comments ? [commentsTable(comments)] : [])) {
    const sheet = workbook.addWorksheet(table.name, { views: [{ state: 'frozen', ySplit: 1 }] });
    sheet.columns = table.columns.map((column, i) => ({ key: String(i), width: column.width ?? 12 }));
    sheet.addRow(table.columns.map(columnHeader)).commit();
    let written = 0;
    for (const values of table.rows) {
      sheet.addRow(values.map(xlsxValue)).commit();
      // exceljs writes synchronously; without a turn of the event loop the zip never reads the
      // rows, and a 50,000-row sheet would sit in memory whole. Yield so it compresses and flushes.
      if (++written % YIELD_EVERY_ROWS === 0) await drained(stream);
    }
    if (table.notes?.length) {
      sheet.addRow([]).commit();
      for (const note of table.notes) sheet.addRow([note]).commit();
    }
    sheet.commit();
  }
  await workbook.commit();
}

const YIELD_EVERY_ROWS = 500;

/** Let the zip and the output catch up: one event-loop turn, then wait while the output is full. */
async function drained(stream: Writable): Promise<void> {
  await new Promise<void>((resolve) => setImmediate(resolve));
  if (stream.writableNeedDrain) await new Promise<void>((resolve) => stream.once('drain', resolve));
}

/** Percentages stay numbers (percent points); text was neutralised already. */
function xlsxValue(value: TableValue): string | number | null {
  if (value !== null && typeof value === 'object') return round(value.percent * 100, 2);
  return value;
}

/** The whole workbook in memory, for a Lambda response (base64 through API Gateway). */
export async function reportXlsx(report: SatisfactionReport, stamp: ExportStamp, comments?: ExportComments): Promise<Buffer> {
  const sink = new PassThrough();
  const chunks: Buffer[] = [];
  sink.on('data', (chunk: Buffer) => chunks.push(chunk));
  const ended = new Promise<void>((resolve, reject) => {
    sink.on('end', resolve);
    sink.on('error', reject);
  });
  await writeReportXlsx(report, stamp, sink, comments);
  await ended;
  return Buffer.concat(chunks);
}
