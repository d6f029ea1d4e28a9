import { stringify } from 'csv-stringify/sync';
import type { SatisfactionReport } from '#shared/contracts/reports.js';
import { columnHeader, headerBlock, reportTables, round, type ExportStamp, type TableValue } from './report-tables.js';
import { commentsTable, type ExportComments } from './comments-table.js';

/**
 * The report as one CSV file: UTF-8 with a byte-order mark (so that Excel and WPS open Chinese
 * correctly), CRLF rows (RFC 4180). A short header block (report, scope, period, definition,
 * 数据校验码) comes first, then each table under a 【heading】 line, separated by empty lines.
 * Rates are written as percent points with two decimals, under headers ending in (%).
 * Text cells were neutralised against formula injection when the tables were built.
 */
export function reportCsv(report: SatisfactionReport, stamp: ExportStamp, comments?: ExportComments): Buffer {
  const header = headerBlock(report, stamp);
  const [summary, ...tables] = reportTables(report, stamp, comments ? [commentsTable(comments)] : []);
  const records: (string | number)[][] = header.map(([key, value]) => [key, value]);
  // 汇总 begins with the header block; its numbers follow it.
  records.push([], ['【汇总】'], ['项目', '内容']);
  for (const row of summary.rows.slice(header.length + 1)) records.push(row.map(csvValue));
  for (const table of tables) {
    records.push([], [`【${table.name}】`]);
    records.push(table.columns.map(columnHeader));
    for (const row of table.rows) records.push(row.map(csvValue));
    if (table.notes?.length) records.push([], ...table.notes.map((note) => [note]));
  }
  return Buffer.concat([Buffer.from('\uFEFF', 'utf8'), Buffer.from(stringify(records, { record_delimiter: '\r\n' }), 'utf8')]);
}

function csvValue(value: TableValue): string | number {
  if (value === null) return '';
  if (typeof value === 'object') return round(value.percent * 100, 2);
  return value;
}
