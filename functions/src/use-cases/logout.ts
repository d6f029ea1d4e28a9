import { record, type AccessDeps } from '../access/index.js';
import type { Principal } from '../auth/principal.js';
import type { Accounts } from '../data/accounts.js';

export interface LogoutDeps extends AccessDeps {
  accounts: Pick<Accounts, 'endSessions'>;
}

/**
 * Logout ends every session of the account, not just the browser's cookie: the session version
 * goes up and every token issued before is refused (auth/account-principals.ts). Simpler than a
 * list of sessions, and what a person who logs out of a shared computer expects. An account that
 * no longer exists has no session to end.
 */
export async function logout(deps: LogoutDeps, principal: Principal): Promise<{ loggedOut: true }> {
  await deps.accounts.endSessions(principal.username);
  await record(deps, principal, { action: 'logout', objectType: 'account', objectId: principal.username, unitId: principal.unitId }, 'ok', { detail: 'every session ended' });
  return { loggedOut: true };
}
