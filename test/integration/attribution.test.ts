import { randomUUID } from 'node:crypto';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Principal } from '../../functions/src/auth/principal.js';
import { keys } from '../../functions/src/data/keys.js';
import { createTotalsMaintenance } from '../../functions/src/data/totals.js';
import { recountTotals, type RecountDeps, type WindowDayDrift } from '../../functions/src/use-cases/recount-totals.js';
import { createGateway } from '../../infra/local/gateway.js';
import { seedWriter } from '../../infra/local/seed.js';
import { SatisfactionReport } from '../../shared/src/contracts/reports.js';
import { chinaDay } from '../../shared/src/domain/china-time.js';
import { NATIONAL_SURVEY } from '../../shared/src/domain/national-survey.js';
import { pinnedClock } from '../support/clock.js';
import { isolatedTables, type IsolatedTables } from '../support/isolated-tables.js';
import { request, scanAll } from './accounts-helpers.js';
import { HALL_ID, postRating, putDirectory, queryPartition, STAFF_ID, storedRatings, UNIT_ID } from './fixtures.js';

/**
 * Honest attribution of ratings to staff (docs/decisions/0012-attribution.md), through the real
 * rating and report handlers on DynamoDB Local: with two staff on duty, a rating counts for the one
 * person the resident named, or for nobody (不确定); a staffId not on duty now is refused and
 * nothing is stored; the recount agrees with the running totals; ratings stored under the old
 * meaning (everyone on duty) are never re-attributed; reports say how many ratings named anybody.
 */

const endpoint = inject('dynamoEndpoint');
const gateway = createGateway();
let t: IsolatedTables;
let deps: RecountDeps;
const clock = pinnedClock();
const TODAY = chinaDay(clock());
const MONTH = TODAY.slice(0, 7);

/** A (王静, from putDirectory) and B on duty at every window here; C is of the unit but off duty. */
const A = STAFF_ID;
const B = 'at-staff-b';
const C = 'at-staff-c';
const W = { main: 'attrmain', few: 'attrfew1', legacy: 'attrold1' } as const;
const committee: Principal = { username: 'at.committee', role: 'committee', unitId: UNIT_ID };
const staffA: Principal = { username: 'at.wangjing', role: 'staff', unitId: UNIT_ID };
const tokens: Record<string, string> = {};

beforeAll(async () => {
  t = await isolatedTables(endpoint, { now: clock });
  t.install();
  await putDirectory(t.runtime, []);
  const d = seedWriter(t.runtime);
  await d.putStaff({ id: B, unitId: UNIT_ID, staffNo: 'T0002', name: '李强', post: '综合受理员', duties: '一窗受理', pledge: '限时办结。', partyMember: false });
  await d.putStaff({ id: C, unitId: UNIT_ID, staffNo: 'T0003', name: '赵敏', post: '综合受理员', duties: '一窗受理', pledge: '一次告知。', partyMember: false });
  for (const [code, name] of [[W.main, '综合受理1号窗口'], [W.few, '综合受理2号窗口'], [W.legacy, '综合受理3号窗口']] as const) {
    await d.putWindow({
      code,
      unitId: UNIT_ID,
      hallId: HALL_ID,
      name,
      active: true,
      staffIds: [A, B, C],
      staffOnDutyIds: [A, B],
      surveyId: NATIONAL_SURVEY.surveyId,
      surveyVersion: NATIONAL_SURVEY.version,
    });
  }
  await t.runtime.accounts.put({ username: staffA.username, displayName: '王静', role: 'staff', unitId: UNIT_ID, passwordHash: 'unused', personId: 'T0001' });
  for (const [name, principal] of Object.entries({ committee, staffA })) tokens[name] = (await t.runtime.tokens.issue(principal, new Date())).token;
  deps = { units: t.runtime.units, windows: t.runtime.windows, ratings: t.runtime.ratings, cases: t.runtime.cases, totals: createTotalsMaintenance(t.doc, t.tables.totals) };
}, 120_000);
afterAll(() => t?.close());

async function totalsItem(code: string): Promise<Record<string, unknown>> {
  const { pk, sk } = keys.windowDayTotals(code, TODAY, 'window-qr');
  return (await queryPartition(t.doc, t.tables.totals, pk)).find((item) => item.sk === sk) ?? {};
}

/** The staff-related counters of a totals item: attributed (at), named (sv) and the legacy on-duty ones (st). */
async function staffCounters(code: string): Promise<Record<string, unknown>> {
  return Object.fromEntries(Object.entries(await totalsItem(code)).filter(([name]) => /\|(at|sv|st)\|/.test(name)));
}

async function rate(body: Record<string, unknown>): Promise<void> {
  const reply = await postRating(gateway, body, { 'idempotency-key': randomUUID() });
  expect(reply.status, reply.text).toBe(201);
}

const report = async (who: 'committee' | 'staffA', query: Record<string, string> = {}) => {
  const path = who === 'staffA' ? '/api/reports/me' : '/api/reports/satisfaction';
  const reply = await request(gateway, 'GET', path, { token: tokens[who]!, query: { month: MONTH, ...query } });
  expect(reply.status, reply.text).toBe(200);
  return SatisfactionReport.parse(reply.json);
};

describe('a rating at a window with two staff on duty', () => {
  it('offers both on the window card, with the ids a rating names', async () => {
    const reply = await request(gateway, 'GET', `/api/public/windows/${W.main}`);
    expect(reply.json.staffOnDuty.map((person: { id: string; staffNo: string }) => [person.id, person.staffNo])).toEqual([
      [A, 'T0001'],
      [B, 'T0002'],
    ]);
  });

  it('counts a 差评 attributed to A for A only: stored with servedBy A, one staff counter, nothing for B', async () => {
    await rate({ windowCode: W.main, level: 1, reasons: ['RUDE'], staffId: A });

    const [rating] = await storedRatings(t.doc, t.tables.ops, W.main, TODAY);
    expect(rating).toMatchObject({ level: 1, servedBy: A });
    expect(rating).not.toHaveProperty('staffIds');
    expect(await staffCounters(W.main)).toEqual({ 'window-qr|at|1': 1, [`window-qr|sv|${A}|1`]: 1 });
  });

  it('counts an unattributed (不确定) 差评 for the window only', async () => {
    await rate({ windowCode: W.main, level: 2, reasons: ['SLOW'] });

    const ratings = await storedRatings(t.doc, t.tables.ops, W.main, TODAY);
    const unsure = ratings.find((r) => r.level === 2)!;
    expect(unsure).not.toHaveProperty('servedBy');
    expect(unsure).not.toHaveProperty('staffIds');
    expect(await totalsItem(W.main)).toMatchObject({ c1: 1, c2: 1, 'window-qr|c|2': 1 });
    // Still only A's one 差评: the 不确定 one adds no attributed count and no staff counter.
    expect(await staffCounters(W.main)).toEqual({ 'window-qr|at|1': 1, [`window-qr|sv|${A}|1`]: 1 });
  });

  it('refuses a staffId not on duty at the window now with 400 naming staffId, and stores nothing', async () => {
    const claims = async () => (await scanAll(t.doc, t.tables.ops)).filter((item) => String(item.pk).startsWith('IDEMPOTENCY#')).length;
    const before = await totalsItem(W.main);
    const beforeRatings = (await storedRatings(t.doc, t.tables.ops, W.main, TODAY)).length;
    const beforeClaims = await claims();
    // C works in the unit but is not on duty; the others are no staff member at all.
    for (const staffId of [C, 'no-such-staff', `${A}x`]) {
      const reply = await postRating(gateway, { windowCode: W.main, level: 1, staffId }, { 'idempotency-key': randomUUID() });
      expect(reply.status, staffId).toBe(400);
      expect(reply.json.error.issues.map((issue: { field: string }) => issue.field)).toEqual(['staffId']);
    }
    const malformed = await postRating(gateway, { windowCode: W.main, level: 1, staffId: 'a b' }, { 'idempotency-key': randomUUID() });
    expect(malformed.status).toBe(400);
    expect(malformed.json.error.issues.map((issue: { field: string }) => issue.field)).toEqual(['staffId']);
    expect(await totalsItem(W.main)).toEqual(before);
    expect(await storedRatings(t.doc, t.tables.ops, W.main, TODAY)).toHaveLength(beforeRatings);
    // Not even the idempotency claim: a refused rating writes nothing.
    expect(await claims()).toBe(beforeClaims);
  });
});

describe('reports', () => {
  beforeAll(async () => {
    // W.main: A named 6 times in all, B 5 times, 6 不确定 (17); W.few: A named 3 times, 7 不确定 (10).
    for (const level of [5, 4, 5, 3, 4]) await rate({ windowCode: W.main, level, staffId: A });
    for (const level of [5, 5, 4, 2, 4]) await rate({ windowCode: W.main, level, staffId: B, ...(level <= 2 ? { reasons: ['SLOW'] } : {}) });
    for (const level of [5, 4, 4, 3, 5]) await rate({ windowCode: W.main, level });
    for (const level of [5, 4, 1]) await rate({ windowCode: W.few, level, staffId: A, ...(level <= 2 ? { reasons: ['RUDE'] } : {}) });
    for (const level of [5, 5, 4, 4, 3, 5, 4]) await rate({ windowCode: W.few, level });
  }, 120_000);

  it('count each rating for the one staff member named, and say how many of the window’s ratings named anybody', async () => {
    const body = await report('committee', { window: W.main });

    expect(body.summary.n).toBe(17);
    const staff = Object.fromEntries(body.byStaff.map((cell) => [cell.key, cell]));
    expect(Object.keys(staff).sort()).toEqual([A, B].sort());
    expect(staff[A]).toMatchObject({ label: '王静', n: 6, counts: { '1': 1, '2': 0, '3': 1, '4': 2, '5': 2 } });
    expect(staff[B]).toMatchObject({ label: '李强', n: 5, counts: { '1': 0, '2': 1, '3': 0, '4': 2, '5': 2 } });
    expect(body.attribution).toEqual({
      ratings: { n: 17, suppressed: null },
      attributed: { n: 11, suppressed: null },
      text: {
        zh: '本期 17 条评价中 11 条由评价人指明了工作人员；人员统计只含指明的评价。',
        en: 'Of the 17 ratings in this period, 11 named the staff member who served the resident; staff figures count only those.',
      },
    });
  });

  it('show "<5" for an attributed count under 5, and no staff row it would give away', async () => {
    const body = await report('committee', { window: W.few });

    expect(body.summary.n).toBe(10);
    expect(body.attribution.attributed).toEqual({ n: null, suppressed: 'small-group' });
    expect(body.attribution.text.zh).toBe('本期 10 条评价中 <5 条由评价人指明了工作人员；人员统计只含指明的评价。');
    expect(body.byStaff).toEqual([expect.objectContaining({ key: A, n: null, counts: null, suppressed: 'small-group' })]);
  });

  it('give the staff member their own figures: only the ratings that named them, and how many in scope named anybody', async () => {
    const body = await report('staffA');

    // A was named 6 + 3 times; 27 ratings in the unit's windows, 14 of which named A or B.
    expect(body.summary).toMatchObject({ n: 9, suppressed: null });
    expect(body.attribution).toMatchObject({ ratings: { n: 27 }, attributed: { n: 14 } });
    expect(body.attribution.text.zh).toBe('本期范围内共 27 条评价，其中 14 条由评价人指明了工作人员；您的统计只含指明您本人的评价。');
    expect(body.byStaff).toEqual([]);
  });

  it('running totals equal a recount of the raw ratings', async () => {
    const drift: WindowDayDrift[] = [];
    const summary = await recountTotals(deps, { from: TODAY, to: TODAY, windowCodes: [W.main, W.few], dryRun: true, onDrift: (d) => drift.push(d) });
    expect(drift).toEqual([]);
    expect(summary).toMatchObject({ windowDaysChecked: 2, drifted: 0 });
  });
});

describe('ratings stored before attribution (everyone on duty in staffIds, on-duty counters st)', () => {
  it('count for no staff member, and the recount removes their on-duty counters without re-attributing them', async () => {
    // Prepare: a rating and its totals exactly as the old code wrote them (A and B on duty, both counted).
    const id = 'legacy0000000000000000000000000001';
    await t.doc.send(
      new PutCommand({
        TableName: t.tables.ops,
        Item: {
          ...keys.rating(W.legacy, TODAY, id),
          kind: 'rating',
          id,
          windowCode: W.legacy,
          unitId: UNIT_ID,
          hallId: HALL_ID,
          staffIds: [A, B],
          day: TODAY,
          level: 1,
          surveyId: NATIONAL_SURVEY.surveyId,
          surveyVersion: NATIONAL_SURVEY.version,
          channel: 'window-qr',
          trust: 'poster',
          hasContact: false,
        },
      }),
    );
    await t.doc.send(
      new PutCommand({
        TableName: t.tables.totals,
        Item: {
          ...keys.windowDayTotals(W.legacy, TODAY, 'window-qr'),
          windowCode: W.legacy,
          day: TODAY,
          channel: 'window-qr',
          c1: 1,
          'window-qr|c|1': 1,
          [`window-qr|st|${A}|1`]: 1,
          [`window-qr|st|${B}|1`]: 1,
          'window-qr|si||1': 1,
        },
      }),
    );

    // Four residents rate after the change and say 不确定, so the window's day is no small group.
    for (let i = 0; i < 4; i++) await rate({ windowCode: W.legacy, level: 5 });

    // Before any recount: the window counts the old rating, nobody does.
    const before = await report('committee', { window: W.legacy });
    expect(before.summary).toMatchObject({ n: 5, counts: { '1': 1, '5': 4 } });
    expect(before.byStaff).toEqual([]);
    // Nobody named: 0, shown as 0 (an empty count tells nothing about anybody).
    expect(before.attribution.attributed).toEqual({ n: 0, suppressed: null });

    // Act: the recount.
    const dry: WindowDayDrift[] = [];
    await recountTotals(deps, { from: TODAY, to: TODAY, windowCodes: [W.legacy], dryRun: true, onDrift: (d) => dry.push(d) });
    const repaired = await recountTotals(deps, { from: TODAY, to: TODAY, windowCodes: [W.legacy] });
    const again = await recountTotals(deps, { from: TODAY, to: TODAY, windowCodes: [W.legacy, W.main, W.few], dryRun: true });

    // Assess: only the on-duty counters were drift; no sv or at counter appears; the rating is untouched.
    expect(dry).toEqual([
      {
        windowCode: W.legacy,
        day: TODAY,
        repaired: false,
        counters: [A, B].map((id) => ({ name: `window-qr|st|${id}|1`, stored: 1, recounted: 0 })).sort((x, y) => (x.name < y.name ? -1 : 1)),
      },
    ]);
    expect(repaired).toMatchObject({ drifted: 1, repaired: 1 });
    expect(again).toMatchObject({ drifted: 0 });
    expect(await staffCounters(W.legacy)).toEqual({});
    expect(await totalsItem(W.legacy)).toMatchObject({ c1: 1, c5: 4, 'window-qr|c|1': 1, 'window-qr|si||1': 1 });
    const rating = (await storedRatings(t.doc, t.tables.ops, W.legacy, TODAY)).find((r) => r.id === id);
    expect(rating).toMatchObject({ staffIds: [A, B] });
    expect(rating).not.toHaveProperty('servedBy');
    const after = await report('committee', { window: W.legacy });
    expect(after.summary).toEqual(before.summary);
    expect(after.byStaff).toEqual([]);
    expect(after.attribution.attributed).toEqual({ n: 0, suppressed: null });
  });
});
