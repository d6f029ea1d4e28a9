import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Principal } from '../../functions/src/auth/principal.js';
import { createWindow } from '../../functions/src/use-cases/org/windows.js';
import { createGateway } from '../../infra/local/gateway.js';
import { httpEvent, jsonHeaders } from '../support/http-events.js';
import { isolatedTables, type IsolatedTables } from '../support/isolated-tables.js';
import { call, postRating, type Reply } from './fixtures.js';

/**
 * The unit tree (单位树), windows and staff through the real handlers and DynamoDB Local: moves
 * rewrite every descendant's path, archives replace deletes, window codes never collide, and
 * anything out of a unit admin's scope is answered like "does not exist" and audited.
 */

const endpoint = inject('dynamoEndpoint');
const gateway = createGateway();
let t: IsolatedTables;

const ADMIN: Principal = { username: 'root.admin', role: 'system-admin', unitId: 'p1' };
const COUNTY_ADMIN: Principal = { username: 'county.admin', role: 'unit-admin', unitId: 'c1' };
const COMMITTEE: Principal = { username: 'committee.one', role: 'committee', unitId: 'p1' };
const tokens = new Map<string, string>();

async function as(principal: Principal, method: 'GET' | 'POST', path: string, body?: unknown, query?: Record<string, string>): Promise<Reply> {
  const token = tokens.get(principal.username)!;
  return call(
    gateway,
    httpEvent(method, path, {
      headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? jsonHeaders : {}) },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      ...(query ? { query } : {}),
    }),
  );
}

const createUnit = (id: string, name: string, parentId: string | null, who: Principal = ADMIN) => as(who, 'POST', '/api/org/units', { id, name, parentId });

beforeAll(async () => {
  t = await isolatedTables(endpoint);
  t.install();
  for (const principal of [ADMIN, COUNTY_ADMIN, COMMITTEE]) tokens.set(principal.username, (await t.runtime.tokens.issue(principal, new Date())).token);
  // 省 p1 → 市 m1 → 县 c1 → 部门 d1 → 科室 s1; a second city m2 with county c2 outside c1's scope.
  for (const [id, name, parent] of [
    ['p1', '江南省', null],
    ['m1', '清河市', 'p1'],
    ['c1', '临江县', 'm1'],
    ['d1', '临江县市场监督管理局', 'c1'],
    ['s1', '登记注册科', 'd1'],
    ['m2', '白沙市', 'p1'],
    ['c2', '白沙县', 'm2'],
  ] as const) {
    expect((await createUnit(id, name, parent)).status).toBe(201);
  }
});

afterAll(() => t?.close());

async function auditEntries(action: string) {
  const day = new Date().toLocaleDateString('sv-SE', { timeZone: 'Asia/Shanghai' });
  const page = await t.runtime.audit.listDay(day, { limit: 1000 });
  return page.entries.filter((entry) => entry.action === action);
}

describe('moving a unit', () => {
  it('rewrites the path of every descendant unit and window, so subtree lists follow the move', async () => {
    // Prepare
    const window = await as(ADMIN, 'POST', '/api/org/units/s1/windows', { name: '登记窗口' });
    expect(window.status).toBe(201);

    // Act
    const moved = await as(ADMIN, 'POST', '/api/org/units/d1/move', { parentId: 'c2' });

    // Assess
    expect(moved.status).toBe(200);
    expect(moved.json).toMatchObject({ unit: { id: 'd1', path: ['p1', 'm2', 'c2', 'd1'] }, movedUnits: 2, movedWindows: 1 });
    expect((await t.runtime.units.get('s1'))?.path).toEqual(['p1', 'm2', 'c2', 'd1', 's1']);
    expect((await t.runtime.windows.get(window.json.code))?.unitPath).toEqual(['p1', 'm2', 'c2', 'd1', 's1']);
    const underC2 = await t.runtime.windows.listSubtree(['p1', 'm2', 'c2']);
    expect(underC2.items.map((w) => w.code)).toEqual([window.json.code]);
    expect((await t.runtime.windows.listSubtree(['p1', 'm1', 'c1'])).items).toEqual([]);
    const tree = await as(ADMIN, 'GET', '/api/org/unit-tree');
    expect(tree.json.units.map((u: { id: string; depth: number }) => `${u.id}:${u.depth}`)).toEqual(['p1:0', 'm1:1', 'c1:2', 'm2:1', 'c2:2', 'd1:3', 's1:4']);

    // Moving it back is the same operation the other way.
    expect((await as(ADMIN, 'POST', '/api/org/units/d1/move', { parentId: 'c1' })).status).toBe(200);
    expect((await t.runtime.units.get('s1'))?.path).toEqual(['p1', 'm1', 'c1', 'd1', 's1']);
  });

  it('finishes a move interrupted by a crash when it is repeated, and refuses a different move meanwhile', async () => {
    // Prepare: the state a crash leaves after step 2 began: m3 → c3 → d3 moving from m3 to m4,
    // the unit claimed (movingTo) and one descendant already rewritten, the other not.
    for (const [id, parent] of [['m3', 'p1'], ['m4', 'p1'], ['c3', 'm3'], ['d3', 'c3'], ['e3', 'c3']] as const) {
      expect((await createUnit(id, `单位${id}`, parent)).status).toBe(201);
    }
    await t.doc.send(new UpdateCommand({ TableName: t.tables.ops, Key: { pk: 'UNIT#c3', sk: 'META' }, UpdateExpression: 'SET movingTo = :m', ExpressionAttributeValues: { ':m': 'm4' } }));
    const half = (await t.runtime.units.get('d3'))!;
    await t.runtime.units.put({ ...half, path: ['p1', 'm4', 'c3', 'd3'] });

    // Act
    const other = await as(ADMIN, 'POST', '/api/org/units/c3/move', { parentId: 'm1' });
    const repeated = await as(ADMIN, 'POST', '/api/org/units/c3/move', { parentId: 'm4' });

    // Assess
    expect(other.status).toBe(409);
    expect(repeated.status).toBe(200);
    for (const id of ['d3', 'e3']) expect((await t.runtime.units.get(id))?.path).toEqual(['p1', 'm4', 'c3', id]);
    const moved = await t.doc.send(new GetCommand({ TableName: t.tables.ops, Key: { pk: 'UNIT#c3', sk: 'META' } }));
    expect(moved.Item).toMatchObject({ parentId: 'm4', path: ['p1', 'm4', 'c3'] });
    expect(moved.Item?.movingTo).toBeUndefined();
    const subtree = await t.runtime.units.subtree(['p1', 'm4']);
    expect(subtree.items.map((u) => u.id).sort()).toEqual(['c3', 'd3', 'e3', 'm4']);
  });

  it('refuses a move under the unit itself or one of its descendants, and changes nothing', async () => {
    // Act
    const underChild = await as(ADMIN, 'POST', '/api/org/units/m1/move', { parentId: 's1' });
    const underSelf = await as(ADMIN, 'POST', '/api/org/units/m1/move', { parentId: 'm1' });

    // Assess
    expect(underChild.status).toBe(400);
    expect(underChild.json.error.issues[0].field).toBe('parentId');
    expect(underSelf.status).toBe(400);
    expect((await t.runtime.units.get('m1'))?.path).toEqual(['p1', 'm1']);
    expect((await t.runtime.units.get('s1'))?.path).toEqual(['p1', 'm1', 'c1', 'd1', 's1']);
  });
});

describe('archiving a unit', () => {
  it('hides a rated unit from lists and refuses new windows, and offers no way to delete it', async () => {
    // Prepare: a unit with a window that has a rating.
    expect((await createUnit('d9', '临江县档案馆', 'c1')).status).toBe(201);
    const window = await as(ADMIN, 'POST', '/api/org/units/d9/windows', { name: '查档窗口' });
    expect((await postRating(gateway, { windowCode: window.json.code, level: 5 })).status).toBe(201);

    // Act
    const archived = await as(ADMIN, 'POST', '/api/org/units/d9/archive', { archived: true });
    const deleted = await as(ADMIN, 'POST', '/api/org/units/d9/delete');

    // Assess
    expect(archived.status).toBe(200);
    expect(archived.json.archived).toBe(true);
    expect(deleted.status).toBe(404);
    expect(await t.runtime.units.get('d9')).toMatchObject({ id: 'd9', archived: true });
    const children = await as(ADMIN, 'GET', '/api/org/units/c1/children');
    expect(children.json.units.map((u: { id: string }) => u.id)).toEqual(['d1']);
    const withArchived = await as(ADMIN, 'GET', '/api/org/units/c1/children', undefined, { includeArchived: 'true' });
    expect(withArchived.json.units.map((u: { id: string }) => u.id).sort()).toEqual(['d1', 'd9']);
    const refused = await as(ADMIN, 'POST', '/api/org/units/d9/windows', { name: '第二个窗口' });
    expect(refused.status).toBe(409);
    expect(refused.json.error.issues[0].field).toBe('unitId');
    // The rated window keeps its card and its rating.
    expect((await t.runtime.windows.get(window.json.code))?.name).toBe('查档窗口');
  });
});

describe('window codes', () => {
  it('are 8 characters of the unambiguous alphabet, and a collision is retried with a fresh code', async () => {
    // Prepare: the generator's first two codes collide with an existing window.
    const first = await as(ADMIN, 'POST', '/api/org/units/c1/windows', { name: '综合窗口' });
    expect(first.json.code).toMatch(/^[23456789abcdefghjkmnpqrstuvwxyz]{8}$/);
    const codes = [first.json.code, first.json.code, 'zz22zz22'];

    // Act
    const second = await createWindow({ ...t.runtime, newWindowCode: () => codes.shift()! }, ADMIN, 'c1', { name: '另一个窗口' });

    // Assess
    expect(second.code).toBe('zz22zz22');
    expect((await t.runtime.windows.get(first.json.code))?.name).toBe('综合窗口');
  });

  it('a deactivated window refuses ratings with 409', async () => {
    const window = await as(ADMIN, 'POST', '/api/org/units/c1/windows', { name: '暂停窗口', serviceItems: [{ name: '营业执照' }] });
    expect((await as(ADMIN, 'POST', `/api/org/windows/${window.json.code}`, { active: false })).status).toBe(200);
    expect((await postRating(gateway, { windowCode: window.json.code, level: 4 })).status).toBe(409);
  });
});

describe('staff and windows', () => {
  it('keeps 工号 unique within a unit and puts only assigned staff of the same unit on duty', async () => {
    // Prepare
    const person = { staffNo: 'LJ2001', name: '陈敏', post: '登记员', duties: '设立登记', pledge: '一次告知', partyMember: true };
    const created = await as(ADMIN, 'POST', '/api/org/units/c1/staff', person);
    const elsewhere = await as(ADMIN, 'POST', '/api/org/units/c2/staff', { ...person, name: '王磊' });
    const window = await as(ADMIN, 'POST', '/api/org/units/c1/windows', { name: '登记窗口2' });

    // Act
    const duplicate = await as(ADMIN, 'POST', '/api/org/units/c1/staff', { ...person, name: '李娜' });
    const stranger = await as(ADMIN, 'POST', `/api/org/windows/${window.json.code}/staff`, { staffIds: [elsewhere.json.id], onDutyIds: [] });
    const onDuty = await as(ADMIN, 'POST', `/api/org/windows/${window.json.code}/staff`, { staffIds: [created.json.id], onDutyIds: [created.json.id] });

    // Assess
    expect(created.status).toBe(201);
    expect(elsewhere.status).toBe(201);
    expect(duplicate.status).toBe(409);
    expect(duplicate.json.error.issues[0].field).toBe('staffNo');
    expect(stranger.status).toBe(400);
    expect(stranger.json.error.issues[0].field).toBe('staffIds.0');
    expect(onDuty.json.staff).toEqual([{ id: created.json.id, name: '陈敏', staffNo: 'LJ2001', onDuty: true }]);
    const card = await call(gateway, httpEvent('GET', `/api/public/windows/${window.json.code}`));
    // The id lets a resident name who served them (docs/decisions/0012-attribution.md); it is already public in the photo path.
    expect(card.json.staffOnDuty).toEqual([{ id: created.json.id, name: '陈敏', staffNo: 'LJ2001', post: '登记员', duties: '设立登记', pledge: '一次告知' }]);
  });
});

describe('staff photos', () => {
  const png = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8cfc0f01f0005000201a1e3c2a40000000049454e44ae426082', 'hex');
  const upload = (who: Principal, staffId: string, bytes: Buffer) =>
    call(
      gateway,
      httpEvent('POST', `/api/org/staff/${staffId}/photo`, {
        body: bytes.toString('base64'),
        isBase64Encoded: true,
        headers: { authorization: `Bearer ${tokens.get(who.username)}`, 'content-type': 'application/octet-stream' },
      }),
    );

  it('stores a PNG and gives back the same bytes; refuses SVG and anything over 200 KB', async () => {
    // Prepare
    const person = await as(ADMIN, 'POST', '/api/org/units/c1/staff', { staffNo: 'PH01', name: '照片', post: '受理员', duties: '', pledge: '', partyMember: false });

    // Act
    const stored = await upload(ADMIN, person.json.id, png);
    const svg = await upload(ADMIN, person.json.id, Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'));
    const huge = await upload(ADMIN, person.json.id, Buffer.concat([png, Buffer.alloc(200 * 1024)]));
    const read = await t.runtime.staff.getPhoto(person.json.id);
    const viaApi = await gateway.invoke(
      httpEvent('GET', `/api/org/staff/${person.json.id}/photo`, { headers: { authorization: `Bearer ${tokens.get(ADMIN.username)}` } }),
    );
    const outOfScope = await upload(COUNTY_ADMIN, (await as(ADMIN, 'POST', '/api/org/units/c2/staff', { staffNo: 'PH02', name: '外县', post: '受理员', duties: '', pledge: '', partyMember: false })).json.id, png);

    // Assess
    expect(stored.status).toBe(200);
    expect(stored.json).toEqual({ contentType: 'image/png', bytes: png.length });
    expect(svg.status).toBe(400);
    expect(svg.json.error.issues[0].field).toBe('photo');
    expect(huge.status).toBe(400);
    expect(Buffer.from(read!.data, 'base64').equals(png)).toBe(true);
    expect(viaApi.statusCode).toBe(200);
    expect(viaApi.headers?.['content-type']).toBe('image/png');
    expect(Buffer.from(viaApi.body!, 'base64').equals(png)).toBe(true);
    expect(outOfScope.status).toBe(404);
  });
});

describe('scope', () => {
  it('answers a unit admin outside their subtree exactly like "does not exist", and audits it', async () => {
    // Prepare: c2 exists but is outside c1; c404 does not exist at all.
    const before = (await auditEntries('unit.rename')).length;

    // Act
    const outside = await as(COUNTY_ADMIN, 'POST', '/api/org/units/c2/rename', { name: '改名' });
    const missing = await as(COUNTY_ADMIN, 'POST', '/api/org/units/c404/rename', { name: '改名' });
    const moveOut = await as(COUNTY_ADMIN, 'POST', '/api/org/units/d1/move', { parentId: 'c2' });
    const readOut = await as(COUNTY_ADMIN, 'GET', '/api/org/units/m2/children');

    // Assess
    expect(outside.status).toBe(404);
    expect(outside.json).toEqual(missing.json);
    expect(moveOut.status).toBe(404);
    expect(moveOut.json.error.issues[0].field).toBe('parentId');
    expect(readOut.status).toBe(404);
    expect((await t.runtime.units.get('c2'))?.name).toBe('白沙县');
    expect((await t.runtime.units.get('d1'))?.path).toEqual(['p1', 'm1', 'c1', 'd1']);
    const audited = await auditEntries('unit.rename');
    expect(audited.length - before).toBe(2);
    expect(audited.map((e) => `${e.actor}:${e.objectId}:${e.result}`)).toEqual(
      expect.arrayContaining(['county.admin:c2:denied', 'county.admin:c404:not-found']),
    );
    expect((await auditEntries('unit.move')).some((e) => e.actor === 'county.admin' && e.result === 'denied')).toBe(true);
  });

  it('hides windows and staff of other subtrees from a unit admin, whatever the operation', async () => {
    // Prepare: a window and a staff member in c2, outside c1.
    const window = await as(ADMIN, 'POST', '/api/org/units/c2/windows', { name: '白沙县窗口' });
    const person = await as(ADMIN, 'POST', '/api/org/units/c2/staff', { staffNo: 'BS01', name: '白沙', post: '受理员', duties: '', pledge: '', partyMember: false });

    const since = new Date().toISOString();

    // Act
    const replies = await Promise.all([
      as(COUNTY_ADMIN, 'GET', `/api/org/windows/${window.json.code}`),
      as(COUNTY_ADMIN, 'POST', `/api/org/windows/${window.json.code}`, { active: false }),
      as(COUNTY_ADMIN, 'POST', `/api/org/windows/${window.json.code}/staff`, { staffIds: [], onDutyIds: [] }),
      as(COUNTY_ADMIN, 'GET', '/api/org/units/c2/windows'),
      as(COUNTY_ADMIN, 'GET', '/api/org/units/c2/staff'),
      as(COUNTY_ADMIN, 'POST', '/api/org/units/c2/windows', { name: '越权窗口' }),
      as(COUNTY_ADMIN, 'GET', `/api/org/staff/${person.json.id}`),
      as(COUNTY_ADMIN, 'POST', `/api/org/staff/${person.json.id}`, { name: '改名' }),
    ]);

    // Assess
    expect(replies.map((reply) => reply.status)).toEqual([404, 404, 404, 404, 404, 404, 404, 404]);
    expect((await t.runtime.windows.get(window.json.code))?.active).toBe(true);
    expect((await t.runtime.staff.get(person.json.id))?.name).toBe('白沙');
    const denied = (await t.runtime.audit.listDay(new Date().toLocaleDateString('sv-SE', { timeZone: 'Asia/Shanghai' }), { limit: 1000 })).entries.filter(
      (entry) => entry.actor === 'county.admin' && entry.result === 'denied' && entry.unitId === 'c2' && entry.at >= since,
    );
    expect(new Set(denied.map((entry) => entry.action))).toEqual(
      new Set(['window.read', 'window.deactivate', 'window.staff', 'window.list', 'staff.list', 'window.create', 'staff.read', 'staff.update']),
    );
  });

  it('answers a forged or foreign cursor with 400 naming cursor, never a 5xx', async () => {
    const foreign = Buffer.from(JSON.stringify({ pk: 'UNIT#c2', sk: 'META', parentKey: 'PARENT#m2' })).toString('base64url');
    for (const cursor of ['not-base64!', Buffer.from('[1,2]').toString('base64url'), foreign]) {
      const reply = await as(ADMIN, 'GET', '/api/org/units/c1/children', undefined, { cursor });
      expect(reply.status).toBe(400);
      expect(reply.json.error.issues[0].field).toBe('cursor');
    }
  });

  it('lets a unit admin work inside their subtree and a committee member only read', async () => {
    const inside = await as(COUNTY_ADMIN, 'POST', '/api/org/units', { id: 'd2', name: '临江县医保局', parentId: 'c1' });
    const committeeRead = await as(COMMITTEE, 'GET', '/api/org/units/c1/children');
    const committeeWrite = await as(COMMITTEE, 'POST', '/api/org/units/c1/rename', { name: '改名' });
    expect(inside.status).toBe(201);
    expect(committeeRead.status).toBe(200);
    expect(committeeWrite.status).toBe(403);
    expect((await auditEntries('unit.rename')).some((e) => e.actor === 'committee.one' && e.result === 'denied')).toBe(true);
  });
});
