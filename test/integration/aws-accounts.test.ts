import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { chinaDay } from '../../shared/src/domain/china-time.js';
import { accountPrincipals } from '../../functions/src/auth/account-principals.js';
import { EXTERNAL_PASSWORD, verifyPassword } from '../../functions/src/auth/password.js';
import { newTotpSecret, totpCode } from '../../functions/src/auth/totp.js';
import type { IdentityDirectory } from '../../functions/src/data/cognito-admin.js';
import type { CognitoSignIn, SignInResult } from '../../functions/src/data/cognito-sign-in.js';
import { setRuntime } from '../../functions/src/runtime.js';
import { createFirstAdmin } from '../../functions/src/use-cases/accounts/first-admin.js';
import { createGateway } from '../../infra/local/gateway.js';
import { frozenClock, PINNED_INSTANT, pinnedClock } from '../support/clock.js';
import { isolatedTables, type IsolatedTables } from '../support/isolated-tables.js';
import { request, scanAll } from './accounts-helpers.js';

/**
 * AWS mode end to end through the gateway and the real handlers, on DynamoDB Local: Cognito
 * (passwords, TOTP, ID tokens) is the only stand-in — it has no local edition. Role and scope
 * come from our accounts table, never from the token.
 */
const endpoint = inject('dynamoEndpoint');
const gateway = createGateway();
let t: IsolatedTables;
/** The runtime's clock (audit entries, login steps): the audit queries below ask for its day. */
const now = pinnedClock();
const today = chinaDay(now());
/**
 * The clock of the pool's TOTP check and of the user's authenticator app: one instant that never
 * moves, so a code computed by the "app" is checked in the same 30-second step (with the wall
 * clock, a step boundary between computing and checking refused it: this stand-in, unlike
 * Cognito, accepts the current step only).
 */
const totpClock = frozenClock(PINNED_INSTANT);

/** The pool: its users with password and status; every TOTP code is 246810; ID tokens are "pooltoken.<username>". */
const SESSION = 'cognito-session-' + 'x'.repeat(600);
const poolUsers = new Map<string, { password: string; enabled: boolean; totp?: string | undefined }>();
const pool: CognitoSignIn = {
  async signIn(username, password): Promise<SignInResult> {
    const user = poolUsers.get(username);
    if (!user?.enabled || user.password !== password) return { kind: 'refused' };
    // Like the pool with MFA required: a user without TOTP must set it up first.
    return user.totp ? { kind: 'challenge', challenge: 'SOFTWARE_TOKEN_MFA', session: SESSION } : { kind: 'challenge', challenge: 'MFA_SETUP', session: `setup:${username}` };
  },
  async beginTotpSetup(session) {
    return session.startsWith('setup:') ? { kind: 'setup', secret: newTotpSecret(), session: `associated:${session.slice(6)}` } : { kind: 'expired' };
  },
  async finishTotpSetup(username, session, code): Promise<SignInResult> {
    if (session !== `associated:${username}`) return { kind: 'expired' };
    // The secret handed out is checked the way an authenticator app computes codes.
    if (!pendingSecrets.has(username) || totpCode(pendingSecrets.get(username)!, totpClock()) !== code) return { kind: 'refused' };
    poolUsers.get(username)!.totp = pendingSecrets.get(username)!;
    return { kind: 'signed-in', idToken: `pooltoken.${username}`, expiresInSeconds: 3600 };
  },
  async answerTotp(username, session, code): Promise<SignInResult> {
    if (session !== SESSION) return { kind: 'expired' };
    return code === '246810' ? { kind: 'signed-in', idToken: `pooltoken.${username}`, expiresInSeconds: 3600 } : { kind: 'refused' };
  },
};
const identity = {
  async verify(token: string) {
    if (!token.startsWith('pooltoken.')) throw new Error('not a pool token');
    return { username: token.slice('pooltoken.'.length) };
  },
};

/** Secrets the login handed to each user during MFA_SETUP (what the user's authenticator app holds). */
const pendingSecrets = new Map<string, string>();

const identities: IdentityDirectory = {
  async createUser(username, password) {
    if (poolUsers.has(username)) return false;
    poolUsers.set(username, { password, enabled: true });
    return true;
  },
  async deleteUser(username) {
    poolUsers.delete(username);
  },
  async setEnabled(username, enabled) {
    poolUsers.get(username)!.enabled = enabled;
  },
  async setPassword(username, password) {
    poolUsers.get(username)!.password = password;
  },
  async resetSecondFactor(username) {
    poolUsers.get(username)!.totp = undefined;
  },
};

async function signIn(username: string, password = `pw-${username}`): Promise<string> {
  const first = await request(gateway, 'POST', '/api/auth/login', { body: { username, password } });
  expect(first.status, first.text).toBe(200);
  expect(first.json).toMatchObject({ mfaRequired: true });
  let code = '246810';
  if (first.json.setup) {
    // First login: add the secret to the "authenticator" and answer with its current code.
    expect(first.json.setup.uri).toContain(`secret=${first.json.setup.secret}`);
    pendingSecrets.set(username, first.json.setup.secret);
    code = totpCode(first.json.setup.secret, totpClock());
  }
  const second = await request(gateway, 'POST', '/api/auth/login/totp', { body: { challenge: first.json.challenge, code } });
  expect(second.status, second.text).toBe(200);
  return second.json.token;
}

beforeAll(async () => {
  t = await isolatedTables(endpoint, { now });
  const verifier = accountPrincipals(identity, t.runtime.accounts, { cacheMs: 0 });
  setRuntime({ ...t.runtime, tokens: verifier, signIn: { mode: 'cognito', cognito: pool, verifier, now }, identities });
  for (const username of ['first.admin', 'shen.ji', 'stranger']) poolUsers.set(username, { password: `pw-${username}`, enabled: true, totp: 'enrolled' });
}, 120_000);
afterAll(() => t?.close());

describe('AWS mode: Cognito for identity, our accounts table for roles and scopes', () => {
  it('npm run first-admin writes the first system administrator and the root unit, once', async () => {
    const deps = { ...t.runtime, now };
    const { account, unitCreated } = await createFirstAdmin(deps, { username: 'first.admin', displayName: '首任管理员', unitId: 'aws-root', unitName: '云上市' });
    expect(unitCreated).toBe(true);
    expect(account).toMatchObject({ role: 'system-admin', unitId: 'aws-root', passwordHash: EXTERNAL_PASSWORD });
    expect(await verifyPassword('', EXTERNAL_PASSWORD)).toBe(false);
    await expect(createFirstAdmin(deps, { username: 'first.admin', displayName: 'x', unitId: 'aws-root' })).rejects.toMatchObject({ statusCode: 409 });
    await expect(createFirstAdmin(deps, { username: 'second', displayName: 'x', unitId: 'no-such-unit' })).rejects.toMatchObject({ statusCode: 400, issues: [{ field: 'unitName' }] });
    expect(await t.runtime.accounts.get('second')).toBeUndefined();
  });

  it('signs the administrator in with password and TOTP, and the API treats them by the role in our table', async () => {
    const token = await signIn('first.admin');
    const accounts = await request(gateway, 'GET', '/api/accounts', { token });
    expect(accounts.status, accounts.text).toBe(200);
    expect(accounts.text).toContain('first.admin');
  });

  it('follows a role change and a disabled account in our table; refuses Cognito users without an account', async () => {
    await t.runtime.accounts.put({ username: 'shen.ji', displayName: '审计员', role: 'auditor', unitId: 'aws-root', personId: 'A-1', passwordHash: EXTERNAL_PASSWORD });
    const token = await signIn('shen.ji');
    expect((await request(gateway, 'GET', '/api/audit', { token, query: { from: today, to: today } })).status).toBe(200);
    expect((await request(gateway, 'GET', '/api/accounts', { token })).status).toBe(403);

    await t.runtime.accounts.put({ username: 'shen.ji', displayName: '审计员', role: 'auditor', unitId: 'aws-root', personId: 'A-1', passwordHash: EXTERNAL_PASSWORD, disabled: true });
    expect((await request(gateway, 'GET', '/api/audit', { token, query: { from: today, to: today } })).status).toBe(401);

    const stranger = await request(gateway, 'POST', '/api/auth/login', { body: { username: 'stranger', password: 'pw-stranger' } });
    const refused = await request(gateway, 'POST', '/api/auth/login/totp', { body: { challenge: stranger.json.challenge, code: '246810' } });
    expect(refused.status).toBe(401);
    expect(refused.json.issues?.[0]?.field ?? refused.text).toContain('password');
  });

  it('keeps the pool in step when an administrator creates, disables and resets an account in the app', async () => {
    const admin = await signIn('first.admin');
    const password = 'Pingyi-Yuan-2026!';
    const created = await request(gateway, 'POST', '/api/accounts', {
      token: admin,
      body: { username: 'xin.yuan', displayName: '新评议员', personId: 'P-77', role: 'committee', unitId: 'aws-root', password },
    });
    expect(created.status, created.text).toBe(201);
    expect(poolUsers.get('xin.yuan')).toMatchObject({ password, enabled: true });
    expect(poolUsers.get('xin.yuan')!.totp).toBeUndefined();
    expect((await t.runtime.accounts.get('xin.yuan'))?.passwordHash).toBe(EXTERNAL_PASSWORD);
    // First login sets up TOTP (MFA_SETUP): a wrong first code is refused, the right one signs in.
    const setupStep = await request(gateway, 'POST', '/api/auth/login', { body: { username: 'xin.yuan', password } });
    expect(setupStep.json.setup?.secret).toMatch(/^[A-Z2-7]+$/);
    const wrong = await request(gateway, 'POST', '/api/auth/login/totp', { body: { challenge: setupStep.json.challenge, code: '000000' } });
    expect(wrong.status).toBe(401);
    const member = await signIn('xin.yuan', password);
    expect(poolUsers.get('xin.yuan')!.totp).toBe(pendingSecrets.get('xin.yuan'));
    expect((await request(gateway, 'GET', '/api/accounts', { token: member })).status).toBe(403);

    // A username the pool has already (made outside the app): 409, and no record of ours.
    poolUsers.set('outside', { password: 'x', enabled: true });
    const taken = await request(gateway, 'POST', '/api/accounts', {
      token: admin,
      body: { username: 'outside', displayName: '外部', personId: 'P-78', role: 'committee', unitId: 'aws-root', password },
    });
    expect(taken.status).toBe(409);
    expect(await t.runtime.accounts.get('outside')).toBeUndefined();

    const renewed = 'Pingyi-Yuan-2027!';
    expect((await request(gateway, 'POST', '/api/accounts/xin.yuan/password', { token: admin, body: { password: renewed, resetSecondFactor: true } })).status).toBe(200);
    expect(poolUsers.get('xin.yuan')).toMatchObject({ password: renewed, totp: undefined });
    expect((await request(gateway, 'PATCH', '/api/accounts/xin.yuan', { token: admin, body: { disabled: true } })).status).toBe(200);
    expect(poolUsers.get('xin.yuan')!.enabled).toBe(false);
    expect((await request(gateway, 'POST', '/api/auth/login', { body: { username: 'xin.yuan', password: renewed } })).status).toBe(401);
  });

  it('writes every login step to our audit log, without passwords or codes', async () => {
    const audit = await scanAll(t.doc, t.tables.audit);
    const actions = audit.filter((e) => String(e.objectType) === 'account').map((e) => `${e.actor} ${e.action} ${e.result}`);
    expect(actions).toEqual(expect.arrayContaining(['first.admin login.password ok', 'first.admin login ok', 'stranger login.failed denied']));
    const text = JSON.stringify(audit);
    expect(text).not.toContain('pw-');
    expect(text).not.toContain('Pingyi-Yuan');
    expect(text).not.toContain('246810');
    expect(text).not.toContain(SESSION);
    for (const secret of pendingSecrets.values()) expect(text).not.toContain(secret);
  });
});
