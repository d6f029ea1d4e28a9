import { createHash } from 'node:crypto';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Principal } from '../../functions/src/auth/principal.js';
import { openRoundCases } from '../../functions/src/use-cases/cases/round-cases.js';
import { createGateway } from '../../infra/local/gateway.js';
import { CaseQueuePage, CaseView } from '../../shared/src/contracts/cases/cases.js';
import { chinaDay } from '../../shared/src/domain/china-time.js';
import { httpEvent, jsonHeaders } from '../support/http-events.js';
import { isolatedTables, type IsolatedTables } from '../support/isolated-tables.js';
import { call, callerAs } from './fixtures.js';

/**
 * A 阳光测评 round's 差评 become cases at its close (issue 15 §1; decision 0030), on DynamoDB Local:
 * all at once, dated the close's day, in the unit of their stratum — only in strata with at least
 * five answers (a 差评 among three answers would point at one of three people) — with the answer's
 * level, reasons and comment and nothing of the person, entry, token or answering day; once, however
 * often the close runs; worked like any case, touching no window's totals.
 */
const endpoint = inject('dynamoEndpoint');
const gateway = createGateway();
let t: IsolatedTables;

const ADMIN: Principal = { username: 'rc.admin', role: 'system-admin', unitId: 'rp1' };
const DRAWER: Principal = { username: 'rc.drawer', role: 'system-admin', unitId: 'rp1' };
const tokens = new Map<string, string>();
const as = callerAs(gateway, tokens);
const publicPost = (path: string, body: unknown) => call(gateway, httpEvent('POST', path, { headers: jsonHeaders, body: JSON.stringify(body) }));
const today = chinaDay(new Date());
let roundId: string;
let entryIds: string[] = [];

beforeAll(async () => {
  t = await isolatedTables(endpoint);
  t.install();
  for (const principal of [ADMIN, DRAWER]) tokens.set(principal.username, (await t.runtime.tokens.issue(principal, new Date())).token);
  for (const [id, name, parentId] of [
    ['rp1', '江南省', null],
    ['rc1', '临江县', 'rp1'],
    ['rd1', '临江县市场监督管理局', 'rc1'],
    ['rd2', '临江县不动产登记中心', 'rc1'],
  ] as const) {
    expect((await as(ADMIN, 'POST', '/api/org/units', { id, name, parentId })).status).toBe(201);
  }
  const credential = (await as(ADMIN, 'POST', '/api/integration-clients', { unitId: 'rc1', name: '一窗受理系统' })).json.credential as string;
  const records = Array.from({ length: 20 }, (_, person) => ({
    projNo: `RC-${person}`,
    unitId: person < 10 ? 'rd1' : 'rd2',
    serviceItem: '营业执照设立登记',
    finishedAt: new Date(Date.now() - 3 * 86_400_000).toISOString(),
    servedVia: 'window',
    applicantType: 'person',
    applicantMobile: `1371111${String(person).padStart(4, '0')}`,
  }));
  const pushed = await call(gateway, httpEvent('POST', '/api/service-records', { headers: { authorization: `Bearer ${credential}`, ...jsonHeaders }, body: JSON.stringify({ records }) }));
  expect(pushed.json.stored).toBe(20);

  const config = {
    name: '差评立案测评',
    unitId: 'rc1',
    period: { from: chinaDay(new Date(Date.now() - 10 * 86_400_000)), to: today },
    strataBy: 'unit',
    size: { mode: 'total', n: 20 },
    allocation: { method: 'proportional' },
    quarantineDays: 0,
    invitationText: '请评价：{link}',
    deadline: chinaDay(new Date(Date.now() + 5 * 86_400_000)),
  };
  roundId = String((await as(ADMIN, 'POST', '/api/sampling-rounds', config)).json.roundId);
  for (const [who, step] of [[ADMIN, 'commit'], [ADMIN, 'freeze'], [DRAWER, 'draw'], [ADMIN, 'send']] as const) {
    const reply = await as(who, 'POST', `/api/sampling-rounds/${roundId}/${step}`, step === 'draw' ? { publicInput: '7' } : undefined);
    expect(reply.status, `${step}: ${reply.text.slice(0, 200)}`).toBe(200);
  }
  entryIds = (await t.runtime.invitations.list(roundId)).map((invitation) => invitation.entryId);
  const byStratum = new Map<string, string[]>();
  for (const message of await t.runtime.invitations.outbox(roundId, 100)) {
    const token = message.link.slice(message.link.lastIndexOf('/s/') + 3);
    const link = await t.runtime.ratingLinks.get(createHash('sha256').update(token).digest('hex'));
    if (link?.state === 'open' && link.stratum) byStratum.set(link.stratum, [...(byStratum.get(link.stratum) ?? []), token]);
  }
  // rd1: six answers, two 差评 → two cases. rd2: three answers, one 差评 → none (fewer than five answers).
  const levels: Record<string, number[]> = { rd1: [5, 4, 2, 1, 5, 4], rd2: [1, 5, 5] };
  for (const [stratum, answers] of Object.entries(levels)) {
    for (const [i, level] of answers.entries()) {
      const body = { token: byStratum.get(stratum)![i], level, ...(level <= 2 ? { reasons: ['SLOW'], comment: `第${i + 1}位：等候太久` } : {}) };
      expect((await publicPost('/api/public/sampling-invitations/ratings', body)).status).toBe(201);
    }
  }
});

afterAll(() => t?.close());

const queue = async (unitId: string) => CaseQueuePage.parse((await as(ADMIN, 'GET', '/api/cases', undefined, { unitId, limit: '200' })).json);

describe('a closed round’s 差评', () => {
  it('open no case while the round runs; at the close, one per 差评 of strata with five answers or more', async () => {
    expect((await queue('rd1')).items).toEqual([]);
    const closed = await as(ADMIN, 'POST', `/api/sampling-rounds/${roundId}/close`);
    expect(closed.status, closed.text).toBe(200);

    const rd1 = await queue('rd1');
    expect(rd1.items).toHaveLength(2);
    for (const item of rd1.items) expect(item).toMatchObject({ unitId: 'rd1', day: today, state: 'pending' });
    expect(rd1.items.map((item) => item.level).sort()).toEqual([1, 2]);
    expect((await queue('rd2')).items).toEqual([]);

    const view = CaseView.parse((await as(ADMIN, 'GET', `/api/cases/${rd1.items[0]!.caseId}`)).json);
    expect(view).toMatchObject({ channel: 'sampling', roundId, named: false, reasons: ['SLOW'] });
    // Six answers: the comment stays with the round (its results show comments from ten).
    expect(view.comment).toBeUndefined();
    expect(view.windowCode).toBeUndefined();

    // Nothing of who answered: no entry id, no token, no instant finer than the close's day.
    const cases = ((await t.doc.send(new ScanCommand({ TableName: t.tables.ops }))).Items ?? []).filter((item) => String(item.pk).startsWith('CASE'));
    const text = JSON.stringify(cases);
    for (const entryId of entryIds) expect(text).not.toContain(entryId);
    for (const item of cases.filter((found) => found.kind === 'case')) expect(item.updatedAt).toBe(`${today}T00:00:00.000Z`);

    // The close's audit entry says how many opened and how many the small-stratum rule kept back.
    const page = await t.runtime.audit.listActor(ADMIN.username, new Date(Date.now() - 3_600_000).toISOString(), new Date(Date.now() + 60_000).toISOString(), { limit: 500 });
    const details = page.entries.filter((entry) => entry.action === 'round.close').map((entry) => entry.detail ?? '');
    expect(details.some((detail) => detail.endsWith('2 差评 cases opened; 1 stratum under k opened none'))).toBe(true);
  });

  it('opens none twice when the close runs again, and is worked like any case without touching a window’s totals', async () => {
    const round = (await t.runtime.rounds.get(roundId))!;
    expect(await openRoundCases(t.runtime, round)).toEqual({ opened: 0, withheldStrata: 1 });
    expect((await queue('rd1')).items).toHaveLength(2);

    const [first, second] = (await queue('rd1')).items;
    for (const [to, note] of [['immediate', '核实属实：已增加叫号窗口'], ['fixed', '高峰时段已增开窗口'], ['closed', '匿名答卷，无法回访，办结']] as const) {
      const reply = await as(ADMIN, 'POST', `/api/cases/${first!.caseId}/transitions`, { to, note });
      expect(reply.status, reply.text).toBe(200);
    }
    expect((await as(ADMIN, 'POST', `/api/cases/${second!.caseId}/transitions`, { to: 'appealing', note: '答卷所述情况不属实' })).status).toBe(200);
    // Decided by another account of a superior unit (never the one that appealed).
    const upheld = await as(DRAWER, 'POST', `/api/cases/${second!.caseId}/transitions`, { to: 'appeal-upheld', note: '复核属实' });
    expect(upheld.status, upheld.text).toBe(200);
    const totals = (await t.doc.send(new ScanCommand({ TableName: t.tables.totals }))).Items ?? [];
    expect(totals).toEqual([]);
  });
});
