import type { LoginMfaRequired, LoginSuccess, LoginTotpInput } from '#shared/contracts/accounts-schemas.js';
import type { LoginInput, LoginOutput, Role } from '#shared/contracts/auth.js';
import type { AccountRecord, Accounts } from '../data/accounts.js';
import type { AuditLog } from '../data/audit.js';
import type { CognitoSignIn } from '../data/cognito-sign-in.js';
import type { ContactSealer } from '../data/contact-sealer.js';
import { NoActiveAccountError } from '../auth/account-principals.js';
import { afterFailure, isLocked, LockedOutError, secondsLeft } from '../auth/lockout.js';
import { DUMMY_PASSWORD_HASH, verifyPassword } from '../auth/password.js';
import type { ChallengeTokens } from '../auth/tokens.js';
import type { TokenIssuer, TokenVerifier } from '../auth/principal.js';
import { matchTotp, totpUri } from '../auth/totp.js';
import { UnauthorizedError } from '../errors.js';
import { countLoginFailure, refuseThrottledLogin, type Requester, type Throttle } from '../throttle/index.js';

/**
 * Roles that must use a second factor (GB/T 22239-2019 level 3, 8.1.4.1 d: two or more
 * authentication techniques for administrators). Committee members only read, but they download
 * named results; they are included. Staff accounts see only their own aggregates and may enrol
 * voluntarily. Without an enrolled factor these roles get an enrollment-only token (strict).
 */
export const SECOND_FACTOR_ROLES: readonly Role[] = ['system-admin', 'unit-admin', 'auditor', 'committee'];

/** Locally the app keeps accounts and signs tokens; in AWS Cognito does both. */
export type LoginDeps =
  | { mode: 'local'; accounts: Pick<Accounts, 'get'>; tokens: TokenIssuer & Partial<ChallengeTokens>; now: () => Date }
  | { mode: 'cognito'; cognito: CognitoSignIn; verifier: TokenVerifier; now: () => Date };

/** What the local login needs besides the sign-in mode: the lockout counter, the audit log, the TOTP sealer. */
export interface LocalLoginDeps {
  accounts: Pick<Accounts, 'get' | 'getThrottle' | 'putThrottle' | 'clearThrottle' | 'useLoginStep'>;
  tokens: TokenIssuer & ChallengeTokens;
  audit: Pick<AuditLog, 'append'>;
  sealer: Pick<ContactSealer, 'open'>;
  now: () => Date;
  /** Per-client limits (throttle/index.ts), in either mode; absent: none (unit tests of the password rules). */
  throttle?: Throttle | undefined;
  requester?: Requester | undefined;
}

export type LoginResult = LoginSuccess | LoginMfaRequired;

const refused = () => new UnauthorizedError('password: the username or password is incorrect', { field: 'password' });

export async function login(deps: LoginDeps, input: LoginInput, local?: Omit<LocalLoginDeps, 'tokens' | 'now'>): Promise<LoginResult> {
  const { throttle, requester } = local ?? {};
  const now = deps.now();
  // A client past its limits is refused before any password is checked, in either mode.
  if (throttle && requester) {
    await refuseThrottledLogin(throttle, requester, input.username, now).catch(async (error: unknown) => {
      // Audited under the username tried, like every refusal; the client is not written anywhere.
      await loginEvent(local?.audit, now, input.username, 'login.throttled', 'denied', 'too many failed logins from this client');
      throw error;
    });
  }
  try {
    if (deps.mode === 'cognito') return await cognitoLogin(deps, input, local?.audit);
    if (!local || !deps.tokens.issueChallenge) throw new Error('local login needs the account store, audit log and challenge tokens');
    return await localLogin({ ...local, tokens: deps.tokens as TokenIssuer & ChallengeTokens, now: deps.now }, input);
  } catch (error) {
    if (throttle && requester && error instanceof UnauthorizedError) await countLoginFailure(throttle, requester, input.username, now);
    throw error;
  }
}

/**
 * Password step. The same answer, and the same scrypt work, for an unknown user, a disabled
 * account and a wrong password; the same lockout for all of them.
 */
export async function localLogin(deps: LocalLoginDeps, input: LoginInput): Promise<LoginResult> {
  const now = deps.now();
  await refuseIfLocked(deps, input.username, now);
  const account = await deps.accounts.get(input.username);
  const valid = await verifyPassword(input.password, account?.passwordHash ?? DUMMY_PASSWORD_HASH);
  if (!account || !valid || account.disabled) {
    await fail(deps, input.username, now, !account ? 'unknown username' : account.disabled ? 'account disabled' : 'wrong password', account);
    throw refused();
  }
  if (account.totpSecret) {
    const { challenge, expiresAt } = await deps.tokens.issueChallenge(account.username, now);
    await loginEvent(deps.audit, now, account.username, 'login.password', 'ok', 'second factor required', account);
    return { mfaRequired: true, challenge, expiresAt: expiresAt.toISOString() };
  }
  return signedIn(deps, account, now, 'password only');
}

/** POST /api/auth/login/totp in either mode (in AWS it answers Cognito's SOFTWARE_TOKEN_MFA challenge). */
export async function loginSecondFactor(deps: LoginDeps, input: LoginTotpInput, local: Omit<LocalLoginDeps, 'tokens' | 'now'>): Promise<LoginSuccess> {
  if (deps.mode === 'cognito') return cognitoSecondFactor(deps, input, local.audit);
  if (!deps.tokens.issueChallenge) throw new Error('local login needs challenge tokens');
  return loginTotp({ ...local, tokens: deps.tokens as TokenIssuer & ChallengeTokens, now: deps.now }, input);
}

/** Second step: the challenge from the password step and a TOTP code. */
export async function loginTotp(deps: LocalLoginDeps, input: LoginTotpInput): Promise<LoginSuccess> {
  const now = deps.now();
  let username: string;
  let issued: number;
  try {
    ({ username, issued } = await deps.tokens.verifyChallenge(input.challenge, now));
  } catch (cause) {
    throw new UnauthorizedError('challenge: expired or invalid; log in again', { cause, field: 'challenge' });
  }
  await refuseIfLocked(deps, username, now);
  const account = await deps.accounts.get(username);
  if (!account?.totpSecret || account.disabled) throw new UnauthorizedError('challenge: expired or invalid; log in again', { field: 'challenge' });
  const step = matchTotp(await deps.sealer.open(account.totpSecret), input.code, now);
  // A replayed code (same step used before) is refused like a wrong one; a challenge opens one
  // session only (a second use, even with a fresh code, is refused like an expired challenge).
  const used = step === undefined ? 'step-used' : await deps.accounts.useLoginStep(username, step, issued);
  if (used === 'challenge-used') {
    await loginEvent(deps.audit, now, username, 'login.totp-failed', 'denied', 'challenge used before', account);
    throw new UnauthorizedError('challenge: expired or invalid; log in again', { field: 'challenge' });
  }
  if (used === 'step-used') {
    await fail(deps, username, now, 'wrong or reused TOTP code', account, 'login.totp-failed');
    throw new UnauthorizedError('code: the code is incorrect', { field: 'code' });
  }
  return signedIn(deps, account, now, 'password + TOTP');
}

async function signedIn(deps: LocalLoginDeps, account: AccountRecord, now: Date, how: string): Promise<LoginSuccess> {
  await deps.accounts.clearThrottle(account.username);
  const principal = { username: account.username, role: account.role, unitId: account.unitId, sessionVersion: account.sessionVersion ?? 0 };
  // A second-factor role without a factor gets only an enrollment-only token: the TOTP enrollment
  // routes accept it, every other route answers 403 (enforced by the shared verifier).
  const enrollmentRequired = SECOND_FACTOR_ROLES.includes(account.role) && !account.totpSecret;
  const { token, expiresAt } = enrollmentRequired ? await deps.tokens.issueEnrollment(principal, now) : await deps.tokens.issue(principal, now);
  await loginEvent(deps.audit, now, account.username, 'login', 'ok', enrollmentRequired ? `${how}; second factor not enrolled: enrollment-only token` : how, account);
  return {
    token,
    expiresAt: expiresAt.toISOString(),
    account: { username: account.username, displayName: account.displayName, role: account.role, unitId: account.unitId },
    ...(enrollmentRequired ? { mfaEnrollmentRequired: true } : {}),
  };
}

async function refuseIfLocked(deps: LocalLoginDeps, username: string, now: Date): Promise<void> {
  const state = await deps.accounts.getThrottle(username);
  if (!isLocked(state, now)) return;
  const wait = secondsLeft(state, now);
  await deps.audit.append({ at: now.toISOString(), actor: username, role: '', action: 'login.locked', objectType: 'account', objectId: username, result: 'denied', detail: `waiting ${wait} s after repeated failures` });
  throw new LockedOutError(wait);
}

/** Count the failure (retrying a lost race a few times) and audit it with the username tried. */
async function fail(deps: LocalLoginDeps, username: string, now: Date, why: string, account: AccountRecord | undefined, action = 'login.failed') {
  let state = await deps.accounts.getThrottle(username);
  for (let attempt = 0; attempt < 5; attempt++) {
    const next = afterFailure(state, now);
    if (await deps.accounts.putThrottle(username, next, state)) {
      why = next.lockedUntil ? `${why}; failure ${next.failures} of the series: next attempt after ${next.lockedUntil}` : why;
      break;
    }
    state = await deps.accounts.getThrottle(username);
  }
  await loginEvent(deps.audit, now, username, action, 'denied', why, account);
}

/**
 * In AWS the challenge handed to the browser carries Cognito's own session (opaque, valid 3
 * minutes) and the username it belongs to, which RespondToAuthChallenge needs again. It grants
 * nothing by itself: only the pool turns it and a valid TOTP code into tokens.
 */
const COGNITO_CHALLENGE_PREFIX = { verify: 'cognito.', setup: 'cognito-setup.' } as const;
const COGNITO_CHALLENGE_SECONDS = 180;
const cognitoChallengeExpiry = (now: Date) => new Date(now.getTime() + COGNITO_CHALLENGE_SECONDS * 1000).toISOString();
type CognitoStep = keyof typeof COGNITO_CHALLENGE_PREFIX;

/** `step`: answer a TOTP code (SOFTWARE_TOKEN_MFA), or confirm a new secret (MFA_SETUP). */
export function cognitoChallenge(username: string, session: string, step: CognitoStep = 'verify'): string {
  return `${COGNITO_CHALLENGE_PREFIX[step]}${Buffer.from(username, 'utf8').toString('base64url')}.${session}`;
}

export function readCognitoChallenge(challenge: string): { username: string; session: string; step: CognitoStep } | undefined {
  const step = (Object.keys(COGNITO_CHALLENGE_PREFIX) as CognitoStep[]).find((s) => challenge.startsWith(COGNITO_CHALLENGE_PREFIX[s]));
  if (!step) return undefined;
  const rest = challenge.slice(COGNITO_CHALLENGE_PREFIX[step].length);
  const dot = rest.indexOf('.');
  if (dot <= 0 || dot === rest.length - 1) return undefined;
  const username = Buffer.from(rest.slice(0, dot), 'base64url').toString('utf8');
  return username ? { username, session: rest.slice(dot + 1), step } : undefined;
}

type CognitoDeps = Extract<LoginDeps, { mode: 'cognito' }>;
type LoginAudit = Pick<AuditLog, 'append'> | undefined;

/** A login event in the audit log, in either mode (never with the password or the code). */
function loginEvent(audit: LoginAudit, now: Date, username: string, action: string, result: 'ok' | 'denied', detail: string, principal?: { role: Role; unitId: string }) {
  return audit?.append({
    at: now.toISOString(),
    actor: username,
    role: principal?.role ?? '',
    action,
    objectType: 'account',
    objectId: username,
    ...(principal ? { unitId: principal.unitId } : {}),
    result,
    detail,
  });
}

async function cognitoSignedIn(deps: CognitoDeps, audit: LoginAudit, username: string, idToken: string, expiresInSeconds: number, how: string): Promise<LoginSuccess> {
  const now = deps.now();
  let principal;
  try {
    // Role and scope from our accounts table (auth/account-principals.ts), not from the token.
    principal = await deps.verifier.verify(idToken);
  } catch (error) {
    if (!(error instanceof NoActiveAccountError)) throw error;
    await loginEvent(audit, now, username, 'login.failed', 'denied', `${how}: no active Manyi account for this Cognito user`);
    throw refused();
  }
  await loginEvent(audit, now, principal.username, 'login', 'ok', how, principal);
  return {
    token: idToken,
    expiresAt: new Date(now.getTime() + expiresInSeconds * 1000).toISOString(),
    account: { username: principal.username, displayName: principal.username, role: principal.role, unitId: principal.unitId },
  };
}

async function cognitoLogin(deps: CognitoDeps, input: LoginInput, audit: LoginAudit): Promise<LoginResult> {
  const result = await deps.cognito.signIn(input.username, input.password);
  const now = deps.now();
  if (result.kind === 'refused' || result.kind === 'expired') {
    await loginEvent(audit, now, input.username, 'login.failed', 'denied', 'refused by Cognito');
    throw refused();
  }
  if (result.kind === 'challenge') {
    // The user pool requires TOTP (SOFTWARE_TOKEN_MFA) and locks out repeated failures itself.
    if (result.challenge === 'SOFTWARE_TOKEN_MFA' && result.session) {
      await loginEvent(audit, now, input.username, 'login.password', 'ok', 'second factor required (Cognito)');
      return { mfaRequired: true, challenge: cognitoChallenge(input.username, result.session), expiresAt: cognitoChallengeExpiry(now) };
    }
    // First login without a factor: a new secret from the pool, confirmed by the code on the next step.
    if (result.challenge === 'MFA_SETUP' && result.session) {
      const setup = await deps.cognito.beginTotpSetup(result.session);
      if (setup.kind === 'setup') {
        await loginEvent(audit, now, input.username, 'login.password', 'ok', 'second factor to set up (Cognito MFA_SETUP)');
        return {
          mfaRequired: true,
          challenge: cognitoChallenge(input.username, setup.session, 'setup'),
          expiresAt: cognitoChallengeExpiry(now),
          setup: { secret: setup.secret, uri: totpUri(setup.secret, input.username) },
        };
      }
    }
    // NEW_PASSWORD_REQUIRED and anything else: steps of the pool this app does not drive (accounts
    // made in the app have a permanent password; docs/decisions/0006-accounts-and-second-factor.md).
    await loginEvent(audit, now, input.username, 'login.failed', 'denied', `Cognito challenge ${result.challenge} not supported`);
    throw new UnauthorizedError(`password: this account must first complete Cognito's ${result.challenge} step; ask a system administrator`, { field: 'password' });
  }
  return cognitoSignedIn(deps, audit, input.username, result.idToken, result.expiresInSeconds, 'password (Cognito)');
}

async function cognitoSecondFactor(deps: CognitoDeps, input: LoginTotpInput, audit: LoginAudit): Promise<LoginSuccess> {
  const challenge = readCognitoChallenge(input.challenge);
  if (!challenge) throw new UnauthorizedError('challenge: expired or invalid; log in again', { field: 'challenge' });
  const result =
    challenge.step === 'setup'
      ? await deps.cognito.finishTotpSetup(challenge.username, challenge.session, input.code)
      : await deps.cognito.answerTotp(challenge.username, challenge.session, input.code);
  const now = deps.now();
  if (result.kind === 'refused') {
    await loginEvent(audit, now, challenge.username, 'login.totp-failed', 'denied', 'wrong TOTP code (Cognito)');
    throw new UnauthorizedError('code: the code is incorrect', { field: 'code' });
  }
  if (result.kind !== 'signed-in') {
    await loginEvent(audit, now, challenge.username, 'login.totp-failed', 'denied', result.kind === 'expired' ? 'challenge expired (Cognito)' : `unexpected Cognito challenge ${result.challenge}`);
    throw new UnauthorizedError('challenge: expired or invalid; log in again', { field: 'challenge' });
  }
  return cognitoSignedIn(deps, audit, challenge.username, result.idToken, result.expiresInSeconds, challenge.step === 'setup' ? 'password + new TOTP (Cognito MFA_SETUP)' : 'password + TOTP (Cognito)');
}
