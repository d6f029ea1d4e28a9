import { randomBytes, randomUUID } from 'node:crypto';
import { DeleteCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Principal } from '../../functions/src/auth/principal.js';
import { keys } from '../../functions/src/data/keys.js';
import type { StoredRating } from '../../functions/src/data/ratings.js';
import { createTotalsMaintenance } from '../../functions/src/data/totals.js';
import { countersByChannel, countersOfItem } from '../../functions/src/data/window-day-counters.js';
import { recountedCounters, recountTotals, type RecountDeps, type RecountSummary } from '../../functions/src/use-cases/recount-totals.js';
import { createGateway } from '../../infra/local/gateway.js';
import { seedWriter } from '../../infra/local/seed.js';
import { SatisfactionReport } from '../../shared/src/contracts/reports.js';
import { addDays, chinaDay } from '../../shared/src/domain/china-time.js';
import { NATIONAL_SURVEY } from '../../shared/src/domain/national-survey.js';
import { pinnedClock } from '../support/clock.js';
import { isolatedTables, type IsolatedTables } from '../support/isolated-tables.js';
import { request } from './accounts-helpers.js';
import { HALL_ID, postRating, putDirectory, queryPartition, STAFF_ID, storedRatings, UNIT_ID, withConcurrency } from './fixtures.js';

/**
 * Window-day totals, one item per channel (docs/decisions/0018-totals-per-channel.md), on DynamoDB
 * Local: ratings of two channels on one window-day make two items, each under DynamoDB's item
 * bound, which readers add up; a table still holding the old combined items (written raw here, as
 * the code before 0018 left them) reads the same numbers, and `npm run recount` moves them into
 * per-channel items from the raw ratings without losing a rating sent while it runs.
 */

const endpoint = inject('dynamoEndpoint');
const gateway = createGateway();
let t: IsolatedTables;
let deps: RecountDeps;
const clock = pinnedClock();
const TODAY = chinaDay(clock());
const MONTH = TODAY.slice(0, 7);
const W = { two: 'chan0001', old: 'oldlay01', race: 'oldrace1' } as const;
const ITEMS = ['社保卡补办', '不动产|抵押登记'];
const committee: Principal = { username: 'pc.committee', role: 'committee', unitId: UNIT_ID };
let token = '';

function atNoon(day: string): Date {
  return new Date(`${day}T04:00:00Z`); // 12:00 in China
}

beforeAll(async () => {
  t = await isolatedTables(endpoint, { now: clock });
  t.install();
  await putDirectory(t.runtime, Object.values(W));
  for (const code of Object.values(W)) {
    const window = (await t.runtime.windows.get(code))!;
    await seedWriter(t.runtime).putWindow({ ...window, serviceItems: ITEMS.map((name, i) => ({ code: `S${i}`, name })) });
  }
  token = (await t.runtime.tokens.issue(committee, new Date())).token;
  deps = { units: t.runtime.units, windows: t.runtime.windows, ratings: t.runtime.ratings, cases: t.runtime.cases, totals: createTotalsMaintenance(t.doc, t.tables.totals) };
}, 120_000);
afterAll(() => t?.close());

const report = async (query: Record<string, string>) => {
  const reply = await request(gateway, 'GET', '/api/reports/satisfaction', { token, query: { month: MONTH, ...query } });
  expect(reply.status, reply.text).toBe(200);
  return SatisfactionReport.parse(reply.json);
};

async function rate(code: string, i: number): Promise<void> {
  const body = {
    windowCode: code,
    level: (i % 5) + 1,
    ...(i % 3 ? { serviceItem: ITEMS[i % 2] } : {}),
    ...(i % 5 < 2 ? { reasons: ['SLOW'], comment: `第${i}条留言` } : {}),
    ...(i % 2 === 0 ? { staffId: STAFF_ID } : {}),
  };
  const reply = await postRating(gateway, body, { 'idempotency-key': randomUUID() });
  expect(reply.status, reply.text).toBe(201);
}

async function rateOn(code: string, day: string, count: number): Promise<void> {
  t.runtime.now = () => atNoon(day);
  for (let i = 0; i < count; i++) await rate(code, i);
  t.runtime.now = clock;
}

/** The totals items of a window, raw. */
const totalsItems = (code: string) => queryPartition(t.doc, t.tables.totals, keys.windowTotalsPartition(code));

/** DynamoDB's size of an item: UTF-8 bytes of each attribute name and value (a number counts ≤ 21 bytes). */
function itemBytes(item: Record<string, unknown>): number {
  return Object.entries(item).reduce((sum, [name, value]) => sum + Buffer.byteLength(name) + (typeof value === 'number' ? 21 : Buffer.byteLength(String(value))), 0);
}

describe('a window-day with ratings of two channels', () => {
  it('is two items, one per channel, each under the item bound, and the readers add them up', async () => {
    // Prepare: five window-QR ratings through the API; two 阳光测评 ratings straight through the data
    // layer (no route takes that channel yet), one with a comment, in the same transaction as always.
    await rateOn(W.two, TODAY, 5);
    for (const [level, comment] of [[5, '流程清楚'], [2, undefined]] as const) {
      const rating = {
        id: randomBytes(16).toString('hex'),
        windowCode: W.two,
        unitId: UNIT_ID,
        hallId: HALL_ID,
        day: TODAY,
        level,
        serviceItem: ITEMS[0],
        ...(comment ? { comment } : {}),
        surveyId: NATIONAL_SURVEY.surveyId,
        surveyVersion: NATIONAL_SURVEY.version,
        channel: 'sampling',
        trust: 'poster',
        hasContact: false,
      };
      await t.runtime.ratings.store({ rating: rating as unknown as StoredRating });
    }

    // Assess: the items
    const items = await totalsItems(W.two);
    expect(items.map((item) => item.sk).sort()).toEqual([`DAY#${TODAY}#sampling`, `DAY#${TODAY}#window-qr`]);
    for (const item of items) expect(itemBytes(item)).toBeLessThan(400 * 1024);
    const sampling = items.find((item) => item.channel === 'sampling')!;
    expect(countersOfItem(sampling)).toEqual({ c2: 1, c5: 1, 'sampling|c|2': 1, 'sampling|c|5': 1, [`sampling|si|${ITEMS[0]}|2`]: 1, [`sampling|si|${ITEMS[0]}|5`]: 1, 'sampling|cm|n': 1 });
    expect(Object.keys(items.find((item) => item.channel === 'window-qr')!).some((name) => name.startsWith('sampling|'))).toBe(false);

    // The totals reader: one entry for the day, both channels; one Query, two items.
    const read = await t.runtime.totals.windowsDays([W.two], TODAY, TODAY);
    expect(read.itemsRead).toBe(2);
    expect(read.days).toHaveLength(1);
    const [day] = read.days;
    expect(Object.values(day!.counts).reduce((a, b) => a + b, 0)).toBe(7);
    expect(Object.keys(day!.channels!).sort()).toEqual(['sampling', 'window-qr']);
    expect(day!.channels!.sampling!.counts).toEqual({ 1: 0, 2: 1, 3: 0, 4: 0, 5: 1 });

    // The report: channel all sums both items, window-qr counts its own.
    const all = await report({ window: W.two, channel: 'all' });
    const qr = await report({ window: W.two, channel: 'window-qr' });
    expect(all.summary.n).toBe(7);
    expect(qr.summary.n).toBe(5);
    expect(Number(all.summary.counts!['5'])).toBe(Number(qr.summary.counts!['5']) + 1);

    // The comments feed's counters: per channel, from both items.
    const counts = await t.runtime.comments.counts([W.two], TODAY, TODAY);
    expect(counts.days).toEqual([{ windowCode: W.two, day: TODAY, channels: { 'window-qr': 2, sampling: 1 } }]);

    // The recount agrees with both items.
    expect(await recountTotals(deps, { from: TODAY, to: TODAY, windowCodes: [W.two], dryRun: true })).toMatchObject({ drifted: 0 });
  });
});

describe('a table still holding the old combined items (before 0018)', () => {
  const days = [addDays(TODAY, -2), addDays(TODAY, -1), TODAY] as const;
  const [preIssue4, yesterday] = days;

  it('reads the same numbers before the recount; the recount moves them into per-channel items, losing no rating sent meanwhile', async () => {
    // Prepare: ratings through the API (new layout), then the items put back as the old code left
    // them: yesterday and today one combined item `DAY#{day}` (c1 … c5 and the channel counters),
    // two days ago one from before issue 4 (c1 … c5 only).
    await rateOn(W.old, preIssue4, 3);
    await rateOn(W.old, yesterday, 4);
    await rateOn(W.old, TODAY, 6);
    const reference = await t.runtime.totals.windowDays(W.old, preIssue4, TODAY);
    const commentsReference = await t.runtime.comments.counts([W.old], preIssue4, TODAY);
    const reportReference = await report({ window: W.old });
    for (const item of await totalsItems(W.old)) {
      const day = String(item.day);
      const counters = countersOfItem(item);
      const old = day === preIssue4 ? Object.fromEntries(Object.entries(counters).filter(([name]) => /^c[1-5]$/.test(name))) : counters;
      await t.doc.send(new DeleteCommand({ TableName: t.tables.totals, Key: { pk: item.pk, sk: item.sk } }));
      await t.doc.send(new PutCommand({ TableName: t.tables.totals, Item: { ...keys.legacyWindowDayTotals(W.old, day), windowCode: W.old, day, ...old } }));
    }
    expect((await totalsItems(W.old)).map((item) => item.sk)).toEqual(days.map((day) => `DAY#${day}`));

    // Assess, before the recount: the same numbers everywhere (breakdowns too, but for the item
    // from before issue 4, which has none, as before).
    const legacyRead = await t.runtime.totals.windowDays(W.old, preIssue4, TODAY);
    expect(legacyRead.slice(1)).toEqual(reference.slice(1));
    expect(legacyRead[0]).toEqual({ windowCode: W.old, day: preIssue4, counts: reference[0]!.counts });
    expect(await t.runtime.comments.counts([W.old], preIssue4, TODAY)).toEqual({
      ...commentsReference,
      days: commentsReference.days.filter((day) => day.day !== preIssue4),
    });
    if (yesterday.startsWith(MONTH)) expect((await report({ window: W.old })).summary).toEqual(reportReference.summary);
    else expect((await report({ window: W.old })).summary.n).toBe(reportReference.summary.n);
    const dry = await recountTotals(deps, { from: preIssue4, to: TODAY, windowCodes: [W.old], dryRun: true });
    expect(dry).toMatchObject({ drifted: 3, migrated: 3, repaired: 0 });

    // Act: 40 ratings sent today while the window's days are recounted again and again.
    let sending = true;
    const sent = (async () => {
      await withConcurrency(
        Array.from({ length: 40 }, (_, i) => i),
        4,
        (i) => rate(W.old, i),
      );
      sending = false;
    })();
    const runs: (RecountSummary & { startedWhileSending: boolean })[] = [];
    while (sending || runs.length === 0) {
      const startedWhileSending = sending;
      runs.push({ ...(await recountTotals(deps, { from: preIssue4, to: TODAY, windowCodes: [W.old] })), startedWhileSending });
    }
    await sent;

    // Assess: migrated once, during the sending; no old item left; every item equals its raw ratings.
    expect(runs[0]).toMatchObject({ startedWhileSending: true, migrated: 3 });
    expect(runs.slice(1).every((run) => run.migrated === 0)).toBe(true);
    const items = await totalsItems(W.old);
    expect(items.map((item) => item.sk)).toEqual(days.map((day) => `DAY#${day}#window-qr`));
    for (const day of days) {
      const wanted = countersByChannel(await recountedCounters(deps, W.old, day));
      expect(countersOfItem(items.find((item) => item.day === day)), day).toEqual(wanted.get('window-qr'));
    }
    expect(await recountTotals(deps, { from: preIssue4, to: TODAY, windowCodes: [W.old], dryRun: true })).toMatchObject({ drifted: 0 });
    const after = await t.runtime.totals.windowDays(W.old, preIssue4, TODAY);
    expect(after.slice(0, 2)).toEqual(reference.slice(0, 2)); // two days ago: its breakdowns are back
    expect(Object.values(after[2]!.counts).reduce((a, b) => a + b, 0)).toBe(6 + 40);
    expect(await storedRatings(t.doc, t.tables.ops, W.old, TODAY)).toHaveLength(46);
  });

  it('cancels the migration when a rating lands between its read and its write, and reads the window-day again', async () => {
    // Prepare: one old combined item (today, 3 ratings), as the code before 0018 left it.
    await rateOn(W.race, TODAY, 3);
    const [item] = await totalsItems(W.race);
    await t.doc.send(new DeleteCommand({ TableName: t.tables.totals, Key: { pk: item!.pk, sk: item!.sk } }));
    await t.doc.send(new PutCommand({ TableName: t.tables.totals, Item: { ...keys.legacyWindowDayTotals(W.race, TODAY), windowCode: W.race, day: TODAY, ...countersOfItem(item) } }));
    // A rating committed right after the recount's first read of the totals (it writes the window-QR item).
    const maintenance = createTotalsMaintenance(t.doc, t.tables.totals);
    let reads = 0;
    const racing: RecountDeps = {
      ...deps,
      totals: {
        ...maintenance,
        read: async (windowCode, day) => {
          const read = await maintenance.read(windowCode, day);
          if (reads++ === 0) await rate(W.race, 7);
          return read;
        },
      },
    };

    // Act
    const summary = await recountTotals(racing, { from: TODAY, to: TODAY, windowCodes: [W.race] });

    // Assess: the first attempt was cancelled, the second migrated all four ratings.
    expect(summary).toMatchObject({ retries: 1, migrated: 1, repaired: 1 });
    const items = await totalsItems(W.race);
    expect(items.map((each) => each.sk)).toEqual([`DAY#${TODAY}#window-qr`]);
    expect(countersOfItem(items[0])).toEqual(await recountedCounters(deps, W.race, TODAY));
    expect(Object.values((await t.runtime.totals.windowDays(W.race, TODAY, TODAY))[0]!.counts).reduce((a, b) => a + b, 0)).toBe(4);
  });
});
