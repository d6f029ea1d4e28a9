import jsQRModule from 'jsqr';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Principal } from '../../functions/src/auth/principal.js';
import { keys } from '../../functions/src/data/keys.js';
import { createGateway } from '../../infra/local/gateway.js';
import { httpEvent, jsonHeaders } from '../support/http-events.js';
import { isolatedTables, type IsolatedTables } from '../support/isolated-tables.js';
import { call, queryPartition, scanTable, type Reply } from './fixtures.js';

// jsqr is CommonJS: its function is the default export or the module itself, depending on the loader.
const jsQR = ((jsQRModule as unknown as { default?: unknown }).default ?? jsQRModule) as unknown as typeof jsQRModule.default;

/**
 * 一次一评 of a 办件 (issue 13 §1, decision 0020) through the real handlers and DynamoDB Local: a push
 * with issueLink=true answers a one-time link and its QR; the resident sees what it rates and rates
 * it once; the link is consumed in the rating's transaction, so a second use is 409 本次办件已评价 and
 * an expired link 410 评价期已过, each writing nothing; the rating holds no token, 办件编号 or phone,
 * the used link no time and nothing of the 办件; the rating counts in the window's service-record totals.
 */
const endpoint = inject('dynamoEndpoint');
const gateway = createGateway();
let t: IsolatedTables;

const ADMIN: Principal = { username: 'root.admin', role: 'system-admin', unitId: 'p1' };
let adminToken = '';
let credential = '';
let windowCode = '';

const as = (method: 'GET' | 'POST', path: string, body?: unknown): Promise<Reply> =>
  call(gateway, httpEvent(method, path, { headers: { authorization: `Bearer ${adminToken}`, ...(body !== undefined ? jsonHeaders : {}) }, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) }));
const push = (body: unknown, query: Record<string, string> = { issueLink: 'true' }) =>
  call(gateway, httpEvent('POST', '/api/service-records', { headers: { authorization: `Bearer ${credential}`, ...jsonHeaders }, body: JSON.stringify(body), query }));
const lookup = (token: string) => call(gateway, httpEvent('POST', '/api/public/rating-links/lookup', { headers: jsonHeaders, body: JSON.stringify({ token }) }));
const rate = (token: string, rating: Record<string, unknown>) =>
  call(gateway, httpEvent('POST', '/api/public/rating-links/ratings', { headers: jsonHeaders, body: JSON.stringify({ token, ...rating }) }));

const hoursAgo = (hours: number) => new Date(Date.now() - hours * 3_600_000).toISOString().replace('Z', '+00:00');
const FINISHED = hoursAgo(1);
const record = (projNo: string, extra: Record<string, unknown> = {}) => ({
  projNo,
  unitId: 'd1',
  windowCode,
  serviceItem: '营业执照设立登记',
  staffNo: 'LJ1005',
  finishedAt: FINISHED,
  servedVia: 'window',
  applicantType: 'company',
  applicantMobile: '13900139000',
  ...extra,
});
const tokenOf = (url: string) => url.split('/r/')[1]!;

/** Ratings and link items of the ops table, the totals, and the contacts: to prove a refusal wrote nothing. */
async function snapshot() {
  const ops = await scanTable(t.doc, t.tables.ops);
  const contacts = await scanTable(t.doc, t.tables.contacts);
  const pick = (prefix: string) => JSON.stringify(ops.filter((item) => String(item.pk).startsWith(prefix)));
  return { ratings: pick('RATINGS#'), totals: JSON.stringify(await scanTable(t.doc, t.tables.totals)), links: pick('RLINK#'), contacts: JSON.stringify(contacts) };
}

beforeAll(async () => {
  t = await isolatedTables(endpoint);
  t.install();
  adminToken = (await t.runtime.tokens.issue(ADMIN, new Date())).token;
  for (const [id, name, parentId] of [
    ['p1', '江南省', null],
    ['c1', '临江县', 'p1'],
    ['d1', '临江县市场监督管理局', 'c1'],
  ] as const) {
    expect((await as('POST', '/api/org/units', { id, name, parentId })).status).toBe(201);
  }
  windowCode = (await as('POST', '/api/org/units/d1/windows', { name: '企业开办窗口' })).json.code;
  credential = (await as('POST', '/api/integration-clients', { unitId: 'c1', name: '市场监管业务系统' })).json.credential;
});

afterAll(() => t?.close());

describe('one-time rating links', () => {
  it('are issued once by a push with issueLink, rated once, and a second use writes nothing (本次办件已评价)', async () => {
    const pushed = await push(record('RL-0001'));
    expect(pushed.status).toBe(201);
    const link = pushed.json.records[0].ratingLink as { url: string; openUntil: string; qrSvg: string; qrPng: string };
    expect(link.url).toMatch(/\/r\/[A-Za-z0-9_-]{22}$/);
    expect(link.qrSvg).toContain('<svg');
    // The PNG decodes to the link itself (what a phone camera reads off the window screen).
    const png = PNG.sync.read(Buffer.from(link.qrPng, 'base64'));
    expect(jsQR(new Uint8ClampedArray(png.data), png.width, png.height)?.data).toBe(link.url);
    expect(Date.parse(link.openUntil)).toBeGreaterThan(Date.now() + 6 * 86_400_000);
    const token = tokenOf(link.url);

    // The store keys the link by the token's hash: no item holds the token.
    expect(JSON.stringify(await scanTable(t.doc, t.tables.ops))).not.toContain(token);
    // Re-pushing the same record issues no new link (a link is shown once).
    const again = await push(record('RL-0001'));
    expect(again.status, again.text).toBe(200);
    expect(again.json.records[0]).toEqual({ index: 0, projNo: 'RL-0001', status: 'unchanged' });
    // Without issueLink, no link.
    expect((await push(record('RL-0002'), {})).json.records[0].ratingLink).toBeUndefined();

    const view = await lookup(token);
    expect(view.status).toBe(200);
    expect(view.json).toMatchObject({ serviceItem: '营业执照设立登记', window: { code: windowCode, name: '企业开办窗口' } });
    expect(view.text).not.toContain('RL-0001');

    const rated = await rate(token, { level: 2, reasons: ['SLOW'], comment: '等了很久', contactPhone: '13800138000', consentToCallback: true });
    expect(rated.status).toBe(201);

    const before = await snapshot();
    const second = await rate(token, { level: 5 });
    expect(second.status).toBe(409);
    expect(second.json.error.code).toBe('RATING_LINK_USED');
    expect(second.json.error.message).toContain('本次办件已评价');
    expect((await lookup(token)).status).toBe(409);
    expect(await snapshot()).toEqual(before);
  });

  it('refuses an expired link (评价期已过) and writes nothing', async () => {
    const pushed = await push(record('RL-0003', { finishedAt: hoursAgo(8 * 24) }));
    expect(pushed.status).toBe(201);
    const token = tokenOf(pushed.json.records[0].ratingLink.url);
    const view = await lookup(token);
    expect(view.status).toBe(410);
    expect(view.json.error.message).toContain('评价期已过');

    const before = await snapshot();
    const refused = await rate(token, { level: 4 });
    expect(refused.status).toBe(410);
    expect(refused.json.error.code).toBe('RATING_LINK_EXPIRED');
    expect(await snapshot()).toEqual(before);
  });

  it('answers 404 for an unknown token and 400 naming the field for a malformed one', async () => {
    expect((await lookup('AAAAAAAAAAAAAAAAAAAAAA')).status).toBe(404);
    const malformed = await rate('short', { level: 5 });
    expect(malformed.status).toBe(400);
    expect(malformed.json.error.issues[0].field).toBe('token');
    // The rating's own rules apply: reasons only for 差评.
    const pushed = await push(record('RL-0004'));
    const bad = await rate(tokenOf(pushed.json.records[0].ratingLink.url), { level: 5, reasons: ['SLOW'] });
    expect(bad.status).toBe(400);
    expect(bad.json.error.issues[0].field).toBe('reasons');
  });

  it('stores a rating with channel service-record and nothing of the link or the 办件, and counts it in the window’s service-record totals', async () => {
    const ops = await scanTable(t.doc, t.tables.ops);
    const ratings = ops.filter((item) => item.kind === 'rating');
    expect(ratings).toHaveLength(1);
    const [rating] = ratings as [Record<string, unknown>];
    expect(rating).toMatchObject({ channel: 'service-record', trust: 'service-record', level: 2, windowCode, hasContact: true });
    const text = JSON.stringify(rating);
    for (const absent of ['RL-0001', '13800138000', '13900139000', 'token', 'projNo', 'phone', 'LJ1005', 'RLINK']) expect(text).not.toContain(absent);

    // The used link keeps no time and nothing of the 办件: only its state and the TTL fixed at issue.
    const used = ops.filter((item) => item.kind === 'rating-link' && item.state === 'used');
    expect(used).toHaveLength(1);
    expect(Object.keys(used[0]!).sort()).toEqual(['expiresAt', 'kind', 'pk', 'sk', 'state']);

    const totals = await queryPartition(t.doc, t.tables.totals, keys.windowTotalsPartition(windowCode));
    expect(totals).toHaveLength(1);
    expect(totals[0]).toMatchObject({ channel: 'service-record', c2: 1, 'service-record|c|2': 1 });
    expect(String(totals[0]!.sk)).toMatch(/#service-record$/);
  });
  it('rates without reading the link when the lookup’s answer is echoed (the resident page does), and refuses an echo that does not match, writing nothing', async () => {
    const pushed = await push(record('RL-0010'));
    const token = tokenOf(pushed.json.records[0].ratingLink.url);
    const rates = { windowCode, serviceItem: '营业执照设立登记' };

    // Another window's code, no window's, or another item: no link of that window (404), nothing written, the link still open.
    const other = (await as('POST', '/api/org/units/d1/windows', { name: '另一个窗口' })).json.code as string;
    const before = await snapshot();
    for (const wrong of [{ ...rates, windowCode: other }, { ...rates, windowCode: 'nosuchwindow0' }, { ...rates, serviceItem: '不动产登记' }]) {
      const refused = await rate(token, { level: 5, rates: wrong });
      expect(refused.status, JSON.stringify(wrong)).toBe(404);
      expect(refused.json.error.issues[0].field).toBe('token');
    }
    expect(await snapshot()).toEqual(before);
    expect((await lookup(token)).status).toBe(200);

    const rated = await rate(token, { level: 4, rates });
    expect(rated.status, rated.text).toBe(201);
    const stored = (await scanTable(t.doc, t.tables.ops)).find((item) => item.id === rated.json.id && String(item.pk).startsWith('RATINGS#'));
    expect(stored).toMatchObject({ windowCode, channel: 'service-record', level: 4 });
    // Used: a second rating with the echo is 本次办件已评价, an expired one 评价期已过, as without it.
    expect((await rate(token, { level: 5, rates })).status).toBe(409);
    const late = await push(record('RL-0011', { finishedAt: hoursAgo(8 * 24) }));
    expect((await rate(tokenOf(late.json.records[0].ratingLink.url), { level: 5, rates })).status).toBe(410);
    // An echo must be whole: 400 naming the missing field.
    const partial = await rate(token, { level: 5, rates: { windowCode } });
    expect(partial.status).toBe(400);
    expect(partial.json.error.issues[0].field).toBe('rates.serviceItem');
  });
});
