import { can, type Permission } from '../../auth/authorization.js';
import type { Principal } from '../../auth/principal.js';
import type { AuditEntry, AuditLog } from '../../data/audit.js';
import { ForbiddenError } from '../../errors.js';

export interface AuditDeps {
  audit: Pick<AuditLog, 'append'>;
  now: () => Date;
}

export interface Attempt {
  action: string;
  objectType: string;
  objectId: string;
  unitId?: string;
}

export function entry(deps: AuditDeps, principal: Principal, attempt: Attempt, result: AuditEntry['result'], detail?: string): AuditEntry {
  return {
    at: deps.now().toISOString(),
    actor: principal.username,
    role: principal.role,
    ...attempt,
    result,
    ...(detail ? { detail } : {}),
  };
}

/** 403 for a role without the permission, and the refusal in the audit log. */
export async function guard(deps: AuditDeps, principal: Principal, permission: Permission, attempt: Attempt): Promise<void> {
  if (can(principal, permission)) return;
  await deps.audit.append(entry(deps, principal, attempt, 'denied', `role lacks ${permission}`));
  throw new ForbiddenError(`this role may not ${permission.replace(':', ' ')}`);
}
