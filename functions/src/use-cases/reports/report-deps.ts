import type { Principal } from '../../auth/principal.js';
import { can, inScope, type Permission } from '../../auth/authorization.js';
import type { Accounts } from '../../data/accounts.js';
import type { AuditEntry, AuditLog } from '../../data/audit.js';
import type { UnitRecord, WindowRecord } from '../../data/directory.js';
import type { RateDefinitionStore } from '../../data/rate-definitions.js';
import type { StaffStore } from '../../data/staff.js';
import type { TotalsReader, WindowsDays } from '../../data/totals.js';
import type { UnitStore } from '../../data/units.js';
import type { WindowStore } from '../../data/windows.js';
import { ForbiddenError, NotFoundError } from '../../errors.js';

/** What the report use cases need. The runtime (data layer + clock) satisfies it. */
export interface ReportDeps {
  units: Pick<UnitStore, 'get' | 'children'>;
  windows: Pick<WindowStore, 'get' | 'listSubtree'>;
  staff: Pick<StaffStore, 'getMany' | 'listUnit'>;
  totals: Pick<TotalsReader, 'windowsDays'>;
  rateDefinitions: RateDefinitionStore;
  accounts: Pick<Accounts, 'get'>;
  audit: Pick<AuditLog, 'append'>;
  now: () => Date;
}

export interface ReportAttempt {
  action: string;
  objectType: 'unit' | 'window' | 'staff' | 'rate-definition';
  objectId: string;
}

export async function auditReport(
  deps: Pick<ReportDeps, 'audit' | 'now'>,
  principal: Principal,
  attempt: ReportAttempt,
  result: AuditEntry['result'],
  extra: { unitId?: string | undefined; detail?: string } = {},
): Promise<void> {
  await deps.audit.append({
    at: deps.now().toISOString(),
    actor: principal.username,
    role: principal.role,
    ...attempt,
    ...(extra.unitId ? { unitId: extra.unitId } : {}),
    result,
    ...(extra.detail ? { detail: extra.detail } : {}),
  });
}

/** The role check; a refusal is audited. */
export async function requireReportPermission(deps: Pick<ReportDeps, 'audit' | 'now'>, principal: Principal, permission: Permission, attempt: ReportAttempt): Promise<void> {
  if (can(principal, permission)) return;
  await auditReport(deps, principal, attempt, 'denied', { detail: `role lacks ${permission}` });
  throw new ForbiddenError(`this role may not ${permission.replace(':', ' ')}`);
}

/** A unit in the caller's scope; unknown and out-of-scope answer alike (404 naming `field`), both audited. */
export async function reportUnit(deps: Pick<ReportDeps, 'units' | 'audit' | 'now'>, principal: Principal, unitId: string, field: string, attempt: ReportAttempt): Promise<UnitRecord> {
  const unit = await deps.units.get(unitId);
  if (unit && inScope(principal, unit)) return unit;
  await auditReport(deps, principal, attempt, unit ? 'denied' : 'not-found', unit ? { unitId: unit.id, detail: `${field} out of scope` } : { detail: `${field} not found` });
  throw new NotFoundError(field, 'unit');
}

/** A window inside the subtree of `scope`; anything else is "no such window", audited. */
export async function reportWindow(
  deps: Pick<ReportDeps, 'windows' | 'audit' | 'now'>,
  principal: Principal,
  scope: UnitRecord,
  code: string,
  attempt: ReportAttempt,
): Promise<WindowRecord & { unitPath: string[] }> {
  const window = await deps.windows.get(code);
  const unitPath = window?.unitPath ?? [];
  if (window && unitPath.includes(scope.id)) return { ...window, unitPath };
  await auditReport(deps, principal, attempt, window ? 'denied' : 'not-found', window ? { unitId: window.unitId, detail: 'window out of scope' } : { detail: 'window not found' });
  throw new NotFoundError('window', 'window');
}

/** Every page of a paginated listing. */
export async function allPages<T>(list: (cursor: string | undefined) => Promise<{ items: T[]; cursor?: string }>): Promise<T[]> {
  const items: T[] = [];
  let cursor: string | undefined;
  do {
    const page = await list(cursor);
    items.push(...page.items);
    cursor = page.cursor;
  } while (cursor);
  return items;
}

/** Default parallelism of totals queries: DynamoDB Local on two cores saturates around here. */
export const TOTALS_CONCURRENCY = 16;

/**
 * The window-day totals of many windows: one Query per window (pattern 6), so at most W × D items,
 * with bounded parallelism.
 */
export function readTotals(totals: ReportDeps['totals'], codes: string[], from: string, to: string): Promise<WindowsDays> {
  return totals.windowsDays(codes, from, to, { concurrency: TOTALS_CONCURRENCY });
}
