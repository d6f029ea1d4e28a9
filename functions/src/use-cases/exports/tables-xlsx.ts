import ExcelJS from 'exceljs';
import { printSetup } from './export-xlsx.js';
import { columnHeader, round, type ExportStamp, type FileColumn, type FileTable, type TableValue } from './report-tables.js';

/**
 * A small report as an XLSX workbook (a 阳光测评 round's, a 民主评议 campaign's): one sheet per
 * table, printed like the committee report files (export-xlsx.ts `printSetup`: A4, one page wide,
 * the header row on every page) with the 数据校验码 in every page's footer. These reports have tens
 * or hundreds of rows, not 50,000 windows, so the workbook is built in memory rather than streamed.
 */
export async function tablesXlsx(tables: readonly FileTable[], stamp: ExportStamp): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'Manyi 满意';
  workbook.created = new Date(stamp.generatedAt);
  workbook.modified = new Date(stamp.generatedAt);
  for (const table of tables) {
    const sheet = workbook.addWorksheet(table.name, {
      views: [{ state: 'frozen', ySplit: 1 }],
      pageSetup: printSetup(table),
      headerFooter: { oddHeader: '&L&A', oddFooter: `&L数据校验码 ${stamp.dataHash}&R第 &P 页，共 &N 页` },
    });
    sheet.columns = table.columns.map((column, i) => ({ key: String(i), width: column.width ?? 12 }));
    const header = sheet.addRow(table.columns.map(columnHeader));
    header.eachCell((cell) => (cell.style = HEADER));
    for (const values of table.rows) {
      const row = sheet.addRow(values.map(xlsxValue));
      values.forEach((value, i) => {
        const style = styleOf(value, table.columns[i]);
        if (style) row.getCell(i + 1).style = style;
      });
    }
    if (table.notes?.length) {
      sheet.addRow([]);
      for (const note of table.notes) sheet.addRow([note]);
    }
  }
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

const HEADER: Partial<ExcelJS.Style> = { font: { name: 'Calibri', family: 2, size: 11, bold: true }, alignment: { wrapText: true, vertical: 'middle' } };
const PERCENT: Partial<ExcelJS.Style> = { numFmt: '0.00' };
const WRAP: Partial<ExcelJS.Style> = { alignment: { wrapText: true, vertical: 'top' } };
const decimalStyles = new Map<number, Partial<ExcelJS.Style>>();

function styleOf(value: TableValue | undefined, column: FileColumn | undefined): Partial<ExcelJS.Style> | undefined {
  if (value === null || value === undefined) return undefined;
  if (typeof value === 'object') return PERCENT;
  if (typeof value === 'number' && column?.decimals !== undefined) {
    const digits = column.decimals;
    if (!decimalStyles.has(digits)) decimalStyles.set(digits, { numFmt: `0.${'0'.repeat(digits)}` });
    return decimalStyles.get(digits);
  }
  return column?.wrap && typeof value === 'string' ? WRAP : undefined;
}

/** Rates as percent points with two decimals, as the report files write them; other numbers in full. */
function xlsxValue(value: TableValue): string | number | null {
  if (value !== null && typeof value === 'object') return round(value.percent * 100, 2);
  return value;
}
