import { parse as parseCsv } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { hourIndex, HOURS_PER_WEEK } from '../../shared/src/domain/burst.js';
import { chinaDay } from '../../shared/src/domain/china-time.js';
import type { Principal } from '../../functions/src/auth/principal.js';
import { createBurstStore } from '../../functions/src/data/burst.js';
import { keys } from '../../functions/src/data/keys.js';
import { createTotalsMaintenance } from '../../functions/src/data/totals.js';
import { createBurstWatch } from '../../functions/src/throttle/burst.js';
import { recountTotals } from '../../functions/src/use-cases/recount-totals.js';
import { createGateway } from '../../infra/local/gateway.js';
import { isolatedTables, type IsolatedTables } from '../support/isolated-tables.js';
import { request, scanAll } from './accounts-helpers.js';
import { postRating, putDirectory, queryPartition, storedRatings, storedTotals, UNIT_ID, withConcurrency } from './fixtures.js';

/**
 * The burst detector (issue 11, item 2 "Per window"; docs/decisions/0016-burst-detector.md): the
 * ratings of a window in one hour past its threshold (factor × its usual rate for that hour of the
 * week, at least the floor) are stored flagged 可疑, counted apart, in no rate, and reported as a
 * count; the usual rate is learned week by week from short-lived hour counts. Floor 5 and factor 3
 * here, so the bursts stay small.
 */
const endpoint = inject('dynamoEndpoint');
const gateway = createGateway();
const FLOOR = 5;
let t: IsolatedTables;
/** The runtime's clock: set per test (a Monday 10:xx in Beijing is 02:xx UTC). */
let at = new Date('2026-11-16T02:10:00.000Z');
const committee: Principal = { username: 'bst.committee', role: 'committee', unitId: UNIT_ID };
let token = '';

beforeAll(async () => {
  t = await isolatedTables(endpoint, { now: () => at, burst: { floor: FLOOR, factor: 3 } });
  t.install();
  await putDirectory(t.runtime, ['bstcc01', 'bstlw01', 'bstpv01', 'bstfd01', 'bstdl01']);
  token = (await t.runtime.tokens.issue(committee, new Date())).token;
});
afterAll(() => t?.close());

const rate = (windowCode: string, level: number, extra: Record<string, unknown> = {}) => postRating(gateway, { windowCode, level, ...extra });

async function burstOf(windowCode: string, count: number, level = 5): Promise<void> {
  const replies = await withConcurrency(
    Array.from({ length: count }, () => level),
    8,
    (l) => rate(windowCode, l),
  );
  for (const reply of replies) {
    expect(reply.status, reply.text).toBe(201);
    // Nothing tells the sender a rating was flagged: that would tell a script the threshold.
    expect(Object.keys(reply.json).sort()).toEqual(['id']);
  }
}

const suspectCount = async (windowCode: string) => (await storedRatings(t.doc, t.tables.ops, windowCode, chinaDay(at))).filter((r) => r.suspect === true).length;

describe('the burst detector (可疑评价)', () => {
  it('flags exactly the ratings past the threshold of the hour, under concurrency, and counts them apart from every number', async () => {
    at = new Date('2026-11-16T02:10:00.000Z');
    await burstOf('bstcc01', 12, 5);
    await rate('bstcc01', 1, { comment: '太慢了' });

    const stored = await storedRatings(t.doc, t.tables.ops, 'bstcc01', '2026-11-16');
    expect(stored).toHaveLength(13);
    // A new window's usual rate is unknown: the floor (5) holds; the 8 ratings after it are suspect.
    expect(stored.filter((r) => r.suspect === true)).toHaveLength(8);
    const totals = await storedTotals(t.doc, t.tables.totals, 'bstcc01', '2026-11-16');
    const suspectLevels = (await queryPartition(t.doc, t.tables.totals, keys.windowTotalsPartition('bstcc01')))[0]!;
    expect(Object.values(totals).reduce((a, b) => a + b, 0)).toBe(5);
    expect(Number(suspectLevels['window-qr|sp|5'] ?? 0) + Number(suspectLevels['window-qr|sp|1'] ?? 0)).toBe(8);
    // The 差评 with a comment came last: suspect, so no reason, comment or 差评 count has it.
    expect(suspectLevels['window-qr|sp|1']).toBe(1);
    expect(suspectLevels['window-qr|cm|n']).toBeUndefined();
    expect(suspectLevels.c1).toBeUndefined();

    // npm run recount agrees with the running totals, suspect counters included.
    const deps = { units: t.runtime.units, windows: t.runtime.windows, ratings: t.runtime.ratings, cases: t.runtime.cases, totals: createTotalsMaintenance(t.doc, t.tables.totals) };
    const summary = await recountTotals(deps, { from: '2026-11-16', to: '2026-11-16', windowCodes: ['bstcc01'], dryRun: true });
    expect(summary).toMatchObject({ drifted: 0 });
  });

  it('shows the count on the report and in its exports, and every rate definition says it excludes them', async () => {
    const reply = await request(gateway, 'GET', '/api/reports/satisfaction', { token, query: { unit: UNIT_ID, month: '2026-11' } });
    expect(reply.status, reply.text).toBe(200);
    expect(reply.json.summary.n).toBe(5);
    expect(reply.json.summary.satisfiedRate.value).toBe(1);
    expect(reply.json.suspect).toMatchObject({ n: 8, suppressed: null });
    expect(reply.json.suspect.text.zh).toContain('本期另有 8 条可疑评价');
    expect(reply.json.definitions.good.formula.zh).toContain('不含可疑评价');
    expect(reply.json.definitions.satisfied.formula.zh).toContain('不含可疑评价');

    const csv = await request(gateway, 'GET', '/api/reports/satisfaction/export', { token, query: { unit: UNIT_ID, month: '2026-11', format: 'csv' } });
    expect(csv.status).toBe(200);
    const rows = parseCsv(Buffer.from(csv.text, 'base64').toString('utf8').replace(/^\uFEFF/, ''), { relaxColumnCount: true }) as string[][];
    expect(rows.find((row) => row[0] === '可疑评价数（单独统计）')?.[1]).toBe('8');
  });

  it('learns the usual rate of each hour of the week: a window busy on Monday mornings is not flagged there, a quiet hour still is', async () => {
    // Week 1, Monday 10:xx: 12 ratings; the floor flags 7, and only 5 (the threshold) are learned.
    at = new Date('2026-11-16T02:20:00.000Z');
    await burstOf('bstlw01', 12);
    expect(await suspectCount('bstlw01')).toBe(7);
    // Week 2, same hour: usual 5, threshold 15: 12 ratings are all normal.
    at = new Date('2026-11-23T02:20:00.000Z');
    await burstOf('bstlw01', 12);
    expect(await suspectCount('bstlw01')).toBe(0);
    // Week 2, Monday 11:xx (usual 0 from week 1): the floor again, 6 ratings → 1 suspect.
    at = new Date('2026-11-23T03:05:00.000Z');
    await burstOf('bstlw01', 6);
    expect(await suspectCount('bstlw01')).toBe(1);
  });

  it('keeps hour-level data only as counts of the current hour and hours not yet folded: no level, a TTL within a day', async () => {
    at = new Date('2026-11-16T05:00:00.000Z');
    await burstOf('bstpv01', 3, 2);
    let items = await queryPartition(t.doc, t.tables.ops, keys.burstPartition('bstpv01'));
    const hour = hourIndex(at);
    const count = items.find((item) => item.sk === keys.burstHour('bstpv01', hour).sk)!;
    expect(Object.keys(count).sort()).toEqual(['expiresAt', 'kind', 'n', 'pk', 'sk']);
    expect(count.n).toBe(3);
    expect(Number(count.expiresAt)).toBeLessThanOrEqual((hour + 1) * 3600 + 24 * 3600);
    // The next rating after the hour folds it into the baseline and deletes its count.
    at = new Date('2026-11-16T07:30:00.000Z');
    await burstOf('bstpv01', 1);
    items = await queryPartition(t.doc, t.tables.ops, keys.burstPartition('bstpv01'));
    expect(items.map((item) => item.sk).sort()).toEqual(['BASE', keys.burstHour('bstpv01', hourIndex(at)).sk]);
    const base = items.find((item) => item.sk === 'BASE')!;
    expect((base.usual as unknown[]).length).toBe(HOURS_PER_WEEK);
    expect(base.through).toBe(hourIndex(at) - 1);
    // Nothing else in the table is keyed or stamped by the hour.
    const all = await scanAll(t.doc, t.tables.ops);
    expect(all.filter((item) => String(item.pk).startsWith('RATINGS#')).every((r) => !('hour' in r) && !('at' in r) && !('createdAt' in r))).toBe(true);
  });

  it('folds once when two processes see a new hour at the same moment', async () => {
    const store = createBurstStore(t.doc, t.tables.ops);
    at = new Date('2026-11-17T02:00:00.000Z');
    await burstOf('bstfd01', 4);
    const next = new Date('2026-11-17T03:00:00.000Z');
    const policy = { factor: 3, floor: FLOOR, learningRate: 0.25 };
    const [a, b] = await Promise.all([createBurstWatch(store, policy).check('bstfd01', next), createBurstWatch(store, policy).check('bstfd01', next)]);
    expect(a).toEqual(b);
    const base = await store.baseline('bstfd01');
    expect(base!.through).toBe(hourIndex(next) - 1);
    // 4 ratings on Tuesday 10:xx, learned once (not 0.75 × 4 + 0.25 × 4 twice over).
    expect(base!.usual[24 + 10]).toBe(4);
    expect((await store.hourCounts('bstfd01', hourIndex(next))).size).toBe(0);
  });

  it('answers the rating even when the folded hour counts cannot be deleted (they go by TTL), and says so in the log by error name', async () => {
    const real = createBurstStore(t.doc, t.tables.ops);
    const denied = Object.assign(new Error('not allowed'), { name: 'AccessDeniedException' });
    const store = { ...real, deleteHourCounts: () => Promise.reject(denied) };
    const warnings: string[] = [];
    at = new Date('2026-11-18T02:00:00.000Z');
    await burstOf('bstdl01', 2);
    const check = await createBurstWatch(store, { factor: 3, floor: FLOOR, learningRate: 0.25 }, (line) => warnings.push(line)).check('bstdl01', new Date('2026-11-18T03:00:00.000Z'));
    expect(check.threshold).toBe(FLOOR);
    expect(warnings).toEqual(['burst: folded hour counts of a window not deleted (AccessDeniedException)']);
    expect((await real.baseline('bstdl01'))!.through).toBe(hourIndex(new Date('2026-11-18T03:00:00.000Z')) - 1);
  });
});
