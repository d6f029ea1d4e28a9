import type { Principal } from '../../auth/principal.js';
import { can, inScope, type Permission } from '../../auth/authorization.js';
import type { AuditEntry, AuditLog } from '../../data/audit.js';
import type { UnitRecord, WindowRecord } from '../../data/directory.js';
import type { StaffStore } from '../../data/staff.js';
import type { UnitStore } from '../../data/units.js';
import type { WindowStore } from '../../data/windows.js';
import { ForbiddenError, NotFoundError } from '../../errors.js';

/** What the org use cases need: the three entity stores, the audit log and a clock. */
export interface OrgDeps {
  units: UnitStore;
  windows: WindowStore;
  staff: StaffStore;
  audit: Pick<AuditLog, 'append'>;
  now: () => Date;
}

/** One attempted action, described once and audited with whatever result it ends with. */
export interface Attempt {
  action: string;
  objectType: 'unit' | 'window' | 'staff' | 'import' | 'hall';
  objectId: string;
}

export async function audit(
  deps: Pick<OrgDeps, 'audit' | 'now'>,
  principal: Principal,
  attempt: Attempt,
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

/** The role check, audited when refused. */
export async function requireOrg(deps: Pick<OrgDeps, 'audit' | 'now'>, principal: Principal, permission: Permission, attempt: Attempt): Promise<void> {
  if (can(principal, permission)) return;
  await audit(deps, principal, attempt, 'denied', { detail: `role lacks ${permission}` });
  throw new ForbiddenError(`this role may not ${permission.replace(':', ' ')}`);
}

/**
 * A unit the caller may see. Missing and out-of-scope units get the same NotFoundError naming
 * `field`; out-of-scope attempts are audited as denied, missing ones as not-found.
 */
export async function unitInScope(
  deps: Pick<OrgDeps, 'units' | 'audit' | 'now'>,
  principal: Principal,
  unitId: string,
  field: string,
  attempt: Attempt,
): Promise<UnitRecord> {
  const unit = await deps.units.get(unitId);
  if (unit && inScope(principal, unit)) return unit;
  await audit(deps, principal, attempt, unit ? 'denied' : 'not-found', { ...(unit ? { unitId: unit.id, detail: `${field} out of scope` } : { detail: `${field} not found` }) });
  throw new NotFoundError(field, 'unit');
}

/** Refusals that are not about scope (bad input found after loading, conflicts) are audited too. */
export async function refuse(
  deps: Pick<OrgDeps, 'audit' | 'now'>,
  principal: Principal,
  attempt: Attempt,
  error: Error,
  extra: { unitId?: string | undefined; detail?: string } = {},
): Promise<never> {
  await audit(deps, principal, attempt, 'invalid', { ...extra, detail: extra.detail ?? error.message.slice(0, 200) });
  throw error;
}

export function unitView(unit: UnitRecord) {
  return { id: unit.id, name: unit.name, parentId: unit.parentId, path: unit.path, archived: unit.archived === true };
}

/** A window whose unit is in the caller's scope; anything else is "no such window", audited. */
export async function windowInScope(
  deps: Pick<OrgDeps, 'windows' | 'units' | 'audit' | 'now'>,
  principal: Principal,
  code: string,
  attempt: Attempt,
): Promise<{ window: WindowRecord; unit: UnitRecord }> {
  const window = await deps.windows.get(code);
  const unit = window ? await deps.units.get(window.unitId) : undefined;
  if (window && unit && inScope(principal, unit)) return { window, unit };
  await audit(deps, principal, attempt, window ? 'denied' : 'not-found', window ? { unitId: window.unitId, detail: 'out of scope' } : {});
  throw new NotFoundError('code', 'window');
}
