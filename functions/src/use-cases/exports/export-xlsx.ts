import { PassThrough, type Writable } from 'node:stream';
import ExcelJS from 'exceljs';
import type { SatisfactionReport } from '#shared/contracts/reports.js';
import { columnHeader, reportTables, round, type ExportStamp, type ReportTable, type TableValue } from './report-tables.js';
import { commentsTable, type ExportComments } from './comments-table.js';

/**
 * The report as an XLSX workbook: sheets 汇总 / 按单位 / 按窗口 / 按人员 / 按服务事项 / 按月 / 排名 /
 * 差评原因 / 评价留言 (when the download carries comments) / 计算说明. Written with exceljs's streaming WorkbookWriter: each row is committed and
 * zipped as it is written, so 50,000 windows stay within a 512 MB function
 * (docs/decisions/0008-reports-and-exports.md). Shared strings are off: they would keep every
 * distinct string in memory until the end. Rates are written as percent points in columns whose
 * header ends in (%), as in the CSV, with the number format 0.00: the two decimals the page and
 * the PDF print. Styles cost nearly nothing only because every cell gets one of a few shared style
 * objects (exceljs caches a style by object; a fresh object per cell made the writer 3–4× slower).
 *
 * Committees print the file, so every sheet carries its page setup (`printSetup`): A4, fit to one
 * page wide, the header row repeated on every page.
 */
export async function writeReportXlsx(report: SatisfactionReport, stamp: ExportStamp, stream: Writable, comments?: ExportComments): Promise<void> {
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream, useStyles: true, useSharedStrings: false });
  workbook.creator = 'Manyi 满意';
  workbook.created = new Date(stamp.generatedAt);
  workbook.modified = new Date(stamp.generatedAt);
  // Excel shows the custom property under File › Properties; the 数据校验码 is also on 汇总 and 计算说明.
  for (const table of reportTables(report, stamp, comments ? [commentsTable(comments)] : [])) {
    const sheet = workbook.addWorksheet(table.name, {
      views: [{ state: 'frozen', ySplit: 1 }],
      pageSetup: printSetup(table),
      headerFooter: { oddHeader: '&L&A', oddFooter: `&L数据校验码 ${stamp.dataHash}&R第 &P 页，共 &N 页` },
    });
    sheet.columns = table.columns.map((column, i) => ({ key: String(i), width: column.width ?? 12 }));
    const header = sheet.addRow(table.columns.map(columnHeader));
    header.eachCell((cell) => (cell.style = STYLES.header));
    header.commit();
    const wraps = table.columns.map((column) => column.wrap === true);
    let written = 0;
    for (const values of table.rows) {
      const row = sheet.addRow(values.map(xlsxValue));
      values.forEach((value, i) => {
        if (value !== null) row.getCell(i + 1).style = styleOf(value, wraps[i]!);
      });
      row.commit();
      // exceljs writes synchronously; without a turn of the event loop the zip never reads the
      // rows, and a 50,000-row sheet would sit in memory whole. Yield so it compresses and flushes.
      if (++written % YIELD_EVERY_ROWS === 0) await drained(stream);
    }
    if (table.notes?.length) {
      sheet.addRow([]).commit();
      for (const note of table.notes) {
        const row = sheet.addRow([note]);
        row.getCell(1).style = STYLES.plain;
        row.commit();
      }
    }
    sheet.commit();
  }
  await workbook.commit();
}

/** A4 in OOXML's paperSize numbering (1 would be Letter, the default LibreOffice falls back to). */
export const PAPER_A4 = 9;
/** More columns than this print across (landscape). */
export const PORTRAIT_MAX_COLUMNS = 4;

/**
 * How a sheet prints: A4, landscape when it is wide, scaled to one page wide and as many pages
 * down as it takes (fitToHeight 0), the header row on every page. `fitToPage` is the switch
 * (sheetPr/pageSetUpPr) without which spreadsheet programs ignore fitToWidth.
 */
export function printSetup(table: Pick<ReportTable, 'columns'>): Partial<ExcelJS.PageSetup> {
  return {
    paperSize: PAPER_A4 as ExcelJS.PageSetup['paperSize'],
    orientation: table.columns.length > PORTRAIT_MAX_COLUMNS ? 'landscape' : 'portrait',
    fitToPage: true,
    fitToWidth: 1,
    fitToHeight: 0,
    printTitlesRow: '1:1',
    horizontalCentered: true,
    margins: PRINT_MARGINS,
  };
}

/** Inches; about 1 cm at the sides, so an A4 portrait page holds ~100 character widths. */
export const PRINT_MARGINS = { left: 0.4, right: 0.4, top: 0.6, bottom: 0.6, header: 0.3, footer: 0.3 };

/** Shared style objects: exceljs looks a style up by object, so one object per kind keeps it cheap. */
const STYLES = {
  plain: {},
  rate: { numFmt: '0.00' },
  wrap: { alignment: { wrapText: true, vertical: 'top' } },
  // A whole font, not just bold: a font entry without size or name is read as 10 pt by some programs.
  header: { font: { name: 'Calibri', family: 2, size: 11, bold: true }, alignment: { wrapText: true, vertical: 'middle' } },
} satisfies Record<string, Partial<ExcelJS.Style>>;

function styleOf(value: Exclude<TableValue, null>, wrap: boolean): Partial<ExcelJS.Style> {
  if (typeof value === 'object') return STYLES.rate;
  return wrap && typeof value === 'string' ? STYLES.wrap : STYLES.plain;
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
