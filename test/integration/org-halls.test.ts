import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Principal } from '../../functions/src/auth/principal.js';
import { keys } from '../../functions/src/data/keys.js';
import { createGateway } from '../../infra/local/gateway.js';
import { httpEvent, jsonHeaders } from '../support/http-events.js';
import { isolatedTables, type IsolatedTables } from '../support/isolated-tables.js';
import { call, queryPartition, type Reply } from './fixtures.js';

/**
 * 服务大厅 (service halls) and the 亮身份 photo through the real handlers and DynamoDB Local: halls
 * are created, listed, renamed and archived (never deleted); a window moves into a hall of its unit
 * or of an ancestor and the resident card follows; anything out of scope is answered like "does not
 * exist" and audited; the public photo route serves a photo only while its person is on duty at an
 * active window.
 */

const endpoint = inject('dynamoEndpoint');
const gateway = createGateway();
let t: IsolatedTables;

const ADMIN: Principal = { username: 'root.admin', role: 'system-admin', unitId: 'p1' };
const COUNTY_ADMIN: Principal = { username: 'county.admin', role: 'unit-admin', unitId: 'c1' };
const DEPT_ADMIN: Principal = { username: 'dept.admin', role: 'unit-admin', unitId: 'd1' };
const COMMITTEE: Principal = { username: 'committee.one', role: 'committee', unitId: 'c1' };
const tokens = new Map<string, string>();

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
const publicGet = (path: string) => gateway.invoke(httpEvent('GET', path));

async function auditEntries(action: string, actor?: string) {
  const day = new Date().toLocaleDateString('sv-SE', { timeZone: 'Asia/Shanghai' });
  const page = await t.runtime.audit.listDay(day, { limit: 1000 });
  return page.entries.filter((entry) => entry.action === action && (!actor || entry.actor === actor));
}

const listing = (unitId: string) => queryPartition(t.doc, t.tables.ops, keys.hallListingPartition(unitId));

beforeAll(async () => {
  t = await isolatedTables(endpoint);
  t.install();
  for (const principal of [ADMIN, COUNTY_ADMIN, DEPT_ADMIN, COMMITTEE]) tokens.set(principal.username, (await t.runtime.tokens.issue(principal, new Date())).token);
  // 省 p1 → 市 m1 → 县 c1 → 部门 d1; a second county c2 under m2, outside c1's scope.
  for (const [id, name, parentId] of [
    ['p1', '江南省', null],
    ['m1', '清河市', 'p1'],
    ['c1', '临江县', 'm1'],
    ['d1', '临江县市场监督管理局', 'c1'],
    ['m2', '白沙市', 'p1'],
    ['c2', '白沙县', 'm2'],
  ] as const) {
    expect((await as(ADMIN, 'POST', '/api/org/units', { id, name, parentId })).status).toBe(201);
  }
});

afterAll(() => t?.close());

describe('service halls of a unit', () => {
  it('are created, listed, renamed and archived (hidden, never deleted), each change audited', async () => {
    // Act
    const created = await as(COUNTY_ADMIN, 'POST', '/api/org/units/c1/halls', { name: ' 临江县政务服务中心大厅 ', address: '滨江大道88号' });
    const second = await as(COUNTY_ADMIN, 'POST', '/api/org/units/c1/halls', { name: '临江县便民服务大厅' });
    const renamed = await as(COUNTY_ADMIN, 'POST', `/api/org/halls/${created.json.id}`, { name: '临江县市民中心大厅' });
    const moved = await as(COUNTY_ADMIN, 'POST', `/api/org/halls/${created.json.id}`, { address: '滨江大道99号' });
    const archived = await as(COUNTY_ADMIN, 'POST', `/api/org/halls/${second.json.id}/archive`, { archived: true });
    const list = await as(COUNTY_ADMIN, 'GET', '/api/org/units/c1/halls');
    const all = await as(COMMITTEE, 'GET', '/api/org/units/c1/halls', undefined, { includeArchived: 'true' });
    const deleted = await as(COUNTY_ADMIN, 'POST', `/api/org/halls/${second.json.id}/delete`);

    // Assess
    expect(created.status).toBe(201);
    expect(created.json).toEqual({ id: expect.stringMatching(/^h-[0-9a-f]{16}$/), unitId: 'c1', name: '临江县政务服务中心大厅', address: '滨江大道88号', archived: false });
    expect(second.json.address).toBe('');
    expect(renamed.status).toBe(200);
    expect(moved.json).toEqual({ ...created.json, name: '临江县市民中心大厅', address: '滨江大道99号' });
    expect(archived.json.archived).toBe(true);
    expect(list.json.halls.map((h: { id: string }) => h.id)).toEqual([created.json.id]);
    expect(all.json.halls.map((h: { id: string }) => h.id).sort()).toEqual([created.json.id, second.json.id].sort());
    expect(deleted.status).toBe(404);
    // Both items of each hall say the same thing (the record by id and the unit's listing).
    const stored = await listing('c1');
    expect(stored.find((item) => item.id === created.json.id)).toMatchObject({ name: '临江县市民中心大厅', address: '滨江大道99号' });
    expect(await t.runtime.halls.get(created.json.id)).toEqual({ id: created.json.id, unitId: 'c1', name: '临江县市民中心大厅', address: '滨江大道99号' });
    expect(await t.runtime.halls.get(second.json.id)).toMatchObject({ archived: true });
    for (const action of ['hall.create', 'hall.update', 'hall.archive']) {
      expect((await auditEntries(action, COUNTY_ADMIN.username)).filter((e) => e.result === 'ok').length, action).toBeGreaterThanOrEqual(1);
    }
  });

  it('refuses a committee member any change (403, audited) but lets them read', async () => {
    // Act
    const create = await as(COMMITTEE, 'POST', '/api/org/units/c1/halls', { name: '委员会大厅' });
    const read = await as(COMMITTEE, 'GET', '/api/org/units/c1/halls');

    // Assess
    expect(create.status).toBe(403);
    expect(read.status).toBe(200);
    expect((await auditEntries('hall.create', COMMITTEE.username)).map((e) => e.result)).toEqual(['denied']);
  });
});

describe('bad input', () => {
  it('gets a 400 naming the field, and writes nothing', async () => {
    // Prepare
    const hall = await as(ADMIN, 'POST', '/api/org/units/d1/halls', { name: '登记大厅' });
    const window = await as(ADMIN, 'POST', '/api/org/units/d1/windows', { name: '登记窗口' });
    const before = await listing('d1');

    // Act
    const cases: [Reply, string][] = [
      [await as(ADMIN, 'POST', '/api/org/units/d1/halls', { name: '' }), 'name'],
      [await as(ADMIN, 'POST', '/api/org/units/d1/halls', { name: '   ' }), 'name'],
      [await as(ADMIN, 'POST', '/api/org/units/d1/halls', { name: '大'.repeat(61) }), 'name'],
      [await as(ADMIN, 'POST', '/api/org/units/d1/halls', { name: '大厅', address: 'a\u0000b' }), 'address'],
      [await as(ADMIN, 'POST', '/api/org/units/d1/halls', { name: '大厅', unitId: 'c2' }), 'unitId'],
      [await as(ADMIN, 'POST', '/api/org/units/d1/halls', { address: '无名' }), 'name'],
      [await as(ADMIN, 'POST', `/api/org/halls/${hall.json.id}`, { name: 42 }), 'name'],
      [await as(ADMIN, 'POST', `/api/org/halls/${hall.json.id}/archive`, { archived: 'yes' }), 'archived'],
      [await as(ADMIN, 'POST', '/api/org/halls/a%23b', { name: '大厅' }), 'hallId'],
      [await as(ADMIN, 'POST', `/api/org/windows/${window.json.code}`, { hallId: 'HALL#x' }), 'hallId'],
      [await as(ADMIN, 'POST', `/api/org/windows/${window.json.code}`, { hallId: 7 }), 'hallId'],
      [await as(ADMIN, 'GET', '/api/org/units/d1/halls', undefined, { limit: '0' }), 'limit'],
      [await as(ADMIN, 'GET', '/api/org/units/d1/halls', undefined, { cursor: 'bm90LWEtY3Vyc29y' }), 'cursor'],
    ];

    // Assess
    for (const [reply, field] of cases) {
      expect(reply.status, `${field}: ${reply.text}`).toBe(400);
      expect(reply.json.error.issues.map((i: { field: string }) => i.field)).toContain(field);
    }
    expect(await listing('d1')).toEqual(before);
    expect((await t.runtime.windows.get(window.json.code))?.hallId).toBe('');
  });
});

describe('assigning a window to a hall', () => {
  it('takes a hall of the window’s unit or of an ancestor, and the resident card shows it', async () => {
    // Prepare: halls at the county (c1) and at the department (d1); a window of the department.
    const countyHall = await as(ADMIN, 'POST', '/api/org/units/c1/halls', { name: '县政务大厅', address: '县府路1号' });
    const deptHall = await as(ADMIN, 'POST', '/api/org/units/d1/halls', { name: '市场监管办事大厅' });
    const window = await as(DEPT_ADMIN, 'POST', '/api/org/units/d1/windows', { name: '企业开办窗口' });

    // Act
    const options = await as(DEPT_ADMIN, 'GET', `/api/org/windows/${window.json.code}/halls`);
    const toCounty = await as(DEPT_ADMIN, 'POST', `/api/org/windows/${window.json.code}`, { hallId: countyHall.json.id });
    const card = await call(gateway, httpEvent('GET', `/api/public/windows/${window.json.code}`));
    const toDept = await as(DEPT_ADMIN, 'POST', `/api/org/windows/${window.json.code}`, { hallId: deptHall.json.id });
    const after = await as(DEPT_ADMIN, 'GET', `/api/org/windows/${window.json.code}/halls`);
    const cleared = await as(DEPT_ADMIN, 'POST', `/api/org/windows/${window.json.code}`, { hallId: '' });
    const ownPremises = await call(gateway, httpEvent('GET', `/api/public/windows/${window.json.code}`));

    // Assess
    expect(options.status).toBe(200);
    expect(options.json.current).toBeNull();
    const offered = options.json.halls.map((h: { id: string; unitName: string }) => `${h.id}@${h.unitName}`);
    expect(offered).toContain(`${countyHall.json.id}@临江县`);
    expect(offered).toContain(`${deptHall.json.id}@临江县市场监督管理局`);
    // Nearest unit first; archived halls are not offered.
    expect(options.json.halls[0].unitId).toBe('d1');
    expect(options.json.halls.every((h: { archived: boolean }) => !h.archived)).toBe(true);
    expect(toCounty.status).toBe(200);
    expect(toCounty.json.hallId).toBe(countyHall.json.id);
    expect(card.json.hall).toEqual({ id: countyHall.json.id, name: '县政务大厅', address: '县府路1号' });
    expect(toDept.json.hallId).toBe(deptHall.json.id);
    expect(after.json.current).toMatchObject({ id: deptHall.json.id, name: '市场监管办事大厅' });
    expect(cleared.json.hallId).toBe('');
    expect(ownPremises.json.hall).toEqual({ id: '', name: '临江县市场监督管理局', address: '' });
    expect((await auditEntries('window.update', DEPT_ADMIN.username)).filter((e) => e.result === 'ok' && e.detail === 'hallId').length).toBe(3);
  });

  it('refuses a hall of another branch like an unknown one (404 naming hallId, audited), and an archived hall (409)', async () => {
    // Prepare: c2 is outside c1; a hall of d1 is below the county window's unit, not above it.
    const foreignHall = await as(ADMIN, 'POST', '/api/org/units/c2/halls', { name: '白沙县大厅' });
    const belowHall = await as(ADMIN, 'POST', '/api/org/units/d1/halls', { name: '部门大厅' });
    const oldHall = await as(ADMIN, 'POST', '/api/org/units/c1/halls', { name: '旧大厅' });
    await as(ADMIN, 'POST', `/api/org/halls/${oldHall.json.id}/archive`, { archived: true });
    const window = await as(COUNTY_ADMIN, 'POST', '/api/org/units/c1/windows', { name: '综合窗口' });
    const deniedBefore = (await auditEntries('window.update', COUNTY_ADMIN.username)).filter((e) => e.result !== 'ok').length;

    // Act
    const foreign = await as(COUNTY_ADMIN, 'POST', `/api/org/windows/${window.json.code}`, { hallId: foreignHall.json.id, name: '改名' });
    const unknown = await as(COUNTY_ADMIN, 'POST', `/api/org/windows/${window.json.code}`, { hallId: 'h-0000000000000000', name: '改名' });
    const below = await as(ADMIN, 'POST', `/api/org/windows/${window.json.code}`, { hallId: belowHall.json.id });
    const archived = await as(COUNTY_ADMIN, 'POST', `/api/org/windows/${window.json.code}`, { hallId: oldHall.json.id });

    // Assess
    expect(foreign.status).toBe(404);
    expect(foreign.json).toEqual(unknown.json);
    expect(foreign.json.error.issues[0].field).toBe('hallId');
    expect(foreign.text).not.toContain('白沙');
    expect(below.status).toBe(404);
    expect(archived.status).toBe(409);
    expect(archived.json.error.issues[0].field).toBe('hallId');
    // Nothing changed, not even the name sent along with the foreign hall.
    expect(await t.runtime.windows.get(window.json.code)).toMatchObject({ name: '综合窗口', hallId: '' });
    const refusals = (await auditEntries('window.update', COUNTY_ADMIN.username)).filter((e) => e.result !== 'ok');
    expect(refusals.length - deniedBefore).toBe(3);
    expect(refusals.map((e) => e.result)).toEqual(expect.arrayContaining(['denied', 'not-found', 'invalid']));
  });
});

describe('scope', () => {
  it('answers a unit admin asking for a hall of another county exactly like "does not exist", and audits it', async () => {
    // Prepare
    const foreign = await as(ADMIN, 'POST', '/api/org/units/c2/halls', { name: '白沙县政务大厅', address: '白沙路2号' });
    const before = await listing('c2');
    const audited = async () => (await Promise.all(['hall.update', 'hall.archive', 'hall.list'].map((a) => auditEntries(a, COUNTY_ADMIN.username)))).flat();
    const auditBefore = new Set((await audited()).map((e) => e.id));

    // Act
    const rename = await as(COUNTY_ADMIN, 'POST', `/api/org/halls/${foreign.json.id}`, { name: '被改名' });
    const renameUnknown = await as(COUNTY_ADMIN, 'POST', '/api/org/halls/h-ffffffffffffffff', { name: '被改名' });
    const archive = await as(COUNTY_ADMIN, 'POST', `/api/org/halls/${foreign.json.id}/archive`, { archived: true });
    const list = await as(COUNTY_ADMIN, 'GET', '/api/org/units/c2/halls');
    const create = await as(COUNTY_ADMIN, 'POST', '/api/org/units/c2/halls', { name: '偷建大厅' });
    const ancestor = await as(COUNTY_ADMIN, 'POST', '/api/org/units/m1/halls', { name: '市里的大厅' });

    // Assess
    for (const reply of [rename, renameUnknown, archive, list, create, ancestor]) expect(reply.status).toBe(404);
    expect(rename.json).toEqual(renameUnknown.json);
    for (const reply of [rename, archive, list]) expect(reply.text).not.toContain('白沙');
    expect(await listing('c2')).toEqual(before);
    expect(await listing('m1')).toEqual([]);
    const entries = (await audited()).filter((e) => !auditBefore.has(e.id));
    expect(entries.map((e) => `${e.action}:${e.result}`).sort()).toEqual(['hall.archive:denied', 'hall.list:denied', 'hall.update:denied', 'hall.update:not-found']);
    expect((await auditEntries('hall.create', COUNTY_ADMIN.username)).filter((e) => e.result === 'denied').length).toBeGreaterThanOrEqual(2);
  });
});

describe('the 亮身份 photo on the window card', () => {
  const png = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8cfc0f01f0005000201a1e3c2a40000000049454e44ae426082', 'hex');
  const upload = (staffId: string) =>
    call(
      gateway,
      httpEvent('POST', `/api/org/staff/${staffId}/photo`, {
        body: png.toString('base64'),
        isBase64Encoded: true,
        headers: { authorization: `Bearer ${tokens.get(ADMIN.username)!}`, 'content-type': 'application/octet-stream' },
      }),
    );
  const person = async (staffNo: string, name: string) =>
    (await as(ADMIN, 'POST', '/api/org/units/d1/staff', { staffNo, name, post: '受理员', duties: '受理', pledge: '一次告知', partyMember: false })).json.id as string;

  it('is served for a person on duty at an active window, and 404 for anyone else or once the window is deactivated', async () => {
    // Prepare: on duty with a photo, assigned but off duty with a photo, on duty without a photo;
    // a second window where the first person is not on duty.
    const onDuty = await person('P001', '王静');
    const offDuty = await person('P002', '李磊');
    const noPhoto = await person('P003', '张芳');
    expect((await upload(onDuty)).status).toBe(200);
    expect((await upload(offDuty)).status).toBe(200);
    const window = (await as(ADMIN, 'POST', '/api/org/units/d1/windows', { name: '亮身份窗口' })).json.code as string;
    const other = (await as(ADMIN, 'POST', '/api/org/units/d1/windows', { name: '隔壁窗口' })).json.code as string;
    expect((await as(ADMIN, 'POST', `/api/org/windows/${window}/staff`, { staffIds: [onDuty, offDuty, noPhoto], onDutyIds: [onDuty, noPhoto] })).status).toBe(200);

    // Act
    const card = await call(gateway, httpEvent('GET', `/api/public/windows/${window}`));
    const photoPath = card.json.staffOnDuty.find((s: { name: string }) => s.name === '王静').photo as string;
    const photo = await publicGet(photoPath.split('?')[0]!);
    const offDutyPhoto = await publicGet(`/api/public/windows/${window}/staff/${offDuty}/photo`);
    const missingPhoto = await publicGet(`/api/public/windows/${window}/staff/${noPhoto}/photo`);
    const otherWindow = await publicGet(`/api/public/windows/${other}/staff/${onDuty}/photo`);
    const unknownWindow = await publicGet(`/api/public/windows/zzzz9999/staff/${onDuty}/photo`);
    const badId = await publicGet(`/api/public/windows/${window}/staff/a%2Fb/photo`);
    expect((await as(ADMIN, 'POST', `/api/org/windows/${window}`, { active: false })).status).toBe(200);
    const deactivated = await publicGet(photoPath.split('?')[0]!);
    const inactiveCard = await call(gateway, httpEvent('GET', `/api/public/windows/${window}`));

    // Assess
    expect(photoPath).toMatch(new RegExp(`^/api/public/windows/${window}/staff/${onDuty}/photo\\?v=[A-Za-z0-9_-]{12}$`));
    expect(card.json.staffOnDuty.find((s: { name: string }) => s.name === '张芳').photo).toBeUndefined();
    expect(card.json.staffOnDuty.map((s: { name: string }) => s.name).sort()).toEqual(['王静', '张芳'].sort());
    expect(photo.statusCode).toBe(200);
    expect(photo.headers).toMatchObject({ 'content-type': 'image/png', 'x-content-type-options': 'nosniff', 'cache-control': 'public, max-age=60' });
    expect(photo.isBase64Encoded).toBe(true);
    expect(Buffer.from(photo.body!, 'base64').equals(png)).toBe(true);
    for (const reply of [offDutyPhoto, missingPhoto, otherWindow, unknownWindow, deactivated]) {
      expect(reply.statusCode).toBe(404);
      expect(reply.headers?.['content-type']).toMatch(/^application\/json/);
    }
    // A 404 says the same thing whatever the reason, so it reveals nothing about who exists.
    expect(offDutyPhoto.body).toBe(unknownWindow.body);
    expect(badId.statusCode).toBe(400);
    expect(inactiveCard.json.staffOnDuty.every((s: { photo?: string }) => s.photo === undefined)).toBe(true);
  });

  it('changes its link when the photo is replaced, so no stale cached photo is shown', async () => {
    // Prepare
    const id = await person('P010', '赵婷');
    const window = (await as(ADMIN, 'POST', '/api/org/units/d1/windows', { name: '换照片窗口' })).json.code as string;
    await as(ADMIN, 'POST', `/api/org/windows/${window}/staff`, { staffIds: [id], onDutyIds: [id] });
    await upload(id);
    const first = (await call(gateway, httpEvent('GET', `/api/public/windows/${window}`))).json.staffOnDuty[0].photo;

    // Act: a different PNG (one more byte of trailing data after IEND keeps it a PNG).
    const other = Buffer.concat([png, Buffer.from([0])]);
    await call(
      gateway,
      httpEvent('POST', `/api/org/staff/${id}/photo`, {
        body: other.toString('base64'),
        isBase64Encoded: true,
        headers: { authorization: `Bearer ${tokens.get(ADMIN.username)!}`, 'content-type': 'application/octet-stream' },
      }),
    );
    const second = (await call(gateway, httpEvent('GET', `/api/public/windows/${window}`))).json.staffOnDuty[0].photo;
    // Editing the person keeps the tag (the record is rewritten from what is stored).
    await as(ADMIN, 'POST', `/api/org/staff/${id}`, { post: '综合受理员' });
    const third = (await call(gateway, httpEvent('GET', `/api/public/windows/${window}`))).json.staffOnDuty[0];

    // Assess
    expect(first).toMatch(/\?v=/);
    expect(second).toMatch(/\?v=/);
    expect(second).not.toBe(first);
    expect(third).toMatchObject({ post: '综合受理员', photo: second });
  });
});
