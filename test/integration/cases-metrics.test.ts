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
import { workingDaysBetween } from '../../shared/src/domain/cases/working-days.js';
import { addDays, chinaDay } from '../../shared/src/domain/china-time.js';
import { NATIONAL_SURVEY } from '../../shared/src/domain/national-survey.js';
import { isolatedTables, type IsolatedTables } from '../support/isolated-tables.js';
import { callerAs } from './fixtures.js';

/**
 * 差评整改 metrics on DynamoDB Local (issue 15 §4; decision 0028): twelve 差评 of one window worked
 * through the routes — fixed on time and late, explained, called back happy and unhappy (reopened),
 * appealed and upheld, appealed and rejected, left waiting — then the committee report's metrics,
 * each with its n, as counted by hand; small n hidden; and `npm run recount` finding the same
 * counters from the cases, and putting back one that went missing.
 */
const endpoint = inject('dynamoEndpoint');
const gateway = createGateway();
let t: IsolatedTables;
const start = new Date();
let now = start;
const today = chinaDay(start);
const later = addDays(today, 10);

const COUNTY: Principal = { username: 'metrics.county', role: 'unit-admin', unitId: 'mx-county' };
const BUREAU: Principal = { username: 'metrics.bureau', role: 'unit-admin', unitId: 'mx-bureau' };
const tokens = new Map<string, string>();
const as = callerAs(gateway, tokens);
const WINDOW = 'metricw1';

const step = async (who: Principal, caseId: string, to: string, extra: Record<string, unknown> = {}) => {
  const reply = await as(who, 'POST', `/api/cases/${caseId}/transitions`, { to, note: '已处理', ...extra });
  expect(reply.status, `${to}: ${reply.text}`).toBe(200);
};
const path = async (caseId: string, ...states: (string | [string, Record<string, unknown>])[]) => {
  for (const state of states) await (Array.isArray(state) ? step(BUREAU, caseId, state[0], state[1]) : step(BUREAU, caseId, state));
};

beforeAll(async () => {
  t = await isolatedTables(endpoint);
  t.runtime.now = () => now;
  t.install();
  for (const principal of [COUNTY, BUREAU]) tokens.set(principal.username, (await t.runtime.tokens.issue(principal, new Date())).token);
  const write = seedWriter(t.runtime);
  await write.putUnit({ id: 'mx-county', name: '整改县', parentId: null, path: ['mx-county'] });
  await write.putUnit({ id: 'mx-bureau', name: '整改县人社局', parentId: 'mx-county', path: ['mx-county', 'mx-bureau'] });
  await write.putHall({ id: 'mx-hall', unitId: 'mx-bureau', name: '人社大厅', address: '人民路1号' });
  await write.putWindow({ code: WINDOW, unitId: 'mx-bureau', hallId: 'mx-hall', name: '社保综合窗口', staffOnDutyIds: [], active: true, surveyId: NATIONAL_SURVEY.surveyId, surveyVersion: NATIONAL_SURVEY.version });
});

afterAll(() => t?.close());

describe('差评整改 metrics', () => {
  it('count twelve worked cases as by hand, hide the small ones, and agree with npm run recount', async () => {
    // Arrange: 12 差评 today, cases 5–7 实名 (a number left for the 回访), and 8 good ratings.
    const ids: string[] = [];
    for (let i = 0; i < 12; i++) {
      const named = i >= 5 && i <= 7 ? { contactPhone: `1390000${String(1000 + i)}`, consentToCallback: true } : {};
      ids.push((await submitRating(t.runtime, { windowCode: WINDOW, level: i % 2 ? 1 : 2, reasons: ['SLOW'], ...named }, {})).id);
    }
    for (let i = 0; i < 8; i++) await submitRating(t.runtime, { windowCode: WINDOW, level: 5 }, {});

    // Act: work them.
    for (const id of ids.slice(0, 4)) await path(id, 'immediate', 'fixed', 'closed');
    await path(ids[4]!, 'immediate');
    now = new Date(start.getTime() + 10 * 86_400_000); // ten days on: past its 立行立改 deadline
    await path(ids[4]!, 'fixed', 'closed');
    now = start;
    for (const id of ids.slice(5, 7)) await path(id, 'immediate', 'fixed', ['called-back', { outcome: 'satisfied' }], 'closed');
    // Unhappy: the case reopens by itself (待核实), and is fixed and called back again.
    await path(ids[7]!, 'explained', ['called-back', { outcome: 'unsatisfied' }], 'immediate', 'fixed', ['called-back', { outcome: 'satisfied' }], 'closed');
    await path(ids[8]!, 'appealing');
    await step(COUNTY, ids[8]!, 'appeal-upheld');
    await path(ids[9]!, 'appealing');
    await step(COUNTY, ids[9]!, 'appeal-rejected');
    await path(ids[9]!, 'explained', 'closed');

    // Assess: the committee report of the county for the rating day.
    const reply = await as(COUNTY, 'GET', '/api/reports/satisfaction', undefined, { unit: 'mx-county', period: 'custom', from: today, to: today });
    expect(reply.status, reply.text).toBe(200);
    const cases = SatisfactionReport.parse(reply.json).cases!;
    const m = cases.summary.metrics;
    expect(cases.summary.opened).toEqual({ n: 12, suppressed: null });
    // 差评整改率 9 ÷ (12 − 1 upheld); 按期 8 of 9 (case 4 late); 平均办结 (case 4's working days) ÷ 9 closed; 重新办理 1 of 9.
    expect(m.rectified).toMatchObject({ numerator: 9, n: 11, suppressed: null });
    expect(m['on-time']).toMatchObject({ numerator: 8, n: 9, suppressed: null });
    const lateDays = workingDaysBetween(today, later).days;
    expect(m['close-days']).toMatchObject({ numerator: lateDays, n: 9, low: null, suppressed: null });
    expect(m['close-days'].value).toBeCloseTo(lateDays / 9, 10);
    expect(m.reopened).toMatchObject({ numerator: 1, n: 9 });
    // 回访率 3 of 3, 回访满意 3 of 4, 申诉成立 1 of 2: all under k = 5, hidden.
    for (const metric of ['called-back', 'callback-satisfied', 'appeals-upheld'] as const) expect(m[metric], metric).toMatchObject({ n: null, numerator: null, suppressed: 'small-group' });
    expect(cases.byUnit.map((row) => [row.key, row.metrics.rectified.n])).toEqual([['mx-bureau', 11]]);
    expect(cases.byWindow.map((row) => [row.key, row.opened.n])).toEqual([[WINDOW, 12]]);
    expect(cases.definitions.find((d) => d.id === 'rectified')!.formula.zh).toBe('差评整改率 = 已整改或已解释说明的差评 ÷（差评 − 申诉成立的差评）');

    // The counters are on the window-day's item, kept by the steps; the recount finds the same from the cases.
    const item = (await t.doc.send(new GetCommand({ TableName: t.tables.totals, Key: keys.windowDayTotals(WINDOW, today, 'window-qr'), ConsistentRead: true }))).Item!;
    expect(item).toMatchObject({ 'window-qr|cs|opened': 12, 'window-qr|cs|named': 3, 'window-qr|cs|handled': 9, 'window-qr|cs|cb-unsatisfied': 1, 'window-qr|cs|appeals-upheld': 1 });
    const deps = { units: t.runtime.units, windows: t.runtime.windows, ratings: t.runtime.ratings, cases: t.runtime.cases, totals: createTotalsMaintenance(t.doc, t.tables.totals) };
    const drift: WindowDayDrift[] = [];
    expect(await recountTotals(deps, { from: today, to: today, windowCodes: [WINDOW], dryRun: true, onDrift: (d) => drift.push(d) })).toMatchObject({ drifted: 0 });
    expect(drift).toEqual([]);
    await t.doc.send(new UpdateCommand({ TableName: t.tables.totals, Key: keys.windowDayTotals(WINDOW, today, 'window-qr'), UpdateExpression: 'REMOVE #c', ExpressionAttributeNames: { '#c': 'window-qr|cs|handled' } }));
    expect(await recountTotals(deps, { from: today, to: today, windowCodes: [WINDOW], onDrift: (d) => drift.push(d) })).toMatchObject({ drifted: 1, repaired: 1 });
    expect(drift[0]!.counters).toEqual([{ name: 'window-qr|cs|handled', stored: 0, recounted: 9 }]);
  });
});
