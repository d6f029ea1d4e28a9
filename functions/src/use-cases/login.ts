import type { LoginInput, LoginOutput } from '#shared/contracts/auth.js';
import type { Accounts } from '../data/accounts.js';
import type { CognitoSignIn } from '../data/cognito-sign-in.js';
import { DUMMY_PASSWORD_HASH, verifyPassword } from '../auth/password.js';
import type { TokenIssuer, TokenVerifier } from '../auth/tokens.js';
import { UnauthorizedError } from '../errors.js';

/** Locally the app keeps accounts and signs tokens; in AWS Cognito does both. */
export type LoginDeps =
  | { mode: 'local'; accounts: Pick<Accounts, 'get'>; tokens: TokenIssuer; now: () => Date }
  | { mode: 'cognito'; cognito: CognitoSignIn; verifier: TokenVerifier; now: () => Date };

const refused = () => new UnauthorizedError('password: the username or password is incorrect', { field: 'password' });

export async function login(deps: LoginDeps, input: LoginInput): Promise<LoginOutput> {
  return deps.mode === 'local' ? localLogin(deps, input) : cognitoLogin(deps, input);
}

/** The same answer, and the same scrypt work, for an unknown user and a wrong password. */
async function localLogin(deps: Extract<LoginDeps, { mode: 'local' }>, input: LoginInput): Promise<LoginOutput> {
  const account = await deps.accounts.get(input.username);
  const valid = await verifyPassword(input.password, account?.passwordHash ?? DUMMY_PASSWORD_HASH);
  if (!account || !valid) throw refused();
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

async function cognitoLogin(deps: Extract<LoginDeps, { mode: 'cognito' }>, input: LoginInput): Promise<LoginOutput> {
  const result = await deps.cognito.signIn(input.username, input.password);
  if (result.kind === 'refused') throw refused();
  if (result.kind === 'challenge') {
    // Admin roles must use a second factor (TOTP); completing the challenge is part of the
    // accounts capability and is done in the web app, not through this password-only route.
    throw new UnauthorizedError(`password: a second factor is required (${result.challenge})`, { field: 'password' });
  }
  const principal = await deps.verifier.verify(result.idToken);
  return {
    token: result.idToken,
    expiresAt: new Date(deps.now().getTime() + result.expiresInSeconds * 1000).toISOString(),
    account: { username: principal.username, displayName: principal.username, role: principal.role, unitId: principal.unitId },
  };
}
