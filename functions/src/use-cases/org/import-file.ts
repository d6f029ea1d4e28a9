import { parse as parseCsv } from 'csv-parse/sync';
import { readSheet } from 'read-excel-file/node';
import { ValidationError } from '../../errors.js';

/**
 * The largest import file accepted: 3 MiB. A 5,000-row staff CSV is ~0.5 MB (~100 bytes a row);
 * 3 MiB leaves room for long pledges, and its base64 (4 MiB, how the gateway passes a GBK or XLSX
 * file) stays under Lambda's 6 MB request payload limit (API Gateway HTTP API allows 10 MB).
 */
export const MAX_IMPORT_BYTES = 3 * 1024 * 1024;

export interface ImportTable {
  format: 'csv' | 'xlsx';
  encoding: 'utf-8' | 'gb18030' | 'xlsx';
  header: string[];
  /** Data rows, each with its row number in the file (the header is row 1). */
  rows: { line: number; cells: string[] }[];
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });
// Node's own decoder (full ICU, as in the Lambda runtime): no 500 KB of iconv tables in the bundle.
const gb18030 = new TextDecoder('gb18030');
const ZIP_MAGIC = [0x50, 0x4b, 0x03, 0x04];

/**
 * Text of a CSV file: valid UTF-8 (a BOM is dropped) is UTF-8; anything else is read as GB18030,
 * the superset of GBK that Chinese Excel and WPS write ("CSV (逗号分隔)").
 */
export function decodeCsvText(bytes: Uint8Array): { text: string; encoding: 'utf-8' | 'gb18030' } {
  const body = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? bytes.subarray(3) : bytes;
  try {
    return { text: strictUtf8.decode(body), encoding: 'utf-8' };
  } catch {
    return { text: gb18030.decode(body), encoding: 'gb18030' };
  }
}

/** The bytes of an upload as the gateway delivers them (base64 for anything not UTF-8). */
export function uploadBytes(body: string | undefined, isBase64Encoded: boolean): Buffer {
  const bytes = body === undefined ? Buffer.alloc(0) : isBase64Encoded ? Buffer.from(body, 'base64') : Buffer.from(body, 'utf8');
  if (bytes.length === 0) throw ValidationError.forField('file', 'is empty');
  if (bytes.length > MAX_IMPORT_BYTES) throw ValidationError.forField('file', `must be at most ${MAX_IMPORT_BYTES} bytes`);
  return bytes;
}

const clean = (cell: string) => cell.replace(/^\uFEFF/, '').trim();

/** Read a CSV or XLSX file into a header and rows of trimmed strings; empty rows are skipped. */
export async function readImportTable(bytes: Uint8Array): Promise<ImportTable> {
  if (ZIP_MAGIC.every((byte, i) => bytes[i] === byte)) return readXlsx(bytes);
  const { text, encoding } = decodeCsvText(bytes);
  if (text.includes('\u0000')) throw ValidationError.forField('file', 'is not a CSV or XLSX file');
  let records: string[][];
  try {
    records = parseCsv(text, { relax_column_count: true, skip_empty_lines: false, bom: true }) as string[][];
  } catch (error) {
    throw ValidationError.forField('file', `is not valid CSV (${error instanceof Error ? error.message.slice(0, 120) : 'parse error'})`);
  }
  return toTable('csv', encoding, records.map((record) => record.map(clean)));
}

async function readXlsx(bytes: Uint8Array): Promise<ImportTable> {
  let data: unknown[][];
  try {
    // The first worksheet; read-excel-file unzips and parses only what a sheet needs.
    data = (await readSheet(Buffer.from(bytes))) as unknown[][];
  } catch {
    throw ValidationError.forField('file', 'is not a readable XLSX file');
  }
  // Excel dates have no time zone: read-excel-file gives their wall-clock digits as UTC, kept as written
  // (a date alone as YYYY-MM-DD, a date and time as YYYY-MM-DD HH:mm:ss; 办结时间 reads it as China time).
  // A cell holds days as a binary fraction: 10:58:00 can come back as 10:57:59.999, so round to the second first.
  const date = (value: Date) => {
    const second = new Date(Math.round(value.getTime() / 1000) * 1000);
    return second.getTime() % 86_400_000 === 0 ? second.toISOString().slice(0, 10) : second.toISOString().slice(0, 19).replace('T', ' ');
  };
  const text = (value: unknown) => (value === null || value === undefined ? '' : value instanceof Date ? date(value) : String(value));
  return toTable('xlsx', 'xlsx', data.map((row) => row.map((value) => clean(text(value)))));
}

function toTable(format: ImportTable['format'], encoding: ImportTable['encoding'], records: string[][]): ImportTable {
  const [header, ...rest] = records;
  if (!header || header.every((cell) => cell === '')) throw ValidationError.forField('file', 'has no header row');
  const rows = rest
    .map((cells, index) => ({ line: index + 2, cells }))
    .filter((row) => row.cells.some((cell) => cell !== ''));
  return { format, encoding, header, rows };
}
