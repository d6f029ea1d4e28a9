import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Principal } from '../../functions/src/auth/principal.js';
import { keys } from '../../functions/src/data/keys.js';
import { createTotalsMaintenance } from '../../functions/src/data/totals.js';
import { recountTotals, type WindowDayDrift } from '../../functions/src/use-cases/recount-totals.js';
import { submitRating } from '../../functions/src/use-cases/submit-rating.js';
import { createGateway } from '../../infra/local/gateway.js';
import { seedWriter } from '../../infra/local/seed.js';
import { SatisfactionReport } from '../../shared/src/contracts/reports.js';
import { chinaDay } from '../../shared/src/domain/china-time.js';
import { NATIONAL_SURVEY } from '../../shared/src/domain/national-survey.js';
import { isolatedTables, type IsolatedTables } from '../support/isolated-tables.js';
import { callerAs } from './fixtures.js';

/**
 * An upheld appeal (申诉成立, issue 15 §2; decision 0028) on DynamoDB Local: the step flags the
 * rating and counts it under `ap:` in its own transaction; the national definitions then leave it
 * out of every number of the report, a local set that counts upheld appeals keeps it, both say how
 * many; a rejected appeal changes nothing; and `npm run recount` agrees with what the steps wrote,
 * and puts back an `ap:` counter that went missing.
 */
const endpoint = inject('dynamoEndpoint');
const gateway = createGateway();
let t: IsolatedTables;
const now = new Date();
const today = chinaDay(now);

const COUNTY: Principal = { username: 'appeal.county', role: 'unit-admin', unitId: 'ap-county' };
const BUREAU: Principal = { username: 'appeal.bureau', role: 'unit-admin', unitId: 'ap-bureau' };
const ADMIN: Principal = { username: 'appeal.system', role: 'system-admin', unitId: 'ap-county' };
const tokens = new Map<string, string>();
const as = callerAs(gateway, tokens);
const WINDOW = 'appealw1';

const step = (who: Principal, caseId: string, to: string, note: string) => as(who, 'POST', `/api/cases/${caseId}/transitions`, { to, note });
const rate = async (level: 1 | 2 | 3 | 4 | 5, extra: Record<string, unknown> = {}) => (await submitRating(t.runtime, { windowCode: WINDOW, level, ...extra }, {})).id;
const report = async (definition: string) => {
  const reply = await as(COUNTY, 'GET', '/api/reports/satisfaction', undefined, { unit: 'ap-county', period: 'custom', from: today, to: today, definition });
  expect(reply.status, reply.text).toBe(200);
  return SatisfactionReport.parse(reply.json);
};

beforeAll(async () => {
  t = await isolatedTables(endpoint);
  t.runtime.now = () => now;
  t.install();
  for (const principal of [COUNTY, BUREAU, ADMIN]) tokens.set(principal.username, (await t.runtime.tokens.issue(principal, new Date())).token);
  const write = seedWriter(t.runtime);
  await write.putUnit({ id: 'ap-county', name: '申诉县', parentId: null, path: ['ap-county'] });
  await write.putUnit({ id: 'ap-bureau', name: '申诉县人社局', parentId: 'ap-county', path: ['ap-county', 'ap-bureau'] });
  await write.putHall({ id: 'ap-hall', unitId: 'ap-bureau', name: '人社大厅', address: '人民路1号' });
  await write.putWindow({ code: WINDOW, unitId: 'ap-bureau', hallId: 'ap-hall', name: '社保综合窗口', staffOnDutyIds: [], active: true, surveyId: NATIONAL_SURVEY.surveyId, surveyVersion: NATIONAL_SURVEY.version });
  const local = await as(ADMIN, 'POST', '/api/rate-definitions', { id: 'keep-appeals', name: '申诉照常计入口径', goodLevels: [5, 4, 3], satisfiedLevels: [5, 4], upheldAppeals: 'counted' });
  expect(local.status, local.text).toBe(201);
  expect(local.json).toMatchObject({ upheldAppeals: 'counted', satisfied: { formula: { zh: '满意率 =（非常满意 + 满意）÷ 有效评价数（不含可疑评价；申诉成立的评价照常计入）' } } });
});

afterAll(() => t?.close());

describe('an upheld appeal', () => {
  it('leaves the national numbers, stays in a set that counts it, and npm run recount agrees', async () => {
    // Arrange: 12 非常满意, 8 满意 and 7 差评 (5 不满意 with reason SLOW, 2 非常不满意) today.
    for (let i = 0; i < 12; i++) await rate(5);
    for (let i = 0; i < 8; i++) await rate(4);
    const bad: string[] = [];
    for (let i = 0; i < 5; i++) bad.push(await rate(2, { reasons: ['SLOW'], comment: '排队太久' }));
    for (let i = 0; i < 2; i++) bad.push(await rate(1, { reasons: ['RUDE'] }));
    const before = await report('national');
    expect(before.summary.n).toBe(27);
    expect(before.appeals).toMatchObject({ n: 0, upheldAppeals: 'excluded' });

    // Act: the bureau appeals six; the county upholds five (four 不满意, one 非常不满意) and rejects one.
    for (const caseId of bad.slice(0, 6)) expect((await step(BUREAU, caseId, 'appealing', '评价人当天未到窗口，疑为误评')).status).toBe(200);
    const upheld = [...bad.slice(0, 4), bad[5]!];
    for (const caseId of upheld) expect((await step(COUNTY, caseId, 'appeal-upheld', '经核查监控记录，申诉成立')).status).toBe(200);
    expect((await step(COUNTY, bad[4]!, 'appeal-rejected', '评价属实，申诉驳回')).status).toBe(200);

    // Assess: national — 22 ratings, 满意率 20/22, 1 不满意 and 1 非常不满意 left; the count of five said.
    const national = await report('national');
    expect(national.summary.n).toBe(22);
    expect(national.summary.counts).toEqual({ '5': 12, '4': 8, '3': 0, '2': 1, '1': 1 });
    expect(national.summary.satisfiedRate!.value).toBeCloseTo(20 / 22, 10);
    expect(national.topReasons.map((reason) => [reason.code, reason.count])).toEqual([
      ['RUDE', 1],
      ['SLOW', 1],
    ]);
    expect(national.appeals).toMatchObject({ n: 5, suppressed: null, upheldAppeals: 'excluded' });
    expect(national.appeals.text.zh).toBe('本期有 5 条评价经上级单位申诉复核认定成立，按本口径不计入评价数、比率、平均分及各项分类统计。');
    // The local set that counts them: every rating, as before, and the same count said.
    const kept = await report('keep-appeals');
    expect(kept.summary.n).toBe(27);
    expect(kept.summary.satisfiedRate!.value).toBeCloseTo(20 / 27, 10);
    expect(kept.appeals).toMatchObject({ n: 5, upheldAppeals: 'counted' });

    // The step wrote the rating's flag and its ap: counters once each; the recount finds nothing to change.
    const totals = await t.doc.send(new GetCommand({ TableName: t.tables.totals, Key: keys.windowDayTotals(WINDOW, today, 'window-qr'), ConsistentRead: true }));
    expect(totals.Item).toMatchObject({ 'ap:c2': 4, 'ap:c1': 1, 'ap:window-qr|c|2': 4, 'ap:window-qr|rs|SLOW': 4, 'ap:window-qr|rs|RUDE': 1 });
    expect(totals.Item!['ap:window-qr|cm|n']).toBeUndefined();
    const flagged = await Promise.all(bad.map((id) => t.runtime.ratings.counted(WINDOW, today, id)));
    expect(flagged.map((rating) => rating?.appealUpheld === true)).toEqual([true, true, true, true, false, true, false]);
    const deps = { units: t.runtime.units, windows: t.runtime.windows, ratings: t.runtime.ratings, cases: t.runtime.cases, totals: createTotalsMaintenance(t.doc, t.tables.totals) };
    const drift: WindowDayDrift[] = [];
    expect(await recountTotals(deps, { from: today, to: today, windowCodes: [WINDOW], dryRun: true, onDrift: (d) => drift.push(d) })).toMatchObject({ drifted: 0 });
    expect(drift).toEqual([]);

    // A lost ap: counter is drift: the recount puts it back from the ratings' flags, and the report agrees again.
    await t.doc.send(new UpdateCommand({ TableName: t.tables.totals, Key: keys.windowDayTotals(WINDOW, today, 'window-qr'), UpdateExpression: 'REMOVE #c', ExpressionAttributeNames: { '#c': 'ap:c2' } }));
    expect((await report('national')).summary.n).toBe(26);
    const repaired = await recountTotals(deps, { from: today, to: today, windowCodes: [WINDOW], onDrift: (d) => drift.push(d) });
    expect(repaired).toMatchObject({ drifted: 1, repaired: 1 });
    expect(drift[0]!.counters).toEqual([{ name: 'ap:c2', stored: 0, recounted: 4 }]);
    expect((await report('national')).summary.n).toBe(22);
  });

  it('is decided once: a decided appeal cannot be upheld again, and a rejected one changed no number', async () => {
    const caseId = await rate(2, { reasons: ['SLOW'] });
    const before = (await report('national')).summary.n;
    expect((await step(BUREAU, caseId, 'appealing', '疑为恶意评价')).status).toBe(200);
    expect((await step(COUNTY, caseId, 'appeal-rejected', '评价属实')).status).toBe(200);
    expect((await report('national')).summary.n).toBe(before);
    const again = await step(COUNTY, caseId, 'appeal-upheld', '再议');
    expect(again.status).toBe(409);
    expect((await t.runtime.ratings.counted(WINDOW, today, caseId))?.appealUpheld).toBeUndefined();
    const { entries } = await t.runtime.audit.search({ fromDay: today, toDay: today, action: 'case.transition' });
    const decided = entries.filter((entry) => entry.result === 'ok' && entry.detail?.includes('appeal-upheld'));
    expect(decided).toHaveLength(5);
    expect(decided.every((entry) => entry.detail!.includes('rating excluded where the definitions say so'))).toBe(true);
  });
});
