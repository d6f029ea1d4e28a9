import { stringify } from 'csv-stringify/sync';
import { columnHeader, round, type FileColumn, type FileTable, type TableValue } from './report-tables.js';

/**
 * A small report as one CSV file, laid out like the committee report's (export-csv.ts): UTF-8 with a
 * byte-order mark (Excel and WPS then open Chinese correctly), CRLF rows (RFC 4180), each table
 * under a 【heading】 line with its header row, its notes beneath, tables separated by empty lines.
 * A number with `decimals` prints with exactly those digits ("87.80", as the page shows it); rates
 * print as percent points with two decimals. Text cells were neutralised when the tables were built.
 */
export function tablesCsv(tables: readonly FileTable[]): Buffer {
  const records: (string | number)[][] = [];
  tables.forEach((table, t) => {
    if (t > 0) records.push([]);
    records.push([`【${table.name}】`], table.columns.map(columnHeader));
    for (const row of table.rows) records.push(row.map((value, i) => csvValue(value, table.columns[i])));
    if (table.notes?.length) records.push([], ...table.notes.map((note) => [note]));
  });
  return Buffer.concat([Buffer.from('\uFEFF', 'utf8'), Buffer.from(stringify(records, { record_delimiter: '\r\n' }), 'utf8')]);
}

function csvValue(value: TableValue, column: FileColumn | undefined): string | number {
  if (value === null) return '';
  if (typeof value === 'object') return round(value.percent * 100, 2);
  if (typeof value === 'number' && column?.decimals !== undefined) return value.toFixed(column.decimals);
  return value;
}
