import type { LoginInput, LoginOutput } from '#shared/contracts/auth.js';
import type { Accounts } from '../data/accounts.js';
import { DUMMY_PASSWORD_HASH, verifyPassword } from '../auth/password.js';
import type { TokenIssuer } from '../auth/tokens.js';
import { UnauthorizedError } from '../errors.js';

export interface LoginDeps {
  accounts: Pick<Accounts, 'get'>;
  tokens: TokenIssuer;
  now: () => Date;
}

/** Local accounts: the same answer, and the same work, for an unknown user and a wrong password. */
export async function login(deps: LoginDeps, input: LoginInput): Promise<LoginOutput> {
  const account = await deps.accounts.get(input.username);
  const valid = await verifyPassword(input.password, account?.passwordHash ?? DUMMY_PASSWORD_HASH);
  if (!account || !valid) {
    throw new UnauthorizedError('password: the username or password is incorrect', { field: 'password' });
  }
  const { token, expiresAt } = await deps.tokens.issue(
    { username: account.username, role: account.role, unitId: account.unitId },
    deps.now(),
  );
  return {
    token,
    expiresAt: expiresAt.toISOString(),
    account: { username: account.username, displayName: account.displayName, role: account.role, unitId: account.unitId },
  };
}
