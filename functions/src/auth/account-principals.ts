import type { Accounts } from '../data/accounts.js';
import type { IdentityVerifier, Principal, TokenVerifier } from './principal.js';

export class NoActiveAccountError extends Error {
  override name = 'NoActiveAccountError';
}

/** How long a warm function trusts what it read of an account (role, scope, disabled). */
export const ACCOUNT_CACHE_MS = 60_000;

/**
 * AWS mode: Cognito proves who signed in (password and TOTP); our accounts table says what they
 * may do. Role and unit scope come from the account record, never from token claims, so they live
 * in our data in both modes and an administrator's change (or disabling an account) applies
 * within ACCOUNT_CACHE_MS on every warm function. A Cognito user without an active Manyi account
 * is refused (the bearer middleware answers 401).
 */
export function accountPrincipals(
  identity: IdentityVerifier,
  accounts: Pick<Accounts, 'get'>,
  options: { cacheMs?: number; clock?: () => number } = {},
): TokenVerifier {
  const cacheMs = options.cacheMs ?? ACCOUNT_CACHE_MS;
  const clock = options.clock ?? Date.now;
  const cache = new Map<string, { at: number; principal: Principal | undefined }>();
  return {
    async verify(token) {
      const { username } = await identity.verify(token);
      const now = clock();
      let hit = cache.get(username);
      if (!hit || now - hit.at >= cacheMs) {
        const record = await accounts.get(username);
        hit = { at: now, principal: record && !record.disabled ? { username: record.username, role: record.role, unitId: record.unitId } : undefined };
        cache.set(username, hit);
      }
      if (!hit.principal) throw new NoActiveAccountError(`no active account for ${username}`);
      return hit.principal;
    },
  };
}
