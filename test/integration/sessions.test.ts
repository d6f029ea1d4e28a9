import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { accountPrincipals } from '../../functions/src/auth/account-principals.js';
import { hashPassword } from '../../functions/src/auth/password.js';
import type { Principal } from '../../functions/src/auth/principal.js';
import { setRuntime } from '../../functions/src/runtime.js';
import { createGateway } from '../../infra/local/gateway.js';
import { isolatedTables, type IsolatedTables } from '../support/isolated-tables.js';
import { request, scanAll } from './accounts-helpers.js';

/**
 * Local mode checks the account on every request, as AWS mode does (finding 3.2): a token names an
 * account and a session version; the account decides role, scope and whether the session still
 * stands. Disabling, a role or scope change, a password reset and logout each end the sessions of
 * the account before them. The runtime here verifies exactly as `npm start` does (no cache, so the
 * test needs no waiting; the real cache is LOCAL_ACCOUNT_CACHE_MS).
 */

const endpoint = inject('dynamoEndpoint');
const gateway = createGateway();
const PASSWORD = 'Session-满意-2026-test';
let t: IsolatedTables;

const admin: Principal = { username: 'ss.admin', role: 'system-admin', unitId: 'ss-root' };
let adminToken: string;

beforeAll(async () => {
  t = await isolatedTables(endpoint);
  setRuntime({ ...t.runtime, tokens: accountPrincipals({ verify: t.runtime.tokens.verifyIdentity }, t.runtime.accounts, { cacheMs: 0 }) });
  await t.runtime.units.put({ id: 'ss-root', name: '会话测试县', parentId: null, path: ['ss-root'] });
  const passwordHash = await hashPassword(PASSWORD);
  await t.runtime.accounts.put({ ...admin, displayName: '管理员', personId: 'SS-P1', passwordHash });
  // Staff accounts log in with a password alone (no second factor is required of them).
  for (const username of ['ss.disabled', 'ss.reset', 'ss.logout', 'ss.role']) {
    await t.runtime.accounts.put({ username, displayName: username, personId: username, role: 'staff', unitId: 'ss-root', passwordHash });
  }
  adminToken = (await t.runtime.tokens.issue({ ...admin, sessionVersion: 0 }, new Date())).token;
});
afterAll(() => t?.close());

async function loginToken(username: string): Promise<string> {
  const reply = await request(gateway, 'POST', '/api/auth/login', { body: { username, password: PASSWORD } });
  expect(reply.status, JSON.stringify(reply.json)).toBe(200);
  return reply.json.token as string;
}

/** 403: the token stands (the staff role may not list accounts); 401: the session has ended. */
const probe = async (token: string) => (await request(gateway, 'GET', '/api/accounts', { token })).status;
const update = (username: string, body: Record<string, unknown>) => request(gateway, 'PATCH', `/api/accounts/${username}`, { token: adminToken, body });

describe('sessions in local mode', () => {
  it('ends the sessions of a disabled account, and enabling it again does not revive them', async () => {
    const token = await loginToken('ss.disabled');
    expect(await probe(token)).toBe(403);
    expect((await update('ss.disabled', { disabled: true })).status).toBe(200);
    expect(await probe(token)).toBe(401);
    expect((await update('ss.disabled', { disabled: false })).status).toBe(200);
    expect(await probe(token)).toBe(401);
    expect(await probe(await loginToken('ss.disabled'))).toBe(403);
  });

  it('ends the sessions of an account whose role or scope changes, and takes role and scope from the account', async () => {
    const token = await loginToken('ss.role');
    expect((await update('ss.role', { role: 'committee' })).status).toBe(200);
    expect(await probe(token)).toBe(401);
    // A token that claims more than the account holds gets only what the account holds.
    const forged = (await t.runtime.tokens.issue({ username: 'ss.role', role: 'system-admin', unitId: 'ss-root', sessionVersion: 1 }, new Date())).token;
    expect(await probe(forged)).toBe(403);
  });

  it('ends the sessions opened with a password that has been reset', async () => {
    const token = await loginToken('ss.reset');
    const reset = await request(gateway, 'POST', '/api/accounts/ss.reset/password', { token: adminToken, body: { password: `${PASSWORD}-new` } });
    expect(reset.status).toBe(200);
    expect(await probe(token)).toBe(401);
  });

  it('logs out: the same token is refused afterwards, and the logout is audited once', async () => {
    const token = await loginToken('ss.logout');
    const other = await loginToken('ss.logout');
    const reply = await request(gateway, 'POST', '/api/auth/logout', { token });
    expect(reply.status).toBe(200);
    expect(reply.json).toEqual({ loggedOut: true });
    expect(await probe(token)).toBe(401);
    expect(await probe(other)).toBe(401);
    const entries = (await scanAll(t.doc, t.tables.audit)).filter((e) => e.action === 'logout' && e.actor === 'ss.logout');
    expect(entries).toHaveLength(1);
    expect(await probe(await loginToken('ss.logout'))).toBe(403);
  });

  it('refuses a token of an account that does not exist', async () => {
    const stranger = (await t.runtime.tokens.issue({ username: 'ss.nobody', role: 'system-admin', unitId: 'ss-root' }, new Date())).token;
    expect(await probe(stranger)).toBe(401);
  });
});
