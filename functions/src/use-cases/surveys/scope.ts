import type { Principal } from '../../auth/principal.js';
import { can, inScope, type Permission } from '../../auth/authorization.js';
import type { AuditEntry, AuditLog } from '../../data/audit.js';
import type { Directory, UnitRecord } from '../../data/directory.js';
import { ForbiddenError, NotFoundError } from '../../errors.js';

export interface ScopeDeps {
  directory: Pick<Directory, 'getUnits'>;
  audit: Pick<AuditLog, 'append'>;
  now: () => Date;
}

/** What one administrative action is about, for its audit entry. */
export interface Attempt {
  action: string;
  objectType: string;
  objectId: string;
}

export function auditEntry(deps: Pick<ScopeDeps, 'now'>, principal: Principal, attempt: Attempt, result: AuditEntry['result'], extra: { unitId?: string; detail?: string } = {}): AuditEntry {
  return { at: deps.now().toISOString(), actor: principal.username, role: principal.role, ...attempt, ...extra, result };
}

/**
 * The unit an action is about, if the caller may act on it. A role without the permission gets
 * 403; a unit out of scope is answered exactly like a unit that does not exist (404, field `id`).
 * Both refusals are audited.
 */
export async function unitInScope(deps: ScopeDeps, principal: Principal, permission: Permission, unitId: string, attempt: Attempt): Promise<UnitRecord> {
  if (!can(principal, permission)) {
    await deps.audit.append(auditEntry(deps, principal, attempt, 'denied', { detail: `role lacks ${permission}` }));
    throw new ForbiddenError(`this role may not ${permission.replace(':', ' ')}`);
  }
  const unit = (await deps.directory.getUnits([unitId])).get(unitId);
  if (!inScope(principal, unit)) {
    await deps.audit.append(auditEntry(deps, principal, attempt, unit ? 'denied' : 'not-found', unit ? { unitId: unit.id, detail: 'out of scope' } : {}));
    throw new NotFoundError('id', 'unit');
  }
  return unit!;
}
