import type { Principal } from '../auth/principal.js';

/**
 * Whether a unit lies in the caller's scope: a system admin's scope is every unit tree, everyone
 * else's the subtree of their own unit (`path` holds the ids from the root down to the unit).
 * Callers answer "out of scope" exactly like "does not exist", so ids of other units reveal nothing.
 */
export function isInScope(principal: Pick<Principal, 'role' | 'unitId'>, unit: { path: readonly string[] } | undefined): boolean {
  if (!unit) return false;
  if (principal.role === 'system-admin') return true;
  return unit.path.includes(principal.unitId);
}
