import type { ImportTable } from '../org/import-file.js';
import { mapColumns, type RowIssue } from '../org/import-rows.js';

/**
 * 办件 file rows → push inputs (pure). Columns in Chinese as a business system's export names them,
 * or the push's field names; 办理方式 and 申请人类型 in Chinese or as the API's values; 办结时间
 * with or without an offset.
 */
export const RECORD_COLUMNS = {
  projNo: ['办件编号', 'projno'],
  unitId: ['单位编码', '单位', 'unitid', 'unit'],
  windowCode: ['窗口编号', '窗口编码', 'windowcode'],
  serviceItem: ['办理事项', '事项名称', 'serviceitem'],
  staffNo: ['工号', 'staffno'],
  finishedAt: ['办结时间', 'finishedat'],
  servedVia: ['办理方式', 'servedvia'],
  applicantType: ['申请人类型', 'applicanttype'],
  applicantMobile: ['申请人手机', '申请人手机号', '手机', 'applicantmobile'],
} as const;
type Field = keyof typeof RECORD_COLUMNS;
const REQUIRED: Field[] = ['projNo', 'unitId', 'serviceItem', 'finishedAt', 'servedVia', 'applicantType'];

const SERVED_VIA: Record<string, string> = { 窗口: 'window', 网上: 'online', 自助: 'self-service', window: 'window', online: 'online', 'self-service': 'self-service' };
const APPLICANT: Record<string, string> = { 个人: 'person', 企业: 'company', person: 'person', company: 'company' };

/**
 * 办结时间 as ISO 8601 with an offset. A time without an offset is China time, because that is
 * what a 政务服务 system's export and an Excel cell mean: `2026-12-06 10:30` → `2026-12-06T10:30:00+08:00`.
 * An XLSX date cell arrives as its wall-clock digits (import-file.ts), a date stored as a plain
 * number as the Excel serial (days since 1899-12-30: 46362.4375 → 2026-12-06 10:30).
 */
export function chinaDateTime(value: string): string | undefined {
  if (/[zZ]$|[+-]\d{2}:?\d{2}$/.test(value) && value.includes('T')) return value;
  const serial = /^\d{5}(\.\d+)?$/.test(value) ? Number(value) : undefined;
  if (serial !== undefined) {
    const wall = new Date(Math.round((serial - 25_569) * 86_400) * 1000).toISOString();
    return `${wall.slice(0, 19)}+08:00`;
  }
  const m = /^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})[ T](\d{1,2}):(\d{2})(?::(\d{2}))?$/.exec(value);
  if (!m) return undefined;
  const two = (s: string | undefined) => (s ?? '0').padStart(2, '0');
  return `${m[1]}-${two(m[2])}-${two(m[3])}T${two(m[4])}:${m[5]}:${two(m[6])}+08:00`;
}

export interface RecordRow {
  line: number;
  /** The push input (strings as in the file, mapped values for the enums); undefined fields left out. */
  input: Record<string, string>;
  /** Problems found while mapping (enums, times); the push's own checks come on top. */
  errors: RowIssue[];
}

/** The columns of a file, and how to map one of its rows to a push input (rows are mapped chunk by chunk). */
export function recordColumns(table: ImportTable): { columns: string[]; missing: Field[]; map: (row: ImportTable['rows'][number]) => RecordRow } {
  const { columns, missing } = mapColumns(table.header, RECORD_COLUMNS, REQUIRED);
  const map = ({ line, cells }: ImportTable['rows'][number]): RecordRow => {
    const input: Record<string, string> = {};
    const errors: RowIssue[] = [];
    for (const field of Object.keys(RECORD_COLUMNS) as Field[]) {
      const index = columns[field];
      const value = index === undefined ? '' : (cells[index] ?? '');
      if (value !== '') input[field] = value;
    }
    if (input.servedVia !== undefined) {
      const via = SERVED_VIA[input.servedVia.toLowerCase()];
      if (via) input.servedVia = via;
      else errors.push({ field: 'servedVia', message: 'must be 窗口, 网上 or 自助' });
    }
    if (input.applicantType !== undefined) {
      const type = APPLICANT[input.applicantType.toLowerCase()];
      if (type) input.applicantType = type;
      else errors.push({ field: 'applicantType', message: 'must be 个人 or 企业' });
    }
    if (input.finishedAt !== undefined) {
      const at = chinaDateTime(input.finishedAt);
      if (at) input.finishedAt = at;
      else errors.push({ field: 'finishedAt', message: 'must be a date and time, e.g. 2026-12-06 10:30 (China time)' });
    }
    return { line, input, errors };
  };
  return { columns: Object.keys(columns), missing, map };
}
