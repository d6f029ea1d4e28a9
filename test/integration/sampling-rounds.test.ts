import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Principal } from '../../functions/src/auth/principal.js';
import { keys } from '../../functions/src/data/keys.js';
import { nodeDrawCrypto } from '../../functions/src/use-cases/sampling/draw-crypto.js';
import { verifyDrawPack } from '../../shared/src/domain/sampling/draw-verify.js';
import type { DrawPack } from '../../shared/src/contracts/sampling/draw-pack.js';
import { createGateway } from '../../infra/local/gateway.js';
import { httpEvent, jsonHeaders } from '../support/http-events.js';
import { isolatedTables, type IsolatedTables } from '../support/isolated-tables.js';
import { call, callerAs, queryPartition, type Reply } from './fixtures.js';

/**
 * 阳光测评 rounds (issue 13 §2–3) through the real handlers and DynamoDB Local: 办件 pushed by a
 * 接入系统, a round configured (bad inputs refused naming the field), committed (the seed's
 * commitment published, the configuration locked), frozen (one entry per person, those without a
 * mobile counted), drawn with a public input, closed by another administrator (separation of
 * duties) with the seed revealed, and its verification pack re-run by the manyi-draw-v1 checks.
 */
const endpoint = inject('dynamoEndpoint');
const gateway = createGateway();
let t: IsolatedTables;

const ADMIN: Principal = { username: 'root.admin', role: 'system-admin', unitId: 'p1' };
const COUNTY_ADMIN: Principal = { username: 'county.admin', role: 'unit-admin', unitId: 'c1' };
const OTHER_ADMIN: Principal = { username: 'other.admin', role: 'unit-admin', unitId: 'c2' };
const COMMITTEE: Principal = { username: 'committee.one', role: 'committee', unitId: 'c1' };
const tokens = new Map<string, string>();

const as = callerAs(gateway, tokens);

const today = new Date().toLocaleDateString('sv-SE', { timeZone: 'Asia/Shanghai' });
const daysAgo = (days: number) => new Date(Date.now() - days * 86_400_000);
const chinaDay = (instant: Date) => instant.toLocaleDateString('sv-SE', { timeZone: 'Asia/Shanghai' });

const config = (extra: Record<string, unknown> = {}) => ({
  name: '临江县 12月 阳光测评',
  unitId: 'c1',
  period: { from: chinaDay(daysAgo(20)), to: today },
  strataBy: 'unit',
  size: { mode: 'total', n: 12 },
  allocation: { method: 'proportional' },
  invitationText: '您好，您近期在临江县办理了业务，诚邀您评价：{link} 回复TD退订',
  deadline: today,
  ...extra,
});

let roundId = '';
const MOBILES: string[] = [];

beforeAll(async () => {
  t = await isolatedTables(endpoint);
  t.install();
  for (const principal of [ADMIN, COUNTY_ADMIN, OTHER_ADMIN, COMMITTEE]) tokens.set(principal.username, (await t.runtime.tokens.issue(principal, new Date())).token);
  for (const [id, name, parentId] of [
    ['p1', '江南省', null],
    ['c1', '临江县', 'p1'],
    ['d1', '临江县市场监督管理局', 'c1'],
    ['d2', '临江县不动产登记中心', 'c1'],
    ['c2', '白沙县', 'p1'],
  ] as const) {
    expect((await as(ADMIN, 'POST', '/api/org/units', { id, name, parentId })).status).toBe(201);
  }
  const credential = (await as(COUNTY_ADMIN, 'POST', '/api/integration-clients', { unitId: 'c1', name: '一窗受理系统' })).json.credential as string;
  // 40 people: 30 at d1, 10 at d2; person 0–4 came twice (the later 办件 counts); 6 办件 without a mobile; 3 outside the period.
  const records: Record<string, unknown>[] = [];
  for (let person = 0; person < 40; person++) {
    const mobile = `1390000${String(person).padStart(4, '0')}`;
    MOBILES.push(mobile);
    records.push(record(`P-${person}`, person < 30 ? 'd1' : 'd2', daysAgo(5), mobile));
    if (person < 5) records.push(record(`P-${person}-b`, 'd2', daysAgo(2), mobile));
  }
  for (let i = 0; i < 6; i++) records.push(record(`N-${i}`, 'd1', daysAgo(3)));
  for (let i = 0; i < 3; i++) records.push(record(`O-${i}`, 'd1', daysAgo(40), `1370000${String(i).padStart(4, '0')}`));
  const pushed = await call(gateway, httpEvent('POST', '/api/service-records', { headers: { authorization: `Bearer ${credential}`, ...jsonHeaders }, body: JSON.stringify({ records }) }));
  expect(pushed.json.stored).toBe(records.length);
});

afterAll(() => t?.close());

function record(projNo: string, unitId: string, finished: Date, applicantMobile?: string) {
  return {
    projNo,
    unitId,
    serviceItem: '营业执照设立登记',
    finishedAt: finished.toISOString(),
    servedVia: 'window',
    applicantType: 'person',
    ...(applicantMobile ? { applicantMobile } : {}),
  };
}

describe('a round’s configuration', () => {
  it('refuses bad input naming the field, and writes nothing', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ size: { mode: 'margin', e: 0.5 } }, 'size.e'],
      [{ size: { mode: 'margin', e: 0 } }, 'size.e'],
      [{ size: { mode: 'total', n: 0 } }, 'size.n'],
      [{ period: { from: today, to: chinaDay(daysAgo(3)) } }, 'period.to'],
      [{ survey: { surveyId: 'no-such-survey', version: 1 } }, 'survey'],
      [{ allocation: { method: 'fixed' } }, 'allocation.fixed'],
      [{ invitationText: '没有链接的短信' }, 'invitationText'],
      [{ strataBy: 'hall' }, 'strataBy'],
    ];
    for (const [change, field] of cases) {
      const reply = await as(COUNTY_ADMIN, 'POST', '/api/sampling-rounds', config(change));
      expect(reply.status, field).toBe(400);
      expect(reply.json.error.issues[0].field, JSON.stringify(change)).toBe(field);
    }
    expect((await as(COUNTY_ADMIN, 'GET', '/api/sampling-rounds', undefined, { unitId: 'c1' })).json.rounds).toEqual([]);
  });

  it('is created in scope only: another county is a 404, a committee member a 403', async () => {
    expect((await as(OTHER_ADMIN, 'POST', '/api/sampling-rounds', config())).status).toBe(404);
    expect((await as(COMMITTEE, 'POST', '/api/sampling-rounds', config())).status).toBe(403);
    const created = await as(COUNTY_ADMIN, 'POST', '/api/sampling-rounds', config());
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({ state: 'draft', createdBy: 'county.admin' });
    roundId = created.json.roundId;
    expect(roundId).toMatch(/^r-[0-9a-f]{16}$/);
    expect((await as(OTHER_ADMIN, 'GET', `/api/sampling-rounds/${roundId}`)).status).toBe(404);
    expect((await as(COMMITTEE, 'GET', `/api/sampling-rounds/${roundId}`)).status).toBe(200);
    const changed = await as(COUNTY_ADMIN, 'PUT', `/api/sampling-rounds/${roundId}`, config({ size: { mode: 'total', n: 10 } }));
    expect(changed.status).toBe(200);
    expect(changed.json.config.size).toEqual({ mode: 'total', n: 10 });
  });

  it('refuses a size above the frame at commit, giving N', async () => {
    const big = (await as(COUNTY_ADMIN, 'POST', '/api/sampling-rounds', config({ size: { mode: 'total', n: 500 } }))).json.roundId;
    const reply = await as(COUNTY_ADMIN, 'POST', `/api/sampling-rounds/${big}/commit`);
    expect(reply.status).toBe(400);
    expect(reply.json.error.issues[0].field).toBe('size.n');
    expect(reply.json.error.message).toContain('N = 40');
    expect((await as(COUNTY_ADMIN, 'GET', `/api/sampling-rounds/${big}`)).json.state).toBe('draft');
    expect((await as(COUNTY_ADMIN, 'POST', `/api/sampling-rounds/${big}/cancel`)).json.state).toBe('cancelled');
  });
});

describe('commit, freeze, draw, close', () => {
  it('commits: the commitment is published and the configuration locked (409)', async () => {
    const committed = await as(COUNTY_ADMIN, 'POST', `/api/sampling-rounds/${roundId}/commit`);
    expect(committed.status).toBe(200);
    expect(committed.json).toMatchObject({ state: 'committed', committedBy: 'county.admin', expectedFrame: 40 });
    expect(committed.json.commitment).toMatch(/^[0-9a-f]{64}$/);
    expect(committed.json.seed).toBeUndefined();
    const change = await as(COUNTY_ADMIN, 'PUT', `/api/sampling-rounds/${roundId}`, config({ size: { mode: 'total', n: 5 } }));
    expect(change.status).toBe(409);
    expect(change.json.error.message).toContain('已承诺');
    expect((await as(COUNTY_ADMIN, 'POST', `/api/sampling-rounds/${roundId}/draw`, {})).status).toBe(409);
    expect((await as(COMMITTEE, 'POST', `/api/sampling-rounds/${roundId}/freeze`)).status).toBe(403);
  });

  it('freezes: one entry per person, those without a mobile counted, N_h and n_h published', async () => {
    const frozen = await as(COUNTY_ADMIN, 'POST', `/api/sampling-rounds/${roundId}/freeze`);
    expect(frozen.status).toBe(200);
    expect(frozen.json.frame).toEqual({ matched: 51, withoutMobile: 6, people: 40, quarantined: 0, N: 40 });
    // Persons 0–4 count at d2, where their later 办件 was.
    expect(frozen.json.strata).toEqual([
      { key: 'd1', label: '临江县市场监督管理局', N: 25, n: 6 },
      { key: 'd2', label: '临江县不动产登记中心', N: 15, n: 4 },
    ]);
    expect(frozen.json.unitName).toBe('临江县');
    expect(frozen.json.frameHash).toMatch(/^[0-9a-f]{64}$/);
    // No number in the frame: entry ids are opaque and stored lines hold pseudonyms only.
    // (Each pushed number is looked for: a bare /1[3-9]\d{9}/ also matches inside random hex contact ids.)
    const chunks = JSON.stringify(await queryPartition(t.doc, t.tables.ops, keys.roundFrameChunk(roundId, 0).pk));
    expect(MOBILES.filter((mobile) => chunks.includes(mobile))).toEqual([]);
  });

  it('draws with a public input; the account that drew may not close; another closes and the seed is revealed', async () => {
    const drawn = await as(COUNTY_ADMIN, 'POST', `/api/sampling-rounds/${roundId}/draw`, { publicInput: '8848' });
    expect(drawn.status).toBe(200);
    expect(drawn.json).toMatchObject({ state: 'drawn', drawn: 10, drawnBy: 'county.admin', publicInput: '8848' });
    expect((await as(COUNTY_ADMIN, 'POST', `/api/sampling-rounds/${roundId}/draw`, { publicInput: '1' })).status).toBe(409);
    expect((await as(COUNTY_ADMIN, 'POST', `/api/sampling-rounds/${roundId}/cancel`)).status).toBe(409);

    const before = (await as(COMMITTEE, 'GET', `/api/sampling-rounds/${roundId}/draw-pack`)).json as DrawPack;
    expect(before.seed).toBeUndefined();
    expect(before.sample).toHaveLength(10);
    expect(verifyDrawPack(before, nodeDrawCrypto).find((check) => check.check === 'commitment')!.ok).toBe(false);

    const refused = await as(COUNTY_ADMIN, 'POST', `/api/sampling-rounds/${roundId}/close`);
    expect(refused.status).toBe(403);
    const closed = await as(ADMIN, 'POST', `/api/sampling-rounds/${roundId}/close`);
    expect(closed.status).toBe(200);
    expect(closed.json).toMatchObject({ state: 'closed', closedBy: 'root.admin' });
    expect(closed.json.seed).toMatch(/^[0-9a-f]{64}$/);
  });

  it('gives a pack that manyi-draw-v1 re-runs: every check holds, and one swapped sample entry fails', async () => {
    const pack = (await as(COMMITTEE, 'GET', `/api/sampling-rounds/${roundId}/draw-pack`)).json as DrawPack;
    expect(pack).toMatchObject({ format: 'manyi-draw-v1', round: roundId, publicInput: '8848', allocation: { method: 'proportional', total: 10 } });
    expect(pack.frame).toHaveLength(40);
    const checks = verifyDrawPack(pack, nodeDrawCrypto);
    expect(checks.map((check) => [check.check, check.ok])).toEqual([
      ['commitment', true],
      ['frameHash', true],
      ['strata', true],
      ['allocation', true],
      ['sample', true],
    ]);
    const outsider = pack.frame.find((entry) => !pack.sample.includes(entry.entryId))!;
    const swapped = { ...pack, sample: [outsider.entryId, ...pack.sample.slice(1)] };
    expect(verifyDrawPack(swapped, nodeDrawCrypto).find((check) => check.check === 'sample')!.ok).toBe(false);
  });

  it('audits every step', async () => {
    const page = await t.runtime.audit.listDay(today, { limit: 1000 });
    const mine = page.entries.filter((entry) => entry.objectId === roundId && entry.result === 'ok').map((entry) => entry.action);
    expect(mine).toEqual(expect.arrayContaining(['round.create', 'round.update', 'round.commit', 'round.freeze', 'round.draw', 'round.close']));
    expect(page.entries.some((entry) => entry.action === 'round.commit' && entry.detail?.includes('commitment'))).toBe(true);
  });
});
