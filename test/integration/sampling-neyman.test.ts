import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Principal } from '../../functions/src/auth/principal.js';
import { createGateway } from '../../infra/local/gateway.js';
import { httpEvent, jsonHeaders } from '../support/http-events.js';
import { isolatedTables, type IsolatedTables } from '../support/isolated-tables.js';
import { call, type Reply } from './fixtures.js';

/**
 * Neyman allocation's p_h (issue 13 §2; docs/decisions/0023): each stratum's 满意率 in the unit's
 * latest closed round with the same strata, from strata with at least 5 answers only (the priors
 * are published in the verification pack), smoothed as (x + 1)/(n + 2); 0.5 for the others.
 */
const endpoint = inject('dynamoEndpoint');
const gateway = createGateway();
let t: IsolatedTables;

const ADMIN: Principal = { username: 'root.admin', role: 'system-admin', unitId: 'p1' };
const DRAWER: Principal = { username: 'drawer.admin', role: 'system-admin', unitId: 'p1' };
const tokens = new Map<string, string>();

async function as(principal: Principal, method: 'GET' | 'POST', path: string, body?: unknown): Promise<Reply> {
  const event = httpEvent('GET', path, {
    headers: { authorization: `Bearer ${tokens.get(principal.username)!}`, ...(body !== undefined ? jsonHeaders : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  event.requestContext.http.method = method;
  return call(gateway, event);
}
const publicPost = (path: string, body: unknown) => call(gateway, httpEvent('POST', path, { headers: jsonHeaders, body: JSON.stringify(body) }));
const chinaDay = (instant: Date) => instant.toLocaleDateString('sv-SE', { timeZone: 'Asia/Shanghai' });
const today = chinaDay(new Date());

function config(name: string, method: 'proportional' | 'neyman', n: number) {
  return {
    name,
    unitId: 'c1',
    period: { from: chinaDay(new Date(Date.now() - 10 * 86_400_000)), to: today },
    strataBy: 'unit',
    size: { mode: 'total', n },
    allocation: { method },
    quarantineDays: 0,
    invitationText: '请评价：{link}',
    deadline: chinaDay(new Date(Date.now() + 5 * 86_400_000)),
  };
}

async function drawnAndSent(name: string, method: 'proportional' | 'neyman', n: number): Promise<string> {
  const roundId = String((await as(ADMIN, 'POST', '/api/sampling-rounds', config(name, method, n))).json.roundId);
  for (const [who, step] of [[ADMIN, 'commit'], [ADMIN, 'freeze'], [DRAWER, 'draw'], [ADMIN, 'send']] as const) {
    const reply = await as(who, 'POST', `/api/sampling-rounds/${roundId}/${step}`, step === 'draw' ? { publicInput: '1' } : undefined);
    expect(reply.status, `${step}: ${reply.text.slice(0, 200)}`).toBe(200);
  }
  return roundId;
}

beforeAll(async () => {
  t = await isolatedTables(endpoint);
  t.install();
  for (const principal of [ADMIN, DRAWER]) tokens.set(principal.username, (await t.runtime.tokens.issue(principal, new Date())).token);
  for (const [id, name, parentId] of [
    ['p1', '江南省', null],
    ['c1', '临江县', 'p1'],
    ['d1', '临江县市场监督管理局', 'c1'],
    ['d2', '临江县不动产登记中心', 'c1'],
    ['d3', '临江县公安局', 'c1'],
  ] as const) {
    expect((await as(ADMIN, 'POST', '/api/org/units', { id, name, parentId })).status).toBe(201);
  }
  const credential = (await as(ADMIN, 'POST', '/api/integration-clients', { unitId: 'c1', name: '一窗受理系统' })).json.credential as string;
  const records = Array.from({ length: 60 }, (_, person) => ({
    projNo: `NY-${person}`,
    unitId: ['d1', 'd2', 'd3'][Math.floor(person / 20)]!,
    serviceItem: '营业执照设立登记',
    finishedAt: new Date(Date.now() - 3 * 86_400_000).toISOString(),
    servedVia: 'window',
    applicantType: 'person',
    applicantMobile: `1370000${String(person).padStart(4, '0')}`,
  }));
  const pushed = await call(gateway, httpEvent('POST', '/api/service-records', { headers: { authorization: `Bearer ${credential}`, ...jsonHeaders }, body: JSON.stringify({ records }) }));
  expect(pushed.json.stored).toBe(60);
});

afterAll(() => t?.close());

describe('Neyman priors from the previous round', () => {
  it('uses 0.5 everywhere without a closed round, then the earlier round’s smoothed 满意率 of strata with 5 answers or more', async () => {
    const first = await drawnAndSent('上期', 'neyman', 60);
    const firstPack = await as(ADMIN, 'GET', `/api/sampling-rounds/${first}/draw-pack`);
    expect(firstPack.json.allocation.priors).toBeUndefined();

    // d1: 8 answers, 6 满意 or better → (6 + 1)/(8 + 2) = 0.7. d3: 2 answers, hidden (<5), and d2 (6
    // answers) hidden with it so that the round minus d1 is no small group: neither is a prior (0.5),
    // or the pack would publish what the results hide.
    const messages = await t.runtime.invitations.outbox(first, 100);
    const byStratum = new Map<string, string[]>();
    for (const message of messages) {
      const token = message.link.slice(message.link.lastIndexOf('/s/') + 3);
      const link = await t.runtime.ratingLinks.get(createHash('sha256').update(token).digest('hex'));
      if (link?.state === 'open' && link.stratum) byStratum.set(link.stratum, [...(byStratum.get(link.stratum) ?? []), token]);
    }
    const levels: Record<string, number[]> = { d1: [5, 5, 4, 4, 4, 5, 2, 3], d2: [5, 5, 5, 4, 1, 3], d3: [5, 4] };
    // All at once, as residents answer an SMS that went out at once: every answer meets the others on
    // the round and its stratum's counts, and each is stored once (none refused, none lost).
    const replies = await Promise.all(
      Object.entries(levels).flatMap(([stratum, answers]) =>
        answers.map((level, i) => publicPost('/api/public/sampling-invitations/ratings', { token: byStratum.get(stratum)![i], level, ...(level <= 2 ? { reasons: ['SLOW'] } : {}) })),
      ),
    );
    expect(replies.map((reply) => reply.status)).toEqual(new Array(16).fill(201));
    const counts = await t.runtime.invitations.answerCounts(first);
    expect(Object.fromEntries([...counts].map(([key, c]) => [key, c]))).toEqual({
      d1: { 1: 0, 2: 1, 3: 1, 4: 3, 5: 3 },
      d2: { 1: 1, 2: 0, 3: 1, 4: 1, 5: 3 },
      d3: { 1: 0, 2: 0, 3: 0, 4: 1, 5: 1 },
    });
    expect((await as(ADMIN, 'POST', `/api/sampling-rounds/${first}/close`)).status).toBe(200);
    const results = (await as(ADMIN, 'GET', `/api/sampling-rounds/${first}/results`)).json;
    expect(results.strata.map((stratum: { suppressed: string | null }) => stratum.suppressed)).toEqual([null, 'complementary', 'small-group']);

    const second = await drawnAndSent('本期', 'neyman', 14);
    const pack = await as(ADMIN, 'GET', `/api/sampling-rounds/${second}/draw-pack`);
    expect(pack.json.allocation).toEqual({ method: 'neyman', total: 14, priors: { d1: 0.7 } });
    // w = N_h·√(p(1−p)): d1 20·√0.21 ≈ 9.17, d2 and d3 20·0.5 = 10 → quotas 4.40, 4.80, 4.80 → 4, 5, 5.
    expect(pack.json.strata).toEqual([
      { key: 'd1', N: 20, n: 4 },
      { key: 'd2', N: 20, n: 5 },
      { key: 'd3', N: 20, n: 5 },
    ]);

    // Its pack publishes the earlier round's rates as priors: it is published only after that round (decision 0024).
    expect((await as(ADMIN, 'POST', `/api/sampling-rounds/${second}/close`)).status).toBe(200);
    const early = await as(ADMIN, 'POST', `/api/sampling-rounds/${second}/publish`);
    expect(early.status).toBe(409);
    expect(early.json.error.message).toContain(first);
    expect((await as(ADMIN, 'POST', `/api/sampling-rounds/${first}/publish`)).status).toBe(200);
    expect((await as(ADMIN, 'POST', `/api/sampling-rounds/${second}/publish`)).status).toBe(200);
  });
});
