import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Principal } from '../../functions/src/auth/principal.js';
import { keys } from '../../functions/src/data/keys.js';
import { nodeDrawCrypto } from '../../functions/src/use-cases/sampling/draw-crypto.js';
import { verifyDrawPack } from '../../shared/src/domain/sampling/draw-verify.js';
import { createGateway } from '../../infra/local/gateway.js';
import { httpEvent, jsonHeaders } from '../support/http-events.js';
import { isolatedTables, type IsolatedTables } from '../support/isolated-tables.js';
import { call, callerAs, type Reply } from './fixtures.js';

/**
 * 已截止 → 已公布 (issue 13 §2; decision 0024): a closed round's results, the draw's public facts
 * and its verification pack become readable by anyone, without an account — and only then (a
 * round not published and one that does not exist answer the same 404). The account that drew may
 * not publish; a committee member may not; nor before the close, nor while the close's purge is
 * unfinished. What anyone reads holds no number, pseudonym or contact, and the pack verifies.
 */
const endpoint = inject('dynamoEndpoint');
const gateway = createGateway();
let t: IsolatedTables;

const ADMIN: Principal = { username: 'root.admin', role: 'system-admin', unitId: 'p1' };
const COUNTY_ADMIN: Principal = { username: 'county.admin', role: 'unit-admin', unitId: 'c1' };
const DRAWER: Principal = { username: 'county.drawer', role: 'unit-admin', unitId: 'c1' };
const OTHER_ADMIN: Principal = { username: 'other.admin', role: 'unit-admin', unitId: 'c2' };
const COMMITTEE: Principal = { username: 'committee.one', role: 'committee', unitId: 'c1' };
const tokens = new Map<string, string>();

const as = callerAs(gateway, tokens);

const chinaDay = (instant: Date) => instant.toLocaleDateString('sv-SE', { timeZone: 'Asia/Shanghai' });
const today = chinaDay(new Date());
let roundId = '';
const MOBILES = Array.from({ length: 12 }, (_, person) => `1370002${String(person).padStart(4, '0')}`);

beforeAll(async () => {
  t = await isolatedTables(endpoint);
  t.install();
  for (const principal of [ADMIN, COUNTY_ADMIN, DRAWER, OTHER_ADMIN, COMMITTEE]) tokens.set(principal.username, (await t.runtime.tokens.issue(principal, new Date())).token);
  for (const [id, name, parentId] of [
    ['p1', '江南省', null],
    ['c1', '临江县', 'p1'],
    ['d1', '临江县市场监督管理局', 'c1'],
    ['c2', '白沙县', 'p1'],
  ] as const) {
    expect((await as(ADMIN, 'POST', '/api/org/units', { id, name, parentId })).status).toBe(201);
  }
  const credential = (await as(COUNTY_ADMIN, 'POST', '/api/integration-clients', { unitId: 'c1', name: '一窗受理系统' })).json.credential as string;
  const records = Array.from({ length: 12 }, (_, person) => ({
    projNo: `PUB-${person}`,
    unitId: 'd1',
    serviceItem: '营业执照设立登记',
    finishedAt: new Date(Date.now() - 2 * 86_400_000).toISOString(),
    servedVia: 'window',
    applicantType: 'person',
    applicantMobile: MOBILES[person],
  }));
  expect((await call(gateway, httpEvent('POST', '/api/service-records', { headers: { authorization: `Bearer ${credential}`, ...jsonHeaders }, body: JSON.stringify({ records }) }))).json.stored).toBe(12);
  const round = await as(COUNTY_ADMIN, 'POST', '/api/sampling-rounds', {
    name: '临江县 公布测试',
    unitId: 'c1',
    period: { from: chinaDay(new Date(Date.now() - 10 * 86_400_000)), to: today },
    strataBy: 'unit',
    size: { mode: 'total', n: 12 },
    invitationText: '诚邀您评价：{link}',
    deadline: today,
  });
  roundId = round.json.roundId;
  for (const [who, step, body] of [[COUNTY_ADMIN, 'commit'], [COUNTY_ADMIN, 'freeze'], [DRAWER, 'draw', { publicInput: '2026' }], [COUNTY_ADMIN, 'send']] as const) {
    const reply = await as(who, 'POST', `/api/sampling-rounds/${roundId}/${step}`, body);
    expect(reply.status, `${step}: ${reply.text.slice(0, 200)}`).toBe(200);
  }
  // Six people answer, all 满意 or better but one.
  for (const [index, message] of (await t.runtime.invitations.outbox(roundId, 100)).slice(0, 6).entries()) {
    const token = message.link.slice(message.link.lastIndexOf('/s/') + 3);
    const answered = await as(null, 'POST', '/api/public/sampling-invitations/ratings', { token, level: index === 0 ? 2 : 5 });
    expect(answered.status).toBe(201);
  }
});

afterAll(() => t?.close());

describe('publishing a round', () => {
  it('is refused before the close (409) and nothing is public yet', async () => {
    const early = await as(COUNTY_ADMIN, 'POST', `/api/sampling-rounds/${roundId}/publish`);
    expect(early.status).toBe(409);
    expect(early.json.error.issues[0].field).toBe('state');
    expect((await as(null, 'GET', `/api/public/sampling-rounds/${roundId}`)).status).toBe(404);
    expect((await as(null, 'GET', `/api/public/sampling-rounds/${roundId}/draw-pack`)).status).toBe(404);
  });

  it('is refused while the close has not finished its purge', async () => {
    expect((await as(COUNTY_ADMIN, 'POST', `/api/sampling-rounds/${roundId}/close`)).status).toBe(200);
    const { Item } = await t.doc.send(new GetCommand({ TableName: t.tables.ops, Key: keys.round(roundId) }));
    const { purgedAt, ...unpurged } = Item!;
    expect(purgedAt).toBeDefined();
    await t.doc.send(new PutCommand({ TableName: t.tables.ops, Item: unpurged }));
    const reply = await as(COUNTY_ADMIN, 'POST', `/api/sampling-rounds/${roundId}/publish`);
    expect(reply.status).toBe(409);
    expect(reply.json.error.message).toContain('close the round again');
    // Closing again finishes the purge (decision 0022).
    expect((await as(COUNTY_ADMIN, 'POST', `/api/sampling-rounds/${roundId}/close`)).status).toBe(200);
  });

  it('is refused to the account that drew (403), a committee member (403) and another county (404)', async () => {
    const drawer = await as(DRAWER, 'POST', `/api/sampling-rounds/${roundId}/publish`);
    expect(drawer.status).toBe(403);
    expect(drawer.json.error.message).toContain('may not publish');
    expect((await as(COMMITTEE, 'POST', `/api/sampling-rounds/${roundId}/publish`)).status).toBe(403);
    expect((await as(OTHER_ADMIN, 'POST', `/api/sampling-rounds/${roundId}/publish`)).status).toBe(404);
    expect((await as(null, 'GET', `/api/public/sampling-rounds/${roundId}`)).status).toBe(404);
  });

  it('moves the round to 已公布 once, audited', async () => {
    const published = await as(COUNTY_ADMIN, 'POST', `/api/sampling-rounds/${roundId}/publish`);
    expect(published.status).toBe(200);
    expect(published.json).toMatchObject({ state: 'published', publishedBy: 'county.admin' });
    expect((await as(COUNTY_ADMIN, 'POST', `/api/sampling-rounds/${roundId}/publish`)).status).toBe(409);
    const audit = await t.runtime.audit.listDay(today, { limit: 1000 });
    const results = audit.entries.filter((entry) => entry.objectId === roundId && entry.action === 'round.publish').map((entry) => entry.result);
    // One publication; before it: the two refusals of state (before the close, before the purge), the drawer's and the committee's.
    expect(results.filter((result) => result === 'ok')).toHaveLength(1);
    expect(results.filter((result) => result === 'invalid').length).toBeGreaterThanOrEqual(2);
    expect(results.filter((result) => result === 'denied').length).toBeGreaterThanOrEqual(2);
  });

  it('lets anyone read the results, the draw’s facts and a pack that verifies — and no number, pseudonym or contact', async () => {
    const reply = await as(null, 'GET', `/api/public/sampling-rounds/${roundId}`);
    expect(reply.status).toBe(200);
    expect(reply.headers['cache-control']).toContain('public');
    const round = (await t.runtime.rounds.get(roundId))!;
    expect(reply.json).toMatchObject({
      roundId,
      name: '临江县 公布测试',
      unitName: '临江县',
      commitment: round.commitment,
      seed: round.seed,
      frameHash: round.frameHash,
      publicInput: '2026',
      frame: { N: 12 },
      strata: [{ key: 'd1', label: '临江县市场监督管理局', N: 12, n: 12 }],
    });
    expect(reply.json.results.funnel).toMatchObject({ N: 12, drawn: 12, responded: 6 });
    expect(reply.json.results.strata[0]).toMatchObject({ suppressed: null, n: 6, counts: { '2': 1, '5': 5 } });
    expect(reply.json.results.estimate.satisfied.ok).toBe(true);
    const text = reply.text;
    for (const mobile of MOBILES) expect(text).not.toContain(mobile);
    // No 11-digit mobile standing on its own (digit runs inside hex digests, base64url ids and decimals aside).
    expect(text).not.toMatch(/(?<![0-9A-Za-z_.-])1[3-9]\d{9}(?![0-9A-Za-z_-])/);
    expect(text).not.toContain('contactId');
    expect(text).not.toContain('phoneKey');

    const pack = await as(null, 'GET', `/api/public/sampling-rounds/${roundId}/draw-pack`);
    expect(pack.status).toBe(200);
    expect(pack.json.seed).toBe(round.seed);
    expect(verifyDrawPack(pack.json, nodeDrawCrypto).filter((check) => !check.ok)).toEqual([]);
    for (const mobile of MOBILES) expect(pack.text).not.toContain(mobile);
  });

  it('answers 404 for a round that does not exist, like one not published, and 400 naming a malformed id', async () => {
    expect((await as(null, 'GET', '/api/public/sampling-rounds/r-0000000000000000')).status).toBe(404);
    const bad = await as(null, 'GET', '/api/public/sampling-rounds/not%20a%20round');
    expect(bad.status).toBe(400);
    expect(bad.json.error.issues[0].field).toBe('roundId');
  });
});
