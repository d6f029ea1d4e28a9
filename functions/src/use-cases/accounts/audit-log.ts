import type { AuditExportQuery, AuditPageView, AuditQuery } from '#shared/contracts/accounts-schemas.js';
import type { Principal } from '../../auth/principal.js';
import type { AuditLog, StoredAuditEntry } from '../../data/audit.js';
import { ValidationError } from '../../errors.js';
import { auditCsv } from './audit-csv.js';
import { authorize, record, type AccessDeps } from '../../access/index.js';

export interface AuditReadDeps extends AccessDeps {
  audit: Pick<AuditLog, 'append' | 'search'>;
}

/** A query covers at most a year; entries are kept 400 days. */
const MAX_DAYS = 366;
/** An export holds at most this many entries; narrow the filter for more. */
export const AUDIT_EXPORT_MAX = 20_000;

function checkRange(query: { from: string; to: string }): void {
  if (query.to < query.from) throw ValidationError.forField('to', 'must not be before from');
  const days = (Date.parse(`${query.to}T00:00:00Z`) - Date.parse(`${query.from}T00:00:00Z`)) / 86_400_000 + 1;
  if (!Number.isFinite(days)) throw ValidationError.forField('from', 'must be a day YYYY-MM-DD');
  if (days > MAX_DAYS) throw ValidationError.forField('to', `the range must be at most ${MAX_DAYS} days`);
}

const filterOf = (query: AuditExportQuery) => ({
  fromDay: query.from,
  toDay: query.to,
  ...(query.actor ? { actor: query.actor } : {}),
  ...(query.action ? { action: query.action } : {}),
});

/** The auditor reads the log, newest first, a page at a time. Nobody else may (not even a system admin). */
export async function searchAudit(deps: AuditReadDeps, principal: Principal, query: AuditQuery): Promise<AuditPageView> {
  await authorize(deps, principal, 'audit:read', { action: 'audit.read', objectType: 'audit-log', objectId: '*' });
  checkRange(query);
  let page;
  try {
    page = await deps.audit.search(filterOf(query), { limit: query.limit ?? 50, ...(query.cursor ? { cursor: query.cursor } : {}) });
  } catch (cause) {
    if (cause instanceof SyntaxError || (cause as { name?: string }).name === 'ValidationException') {
      throw ValidationError.forField('cursor', 'is not a cursor of this list');
    }
    throw cause;
  }
  return page;
}

/** CSV of every matching entry; the export itself is audited (with its filter). */
export async function exportAudit(deps: AuditReadDeps, principal: Principal, query: AuditExportQuery): Promise<{ csv: string; filename: string; count: number }> {
  const attempt = { action: 'audit.export', objectType: 'audit-log', objectId: `${query.from}..${query.to}` };
  await authorize(deps, principal, 'audit:read', attempt);
  checkRange(query);
  const entries: StoredAuditEntry[] = [];
  let cursor: string | undefined;
  do {
    const page = await deps.audit.search(filterOf(query), { limit: 200, ...(cursor ? { cursor } : {}) });
    entries.push(...page.entries);
    cursor = page.cursor;
  } while (cursor && entries.length < AUDIT_EXPORT_MAX);
  const rows = entries.slice(0, AUDIT_EXPORT_MAX);
  const filter = [query.actor ? `actor=${query.actor}` : '', query.action ? `action=${query.action}` : ''].filter(Boolean).join(' ');
  await record(deps, principal, attempt, 'ok', { detail: `${rows.length} entries${filter ? `; ${filter}` : ''}` });
  return { csv: auditCsv(rows), filename: `audit-${query.from}-${query.to}.csv`, count: rows.length };
}
