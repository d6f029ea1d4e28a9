import type { Role } from '#shared/contracts/auth.js';
import { ForbiddenError } from '../errors.js';
import type { Principal } from './principal.js';

/**
 * Who may do what. Decided here, in the use cases, never only in the UI. Roles come from the
 * account (local) or Cognito's custom attributes (AWS); scopes are unit subtrees.
 */
export const PERMISSIONS = {
  /** Read satisfaction results of units in scope. */
  'results:read': ['system-admin', 'unit-admin', 'committee'],
  /** Download reports of units in scope as XLSX, CSV or PDF (audited; staff see only their own aggregate). */
  'reports:export': ['system-admin', 'unit-admin', 'committee'],
  /** A staff member's own aggregate (the account's personId is the 工号 of a staff record of its unit). */
  'reports:own': ['staff'],
  /** Add local rate definitions (which levels count as 好评 / 满意) to the registry. */
  'definitions:manage': ['system-admin'],
  /** Read the unit tree, windows, staff and surveys in scope. */
  'org:read': ['system-admin', 'unit-admin', 'committee'],
  /** Change units, windows, staff, surveys, posters in scope. */
  'org:write': ['system-admin', 'unit-admin'],
  /** Create accounts and assign roles. */
  'accounts:manage': ['system-admin'],
  /** Read and export the audit log. */
  'audit:read': ['auditor'],
} as const satisfies Record<string, readonly Role[]>;
export type Permission = keyof typeof PERMISSIONS;

export function can(principal: Principal, permission: Permission): boolean {
  return (PERMISSIONS[permission] as readonly Role[]).includes(principal.role);
}

export function requirePermission(principal: Principal, permission: Permission): void {
  if (!can(principal, permission)) throw new ForbiddenError(`this role may not ${permission.replace(':', ' ')}`);
}

/**
 * A system admin sees everything; everyone else sees the subtree of their unit. Callers answer
 * "out of scope" exactly like "does not exist", so ids of other units reveal nothing.
 */
export function inScope(principal: Principal, unit: { path: readonly string[] } | undefined): boolean {
  if (!unit) return false;
  if (principal.role === 'system-admin') return true;
  return unit.path.includes(principal.unitId);
}
