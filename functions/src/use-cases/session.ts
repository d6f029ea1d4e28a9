import type { SessionView } from '#shared/contracts/auth.js';
import { permissionsOf } from '../access/permissions.js';
import type { Principal } from '../auth/principal.js';
import type { Accounts } from '../data/accounts.js';
import type { UnitStore } from '../data/units.js';

export interface SessionDeps {
  accounts: Pick<Accounts, 'get'>;
  units: Pick<UnitStore, 'get'>;
}

/**
 * Who the caller is, for the admin shell: name, role, scope (unit id and name) and the actions of
 * the access matrix the role may take. The web hides what the role may not use; the API still
 * checks every request. The principal is already checked against the account (state, role, scope,
 * session version), so what this reads is what the next request will be judged by.
 */
export async function describeSession(deps: SessionDeps, principal: Principal): Promise<SessionView> {
  const [account, unit] = await Promise.all([deps.accounts.get(principal.username), deps.units.get(principal.unitId)]);
  return {
    username: principal.username,
    displayName: account?.displayName ?? principal.username,
    role: principal.role,
    // A scope whose unit was archived still names its id rather than nothing.
    unit: { id: principal.unitId, name: unit?.name ?? principal.unitId },
    permissions: permissionsOf(principal),
  };
}
