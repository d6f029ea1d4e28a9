import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { chinaDay } from '../../shared/src/domain/china-time.js';
import { accountPrincipals } from '../../functions/src/auth/account-principals.js';
import { verifyPassword } from '../../functions/src/auth/password.js';
import type { CognitoSignIn, SignInResult } from '../../functions/src/data/cognito-sign-in.js';
import { setRuntime } from '../../functions/src/runtime.js';
import { createFirstAdmin, EXTERNAL_PASSWORD } from '../../functions/src/use-cases/accounts/first-admin.js';
import { createGateway } from '../../infra/local/gateway.js';
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
const today = chinaDay(new Date());

/** The pool: every user's password is "pw-<username>", the code 246810; ID tokens are "pooltoken.<username>". */
const SESSION = 'cognito-session-' + 'x'.repeat(600);
const pool: CognitoSignIn = {
  async signIn(username, password): Promise<SignInResult> {
    return password === `pw-${username}` ? { kind: 'challenge', challenge: 'SOFTWARE_TOKEN_MFA', session: SESSION } : { kind: 'refused' };
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

async function signIn(username: string): Promise<string> {
  const first = await request(gateway, 'POST', '/api/auth/login', { body: { username, password: `pw-${username}` } });
  expect(first.status, first.text).toBe(200);
  expect(first.json).toMatchObject({ mfaRequired: true });
  const second = await request(gateway, 'POST', '/api/auth/login/totp', { body: { challenge: first.json.challenge, code: '246810' } });
  expect(second.status, second.text).toBe(200);
  return second.json.token;
}

beforeAll(async () => {
  t = await isolatedTables(endpoint);
  const verifier = accountPrincipals(identity, t.runtime.accounts, { cacheMs: 0 });
  setRuntime({ ...t.runtime, tokens: verifier, signIn: { mode: 'cognito', cognito: pool, verifier, now: () => new Date() } });
}, 120_000);
afterAll(() => t?.close());

describe('AWS mode: Cognito for identity, our accounts table for roles and scopes', () => {
  it('npm run first-admin writes the first system administrator and the root unit, once', async () => {
    const deps = { ...t.runtime, now: () => new Date() };
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

  it('writes every login step to our audit log, without passwords or codes', async () => {
    const audit = await scanAll(t.doc, t.tables.audit);
    const actions = audit.filter((e) => String(e.objectType) === 'account').map((e) => `${e.actor} ${e.action} ${e.result}`);
    expect(actions).toEqual(expect.arrayContaining(['first.admin login.password ok', 'first.admin login ok', 'stranger login.failed denied']));
    const text = JSON.stringify(audit);
    expect(text).not.toContain('pw-');
    expect(text).not.toContain('246810');
    expect(text).not.toContain(SESSION);
  });
});
