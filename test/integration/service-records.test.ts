import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Principal } from '../../functions/src/auth/principal.js';
import { keys } from '../../functions/src/data/keys.js';
import { createGateway } from '../../infra/local/gateway.js';
import { httpEvent, jsonHeaders } from '../support/http-events.js';
import { isolatedTables, type IsolatedTables } from '../support/isolated-tables.js';
import { call, queryPartition, type Reply } from './fixtures.js';

/**
 * 接入系统 and 办件 (issue 13 §1) through the real handlers and DynamoDB Local: a unit administrator
 * creates a client for a subtree (the credential shown once, its hash stored), rotates and revokes
 * it; the client pushes one record or a batch with a status each; the same record again is a
 * no-op, a different one under the same 办件编号 a conflict; the mobile number reaches only the
 * contact store, sealed; every use is audited, refused credentials too.
 */
const endpoint = inject('dynamoEndpoint');
const gateway = createGateway();
let t: IsolatedTables;

const ADMIN: Principal = { username: 'root.admin', role: 'system-admin', unitId: 'p1' };
const COUNTY_ADMIN: Principal = { username: 'county.admin', role: 'unit-admin', unitId: 'c1' };
const COMMITTEE: Principal = { username: 'committee.one', role: 'committee', unitId: 'c1' };
const tokens = new Map<string, string>();
let windowCode = '';
let otherWindow = '';

async function as(principal: Principal, method: 'GET' | 'POST', path: string, body?: unknown, query?: Record<string, string>): Promise<Reply> {
  return call(
    gateway,
    httpEvent(method, path, {
      headers: { authorization: `Bearer ${tokens.get(principal.username)!}`, ...(body !== undefined ? jsonHeaders : {}) },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      ...(query ? { query } : {}),
    }),
  );
}
const push = (credential: string, body: unknown) =>
  call(gateway, httpEvent('POST', '/api/service-records', { headers: { authorization: `Bearer ${credential}`, ...jsonHeaders }, body: JSON.stringify(body) }));

async function auditEntries(action: string) {
  const day = new Date().toLocaleDateString('sv-SE', { timeZone: 'Asia/Shanghai' });
  const page = await t.runtime.audit.listDay(day, { limit: 1000 });
  return page.entries.filter((entry) => entry.action === action);
}

/** An hour ago, as a business system would send it (with an offset). */
const FINISHED = new Date(Date.now() - 3_600_000).toISOString().replace('Z', '+00:00');
const record = (projNo: string, extra: Record<string, unknown> = {}) => ({
  projNo,
  unitId: 'd1',
  windowCode,
  serviceItem: '营业执照设立登记',
  staffNo: 'LJ1005',
  finishedAt: FINISHED,
  servedVia: 'window',
  applicantType: 'company',
  ...extra,
});

beforeAll(async () => {
  t = await isolatedTables(endpoint);
  t.install();
  for (const principal of [ADMIN, COUNTY_ADMIN, COMMITTEE]) tokens.set(principal.username, (await t.runtime.tokens.issue(principal, new Date())).token);
  for (const [id, name, parentId] of [
    ['p1', '江南省', null],
    ['m1', '清河市', 'p1'],
    ['c1', '临江县', 'm1'],
    ['d1', '临江县市场监督管理局', 'c1'],
    ['c2', '白沙县', 'm1'],
  ] as const) {
    expect((await as(ADMIN, 'POST', '/api/org/units', { id, name, parentId })).status).toBe(201);
  }
  windowCode = (await as(ADMIN, 'POST', '/api/org/units/d1/windows', { name: '企业开办窗口' })).json.code;
  otherWindow = (await as(ADMIN, 'POST', '/api/org/units/c2/windows', { name: '白沙县综合窗口' })).json.code;
});

afterAll(() => t?.close());

describe('接入系统 clients', () => {
  it('are created for a unit in scope with a credential shown once, listed without any secret, rotated and revoked', async () => {
    const created = await as(COUNTY_ADMIN, 'POST', '/api/integration-clients', { unitId: 'c1', name: '市场监管业务系统' });
    expect(created.status).toBe(201);
    expect(created.headers['cache-control']).toBe('no-store');
    const { client, credential } = created.json as { client: { clientId: string }; credential: string };
    expect(credential).toMatch(/^mc1\.c-[0-9a-f]{16}\.[A-Za-z0-9_-]{43}$/);
    expect(client).toMatchObject({ unitId: 'c1', name: '市场监管业务系统', createdBy: 'county.admin', state: 'active' });

    // Only the hash is stored: the secret appears in no item.
    const secret = credential.split('.')[2]!;
    const stored = await queryPartition(t.doc, t.tables.ops, keys.integrationClient(client.clientId).pk);
    expect(JSON.stringify(stored)).not.toContain(secret);
    expect(stored[0]!.secretHash).toMatch(/^[0-9a-f]{64}$/);

    const listed = await as(COUNTY_ADMIN, 'GET', '/api/integration-clients', undefined, { unitId: 'c1' });
    expect(listed.json.clients).toEqual([client]);
    expect(listed.text).not.toContain('secretHash');

    expect((await push(credential, record('P-0001'))).status).toBe(201);
    const rotated = await as(COUNTY_ADMIN, 'POST', `/api/integration-clients/${client.clientId}/rotate`);
    expect(rotated.status).toBe(200);
    expect(rotated.json.credential).not.toBe(credential);
    // The old secret stops at once; the new one works.
    expect((await push(credential, record('P-0002'))).status).toBe(401);
    expect((await push(rotated.json.credential, record('P-0002'))).status).toBe(201);

    const revoked = await as(COUNTY_ADMIN, 'POST', `/api/integration-clients/${client.clientId}/revoke`);
    expect(revoked.json.state).toBe('revoked');
    expect((await push(rotated.json.credential, record('P-0003'))).status).toBe(401);
    expect((await as(COUNTY_ADMIN, 'POST', `/api/integration-clients/${client.clientId}/rotate`)).status).toBe(409);

    const results = (await auditEntries('client.authenticate')).filter((entry) => entry.objectId === client.clientId).map((entry) => entry.detail);
    expect(results).toEqual(expect.arrayContaining(['wrong or rotated-out secret', 'revoked']));
    for (const action of ['integration-client.create', 'integration-client.rotate', 'integration-client.revoke']) {
      expect((await auditEntries(action)).some((entry) => entry.result === 'ok' && entry.objectId === client.clientId), action).toBe(true);
    }
  });

  it('are refused to a committee member (403) and outside the scope (404), each audited', async () => {
    expect((await as(COMMITTEE, 'POST', '/api/integration-clients', { unitId: 'c1', name: '委员会系统' })).status).toBe(403);
    const outside = await as(COUNTY_ADMIN, 'POST', '/api/integration-clients', { unitId: 'c2', name: '白沙县系统' });
    expect(outside.status).toBe(404);
    expect(outside.json.error.issues[0].field).toBe('unitId');
    expect((await as(COUNTY_ADMIN, 'POST', '/api/integration-clients', { unitId: 'c1', name: '' })).json.error.issues[0].field).toBe('name');
    expect((await as(COUNTY_ADMIN, 'POST', '/api/integration-clients/c-0000000000000000/revoke')).status).toBe(404);
    expect((await auditEntries('integration-client.create')).map((entry) => entry.result)).toEqual(expect.arrayContaining(['denied']));
  });
});

describe('pushing 办件', () => {
  let credential = '';
  beforeAll(async () => {
    credential = (await as(COUNTY_ADMIN, 'POST', '/api/integration-clients', { unitId: 'c1', name: '一窗受理系统' })).json.credential;
  });

  it('stores one record once: the same again is a no-op, a different one under the same 办件编号 a conflict', async () => {
    const first = await push(credential, record('R-1001', { applicantMobile: '13800138000' }));
    const again = await push(credential, record('R-1001', { applicantMobile: '13800138000' }));
    const changed = await push(credential, record('R-1001', { applicantMobile: '13800138000', serviceItem: '食品经营许可' }));
    expect(first.status).toBe(201);
    expect(first.json).toEqual({ stored: 1, unchanged: 0, refused: 0, records: [{ index: 0, projNo: 'R-1001', status: 'stored' }] });
    expect(again.status).toBe(200);
    expect(again.json.records[0].status).toBe('unchanged');
    expect(changed.status).toBe(409);
    expect(changed.json.error.issues[0].field).toBe('projNo');

    const stored = (await queryPartition(t.doc, t.tables.ops, keys.serviceRecord('d1', 'R-1001').pk))[0]!;
    expect(stored).toMatchObject({ unitId: 'd1', projNo: 'R-1001', windowCode, servedVia: 'window', applicantType: 'company', day: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/) });
    expect(stored.phoneKey).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(stored.expiresAt).toBeGreaterThan(Date.now() / 1000 + 390 * 86_400);
    const month = String(stored.month);
    expect((await queryPartition(t.doc, t.tables.ops, keys.serviceRecordListingPartition('d1', month))).map((item) => item.projNo)).toContain('R-1001');
  });

  it('takes a batch of up to 500 with a status per record: good ones stored whatever the others are', async () => {
    const batch = [
      record('B-1', { applicantMobile: '13912345678' }),
      record('B-2', { finishedAt: '2026-12-06 10:00' }),
      record('B-3', { unitId: 'c2', windowCode: otherWindow }),
      record('B-4', { windowCode: otherWindow }),
      record('B-5', { applicantMobile: '12345' }),
      record('B-6', { servedVia: 'online' }),
      { ...record('B-7'), extra: 1 },
      record('B-8', { finishedAt: new Date(Date.now() + 86_400_000).toISOString() }),
    ];
    const reply = await push(credential, { records: batch });
    expect(reply.status).toBe(200);
    expect(reply.json.records.map((r: { status: string; issues?: { field: string }[] }) => [r.status, r.issues?.[0]?.field])).toEqual([
      ['stored', undefined],
      ['invalid', 'finishedAt'],
      ['forbidden', 'unitId'],
      ['invalid', 'windowCode'],
      ['invalid', 'applicantMobile'],
      ['stored', undefined],
      ['invalid', 'extra'],
      ['invalid', 'finishedAt'],
    ]);
    expect(reply.json).toMatchObject({ stored: 2, unchanged: 0, refused: 6 });
    expect(await t.runtime.serviceRecords.get('d1', 'B-2')).toBeUndefined();
    expect(await t.runtime.serviceRecords.get('d1', 'B-6')).toMatchObject({ servedVia: 'online' });

    const tooMany = await push(credential, { records: Array.from({ length: 501 }, (_, i) => record(`M-${i}`)) });
    expect(tooMany.status).toBe(400);
    expect(tooMany.json.error.issues[0].field).toBe('records');
    const full = await push(credential, { records: Array.from({ length: 500 }, (_, i) => record(`F-${i}`)) });
    expect(full.json.stored).toBe(500);
  });

  it('keeps the mobile number only in the contact store, sealed; the record holds a pseudonym that is the same for the same number', async () => {
    await push(credential, record('S-1', { applicantMobile: '13700001111' }));
    await push(credential, record('S-2', { applicantMobile: '13700001111' }));
    await push(credential, record('S-3', { applicantMobile: '13700002222' }));
    const [one, two, three] = await Promise.all(['S-1', 'S-2', 'S-3'].map((projNo) => t.runtime.serviceRecords.get('d1', projNo)));
    expect(one!.phoneKey).toBe(two!.phoneKey);
    expect(one!.phoneKey).not.toBe(three!.phoneKey);

    const ops = JSON.stringify((await t.doc.send(new ScanCommand({ TableName: t.tables.ops }))).Items);
    const audit = JSON.stringify((await t.doc.send(new ScanCommand({ TableName: t.tables.audit }))).Items);
    // A mobile number standing on its own (hex ids and MACs hold digit runs inside longer strings).
    const mobile = /(?<![0-9A-Za-z])1[3-9]\d{9}(?![0-9A-Za-z])/g;
    expect(ops.match(mobile) ?? []).toEqual([]);
    expect(audit.match(mobile) ?? []).toEqual([]);
    for (const pushed of ['13800138000', '13912345678', '13700001111', '13700002222']) expect(ops + audit).not.toContain(pushed);
    const contacts = (await t.doc.send(new ScanCommand({ TableName: t.tables.contacts }))).Items ?? [];
    const contact = contacts.find((item) => item.contactId === one!.contactId)!;
    expect(contact).toMatchObject({ kind: 'service-record', unitId: 'd1', projNo: 'S-1' });
    expect(JSON.stringify(contact)).not.toContain('13700001111');
    expect(await t.runtime.sealer.open(String(contact.sealedPhone))).toBe('13700001111');
    expect(Number(contact.expiresAt)).toBeLessThan(Date.now() / 1000 + 91 * 86_400);
  });

  it('refuses a missing or malformed credential, and a person’s session token, with 401', async () => {
    expect((await call(gateway, httpEvent('POST', '/api/service-records', { headers: jsonHeaders, body: JSON.stringify(record('X-1')) }))).status).toBe(401);
    expect((await push('mc1.c-0000000000000000.' + 'A'.repeat(43), record('X-1'))).status).toBe(401);
    expect((await push(tokens.get(ADMIN.username)!, record('X-1'))).status).toBe(401);
    const single = await push(credential, record('X-2', { unitId: 'c2', windowCode: otherWindow }));
    expect(single.status).toBe(403);
    const bad = await push(credential, record('X-3', { servedVia: 'fax' }));
    expect(bad.status).toBe(400);
    expect(bad.json.error.issues[0].field).toBe('servedVia');
    expect(await t.runtime.serviceRecords.get('c2', 'X-2')).toBeUndefined();
    expect((await auditEntries('service-record.push')).length).toBeGreaterThanOrEqual(5);
  });
});
