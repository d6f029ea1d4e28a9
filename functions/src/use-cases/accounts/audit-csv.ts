import { stringify } from 'csv-stringify/sync';
import type { StoredAuditEntry } from '../../data/audit.js';

/**
 * A cell a spreadsheet would run as a formula starts with = + - @ (or tab / CR, which some
 * programs strip first). Prefix those with a single quote (OWASP "CSV injection"), so
 * `=HYPERLINK(…)` shows as text. Example: `-1` → `'-1`, `@SUM(A1)` → `'@SUM(A1)`.
 */
export function neutraliseCell(value: string): string {
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

export const AUDIT_CSV_COLUMNS = ['at', 'actor', 'role', 'action', 'objectType', 'objectId', 'unitId', 'result', 'detail'] as const;

/** UTF-8 with a byte-order mark, so that Excel opens Chinese text correctly; CRLF rows (RFC 4180). */
export function auditCsv(entries: readonly StoredAuditEntry[]): string {
  const rows = entries.map((e) => AUDIT_CSV_COLUMNS.map((column) => neutraliseCell(String(e[column] ?? ''))));
  return `\uFEFF${stringify([[...AUDIT_CSV_COLUMNS], ...rows], { record_delimiter: '\r\n' })}`;
}
