import type { Accounts } from '../data/accounts.js';
import type { IdentityVerifier, Principal, TokenVerifier } from './principal.js';

export class NoActiveAccountError extends Error {
  override name = 'NoActiveAccountError';
}

/** How long a warm function trusts what it read of an account (role, scope, disabled) in AWS mode. */
export const ACCOUNT_CACHE_MS = 60_000;
/** Locally the check is nearly immediate: a logout or a disabled account stops its tokens within this. */
export const LOCAL_ACCOUNT_CACHE_MS = 5_000;

/**
 * Both modes: the token proves who signed in (Cognito's ID token, or our own local token); our
 * accounts table says what they may do. Role and unit scope come from the account record, never
 * from token claims, and an administrator's change (or disabling an account) applies within the
 * cache time on every warm function. A local token also carries the account's session version:
 * a token older than the account's current version (disabled, role or scope changed, password or
 * factor reset, logged out) is refused. An identity without an active account is refused (the
 * bearer middleware answers 401).
 */
export function accountPrincipals(
  identity: IdentityVerifier,
  accounts: Pick<Accounts, 'get'>,
  options: { cacheMs?: number; clock?: () => number } = {},
): TokenVerifier {
  const cacheMs = options.cacheMs ?? ACCOUNT_CACHE_MS;
  const clock = options.clock ?? Date.now;
  const cache = new Map<string, { at: number; principal: Principal | undefined; sessionVersion: number }>();
  return {
    async verify(token, verifyOptions) {
      const claimed = await identity.verify(token, verifyOptions);
      const { username } = claimed;
      const now = clock();
      let hit = cache.get(username);
      if (!hit || now - hit.at >= cacheMs) {
        const record = await accounts.get(username);
        hit = {
          at: now,
          principal: record && !record.disabled ? { username: record.username, role: record.role, unitId: record.unitId } : undefined,
          sessionVersion: record?.sessionVersion ?? 0,
        };
        cache.set(username, hit);
      }
      if (!hit.principal) throw new NoActiveAccountError(`no active account for ${username}`);
      if (claimed.sessionVersion !== undefined && claimed.sessionVersion !== hit.sessionVersion) throw new NoActiveAccountError(`session of ${username} ended`);
      return { ...hit.principal, ...(claimed.enrollmentOnly ? { enrollmentOnly: true as const } : {}) };
    },
  };
}
