import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { hashPassword } from '../../functions/src/auth/password.js';
import type { Principal } from '../../functions/src/auth/principal.js';
import { createGateway } from '../../infra/local/gateway.js';
import { chinaDay } from '../../shared/src/domain/china-time.js';
import { pinnedClock } from '../support/clock.js';
import { isolatedTables, type IsolatedTables } from '../support/isolated-tables.js';
import { request, scanAll } from './accounts-helpers.js';

/** Account management by system admins, and the audit log as the auditor reads and exports it. */

const endpoint = inject('dynamoEndpoint');
const gateway = createGateway();
let t: IsolatedTables;
const tokens: Record<string, string> = {};
const PASSWORD = 'Strong-Pass-2026!';
/** The runtime's clock: every audit entry of this file is on its day, whatever the wall clock does. */
const now = pinnedClock();
const today = chinaDay(now());

const who: Record<string, Principal> = {
  admin: { username: 'sys.admin', role: 'system-admin', unitId: 'it-root' },
  auditor: { username: 'au.ditor', role: 'auditor', unitId: 'it-root' },
  unitAdmin: { username: 'unit.admin', role: 'unit-admin', unitId: 'it-root' },
};

beforeAll(async () => {
  t = await isolatedTables(endpoint, { now });
  t.install();
  await t.runtime.units.put({ id: 'it-root', name: '测试县', parentId: null, path: ['it-root'] });
  const passwordHash = await hashPassword(PASSWORD);
  await t.runtime.accounts.put({ ...who.admin!, displayName: '管理员', personId: 'P001', passwordHash });
  await t.runtime.accounts.put({ ...who.auditor!, displayName: '审计员', personId: 'P002', passwordHash });
  for (const [name, principal] of Object.entries(who)) tokens[name] = (await t.runtime.tokens.issue(principal, new Date())).token;
});
afterAll(() => t?.close());

const create = (body: Record<string, unknown>, token = tokens.admin) => request(gateway, 'POST', '/api/accounts', { token, body });
const base = { displayName: '赵敏', personId: 'P100', role: 'committee', unitId: 'it-root', password: PASSWORD };

describe('account management (system admin)', () => {
  it('creates an account with one role and a unit scope, and lists it without hash or secret', async () => {
    const created = await create({ ...base, username: 'zhao.min' });
    const listed = await request(gateway, 'GET', '/api/accounts', { token: tokens.admin });
    expect(created.status).toBe(201);
    expect(created.json).toEqual({ username: 'zhao.min', displayName: '赵敏', personId: 'P100', role: 'committee', unitId: 'it-root', disabled: false, mfaEnrolled: false });
    expect(listed.json.accounts.map((a: { username: string }) => a.username)).toContain('zhao.min');
    expect(listed.text).not.toContain('scrypt');
  });

  it('refuses weak passwords, unknown units, taken usernames with 4xx naming the field', async () => {
    const cases: [Record<string, unknown>, number, string][] = [
      [{ ...base, username: 'a.b', password: 'short1A!' }, 400, 'password'],
      [{ ...base, username: 'a.b', password: 'alllowercaseletters' }, 400, 'password'],
      [{ ...base, username: 'liu.yang', password: 'Liu.Yang-2026-xx' }, 400, 'password'],
      [{ ...base, username: 'a.b', unitId: 'nowhere' }, 400, 'unitId'],
      [{ ...base, username: 'zhao.min' }, 409, 'username'],
      [{ ...base, username: 'a.b', role: 'root' }, 400, 'role'],
      [{ ...base, username: 'A B' }, 400, 'username'],
    ];
    for (const [body, status, field] of cases) {
      const reply = await create(body);
      expect(reply.status, JSON.stringify(body)).toBe(status);
      expect(reply.json.error.issues[0].field).toBe(field);
    }
    // The refusals the use case decides (policy, unit) are audited once each, never with the password.
    const refused = (await scanAll(t.doc, t.tables.audit)).filter((e) => e.action === 'account.create' && e.result === 'invalid' && ['a.b', 'liu.yang'].includes(String(e.objectId)));
    expect(refused).toHaveLength(4);
    expect(JSON.stringify(refused)).not.toMatch(/short1A!|alllowercaseletters|Liu\.Yang-2026-xx/);
  });

  it('never lets one person hold both a system-admin and an auditor account', async () => {
    const auditorForAdmin = await create({ ...base, username: 'sys.audit', personId: 'P001', role: 'auditor' });
    const adminForAuditor = await create({ ...base, username: 'au.admin', personId: 'P002', role: 'system-admin' });
    const promote = await request(gateway, 'PATCH', '/api/accounts/zhao.min', { token: tokens.admin, body: { role: 'auditor' } });
    expect(auditorForAdmin.status).toBe(409);
    expect(auditorForAdmin.json.error.issues[0].field).toBe('personId');
    expect(adminForAuditor.status).toBe(409);
    expect(promote.status).toBe(200); // P100 holds no system-admin account
    const demote = await request(gateway, 'PATCH', '/api/accounts/zhao.min', { token: tokens.admin, body: { role: 'committee' } });
    expect(demote.status).toBe(200);
  });

  it('disables an account (its login is then refused like a wrong password) and resets a password under the policy', async () => {
    const disabled = await request(gateway, 'PATCH', '/api/accounts/zhao.min', { token: tokens.admin, body: { disabled: true } });
    const loginDisabled = await request(gateway, 'POST', '/api/auth/login', { body: { username: 'zhao.min', password: PASSWORD } });
    const weak = await request(gateway, 'POST', '/api/accounts/zhao.min/password', { token: tokens.admin, body: { password: 'weak' } });
    const reset = await request(gateway, 'POST', '/api/accounts/zhao.min/password', { token: tokens.admin, body: { password: 'Another-Strong-2026' } });
    const self = await request(gateway, 'PATCH', '/api/accounts/sys.admin', { token: tokens.admin, body: { disabled: true } });
    const missing = await request(gateway, 'PATCH', '/api/accounts/no.one', { token: tokens.admin, body: { disabled: true } });
    expect(disabled.json.disabled).toBe(true);
    expect(loginDisabled.status).toBe(401);
    expect(weak.status).toBe(400);
    expect(weak.json.error.issues[0].field).toBe('password');
    expect(reset.status).toBe(200);
    expect(self.status).toBe(400);
    expect(missing.status).toBe(404);
  });

  it('refuses every other role with 403 and audits the refusal', async () => {
    for (const token of [tokens.auditor, tokens.unitAdmin]) {
      expect((await request(gateway, 'GET', '/api/accounts', { token })).status).toBe(403);
      expect((await create({ ...base, username: 'x.y' }, token)).status).toBe(403);
    }
    const entries = (await scanAll(t.doc, t.tables.audit)) as { actor: string; action: string; result: string }[];
    expect(entries.filter((e) => e.result === 'denied' && e.action === 'account.create').map((e) => e.actor).sort()).toEqual(['au.ditor', 'unit.admin']);
    expect(entries.filter((e) => e.result === 'ok' && e.action.startsWith('account.')).length).toBeGreaterThanOrEqual(5);
  });
});

describe('audit log (auditor)', () => {
  it('filters by actor and action, pages, and is closed to the system admin', async () => {
    const byActor = await request(gateway, 'GET', '/api/audit', { token: tokens.auditor, query: { from: today, to: today, actor: 'unit.admin' } });
    const byAction = await request(gateway, 'GET', '/api/audit', { token: tokens.auditor, query: { from: today, to: today, action: 'account.create' } });
    const first = await request(gateway, 'GET', '/api/audit', { token: tokens.auditor, query: { from: today, to: today, limit: '2' } });
    const second = await request(gateway, 'GET', '/api/audit', { token: tokens.auditor, query: { from: today, to: today, limit: '2', cursor: first.json.cursor } });
    const asAdmin = await request(gateway, 'GET', '/api/audit', { token: tokens.admin, query: { from: today, to: today } });
    const reversed = await request(gateway, 'GET', '/api/audit', { token: tokens.auditor, query: { from: today, to: '2020-01-01' } });
    expect(byActor.status).toBe(200);
    expect(byActor.json.entries.length).toBeGreaterThan(0);
    expect(byActor.json.entries.every((e: { actor: string }) => e.actor === 'unit.admin')).toBe(true);
    expect(byAction.json.entries.every((e: { action: string }) => e.action === 'account.create')).toBe(true);
    expect(first.json.entries).toHaveLength(2);
    expect(second.json.entries).toHaveLength(2);
    expect(second.json.entries[0].id).not.toBe(first.json.entries[0].id);
    expect(first.json.entries[0].at >= second.json.entries[0].at).toBe(true);
    expect(asAdmin.status).toBe(403);
    expect(reversed.status).toBe(400);
    expect(reversed.json.error.issues[0].field).toBe('to');
  });

  it('exports CSV with a BOM and neutralised cells, and audits the export', async () => {
    await t.runtime.audit.append({ at: now().toISOString(), actor: '=cmd|calc', role: '', action: 'login.failed', objectType: 'account', objectId: '=cmd|calc', result: 'denied' });
    const reply = await request(gateway, 'GET', '/api/audit/export', { token: tokens.auditor, query: { from: today, to: today } });
    expect(reply.status).toBe(200);
    expect(reply.headers['content-type']).toMatch(/^text\/csv/);
    expect(reply.text.charCodeAt(0)).toBe(0xfeff);
    expect(reply.text).toContain("'=cmd|calc");
    expect(reply.text).not.toMatch(/(^|,)=cmd/m);
    const exports = (await scanAll(t.doc, t.tables.audit)).filter((e) => e.action === 'audit.export');
    expect(exports).toHaveLength(1);
    expect(exports[0]).toMatchObject({ actor: 'au.ditor', result: 'ok' });
  });
});
