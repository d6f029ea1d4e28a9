import { randomUUID } from 'node:crypto';
import { DeleteCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { keys } from '../../functions/src/data/keys.js';
import { createTotalsMaintenance, type DimensionTotals, type WindowDayTotals } from '../../functions/src/data/totals.js';
import { recountTotals, type RecountDeps, type WindowDayDrift } from '../../functions/src/use-cases/recount-totals.js';
import { createGateway } from '../../infra/local/gateway.js';
import { DEFAULT_RECOUNT_DAYS, parseRecountArgs } from '../../infra/local/recount.js';
import { addDays, chinaDay } from '../../shared/src/domain/china-time.js';
import { BAD_RATING_REASON_CODES } from '../../shared/src/domain/national-survey.js';
import { pinnedClock } from '../support/clock.js';
import { isolatedTables, type IsolatedTables } from '../support/isolated-tables.js';
import { HALL_ID, mulberry32, postRating, putDirectory, queryPartition, storedRatings, STAFF_ID, UNIT_ID, withConcurrency } from './fixtures.js';
import { seedWriter } from '../../infra/local/seed.js';

/**
 * Breakdowns in the running totals (issue 4) and `npm run recount`: every counter of a window-day
 * (per channel, staff, service item, 差评 reason) equals a recount of its raw ratings (invariant 2),
 * and the recount finds and repairs drift, also while ratings keep arriving.
 */

const endpoint = inject('dynamoEndpoint');
const gateway = createGateway();
let t: IsolatedTables;
let deps: RecountDeps;

const ITEMS = ['社保卡补办', '个体工商户登记', '不动产|抵押登记'];
const STAFF_2 = 'it-staff-2';
const W = { items: 'items001', a: 'prop0001', b: 'prop0002', c: 'prop0003', drift: 'drift001', live: 'live0001' } as const;
/** Staff on duty per window: none, one, two. */
const ON_DUTY: Record<string, string[]> = { [W.a]: [], [W.b]: [STAFF_ID], [W.c]: [STAFF_ID, STAFF_2] };
/** The runtime's clock (a test that rates on other days sets its own, then puts this one back): TODAY is its day, whatever the wall clock does. */
const clock = pinnedClock();
const TODAY = chinaDay(clock());
const DAYS = [addDays(TODAY, -2), addDays(TODAY, -1), TODAY];

function atNoon(day: string): Date {
  return new Date(`${day}T04:00:00Z`); // 12:00 in China
}

beforeAll(async () => {
  t = await isolatedTables(endpoint, { now: clock });
  t.install();
  await putDirectory(t.runtime, Object.values(W));
  await t.runtime.staff.put({ id: STAFF_2, unitId: UNIT_ID, staffNo: 'T0002', name: '李强', post: '综合受理员', duties: '一窗受理', pledge: '限时办结。', partyMember: false });
  for (const code of Object.values(W)) {
    const window = (await t.runtime.windows.get(code))!;
    await seedWriter(t.runtime).putWindow({
      ...window,
      hallId: HALL_ID,
      staffOnDutyIds: ON_DUTY[code] ?? [STAFF_ID],
      serviceItems: ITEMS.map((name, i) => ({ code: `S${i}`, name })),
    });
  }
  deps = { units: t.runtime.units, windows: t.runtime.windows, ratings: t.runtime.ratings, cases: t.runtime.cases, totals: createTotalsMaintenance(t.doc, t.tables.totals) };
});

afterAll(() => t?.close());

async function totalsItem(code: string, day: string): Promise<Record<string, unknown> | undefined> {
  const { pk, sk } = keys.windowDayTotals(code, day, 'window-qr');
  return (await queryPartition(t.doc, t.tables.totals, pk)).find((item) => item.sk === sk);
}

const levels = () => ({ 1: 0, 2: 0, 3: 0, 4: 0, 5: 0 });

describe('a rating with a service item', () => {
  it('is refused with 400 naming serviceItem when the window has no such item, and nothing is stored', async () => {
    const reply = await postRating(gateway, { windowCode: W.items, level: 4, serviceItem: '结婚登记' }, { 'idempotency-key': randomUUID() });

    expect(reply.status).toBe(400);
    expect(reply.json.error.issues.map((i: { field: string }) => i.field)).toEqual(['serviceItem']);
    expect(await storedRatings(t.doc, t.tables.ops, W.items, TODAY)).toEqual([]);
    expect(await totalsItem(W.items, TODAY)).toBeUndefined();
  });

  it('is stored with the item and counted per channel, named staff member, item and reason in the same totals item', async () => {
    const key = randomUUID();
    const body = { windowCode: W.items, level: 2, serviceItem: ITEMS[0], reasons: ['RUDE', 'SLOW'], staffId: STAFF_ID };

    const reply = await postRating(gateway, body, { 'idempotency-key': key });
    const other = await postRating(gateway, { ...body, serviceItem: ITEMS[1] }, { 'idempotency-key': key });

    expect(reply.status).toBe(201);
    expect(other.status).toBe(422); // the item is part of the request's fingerprint
    const [rating] = await storedRatings(t.doc, t.tables.ops, W.items, TODAY);
    expect(rating).toMatchObject({ serviceItem: ITEMS[0], level: 2, servedBy: STAFF_ID });
    const item = await totalsItem(W.items, TODAY);
    expect(item).toMatchObject({
      c2: 1,
      'window-qr|c|2': 1,
      'window-qr|at|2': 1,
      [`window-qr|sv|${STAFF_ID}|2`]: 1,
      [`window-qr|si|${ITEMS[0]}|2`]: 1,
      'window-qr|rs|RUDE': 1,
      'window-qr|rs|SLOW': 1,
    });
    const [day] = await t.runtime.totals.windowDays(W.items, TODAY, TODAY);
    expect(day!.channels?.['window-qr']).toEqual({
      counts: { ...levels(), 2: 1 },
      attributed: { ...levels(), 2: 1 },
      staff: { [STAFF_ID]: { ...levels(), 2: 1 } },
      serviceItems: { [ITEMS[0]!]: { ...levels(), 2: 1 } },
      reasons: { RUDE: 1, SLOW: 1 },
      suspect: levels(),
      // The 差评 opened its case in the same transaction (差评整改, issue 15 §4).
      cases: { opened: 1 },
    });
  });
});

describe('running totals with breakdowns', () => {
  it('equal an independent count of 450 random ratings over 3 windows and 3 days (fixed seed), and the recount finds no drift', async () => {
    // Prepare: what the test itself expects, counted from the bodies it sends.
    const random = mulberry32(20261122);
    const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)]!;
    const expected = new Map<string, DimensionTotals>();
    const windows = [W.a, W.b, W.c];

    // Act: each day's ratings are sent 8 at a time with the clock on that day.
    for (const day of DAYS) {
      t.runtime.now = () => atNoon(day);
      const bodies = Array.from({ length: 150 }, () => {
        const level = pick([1, 2, 3, 4, 5] as const);
        const body: Record<string, unknown> = { windowCode: pick(windows), level };
        if (random() < 0.6) body.serviceItem = pick(ITEMS);
        // Some residents name one of those on duty; the rest leave 不确定.
        const onDuty = ON_DUTY[body.windowCode as string]!;
        if (onDuty.length > 0 && random() < 0.5) body.staffId = pick(onDuty);
        if (level <= 2 && random() < 0.8) body.reasons = BAD_RATING_REASON_CODES.filter(() => random() < 0.3);
        return body;
      });
      const replies = await withConcurrency(bodies, 8, (body) => postRating(gateway, body, { 'idempotency-key': randomUUID() }));
      expect(replies.map((r) => r.status)).toEqual(bodies.map(() => 201));
      for (const body of bodies) {
        const key = `${body.windowCode}|${day}`;
        const totals: DimensionTotals = expected.get(key) ?? { counts: levels(), attributed: levels(), staff: {}, serviceItems: {}, reasons: {}, suspect: levels(), cases: {} };
        const level = body.level as 1 | 2 | 3 | 4 | 5;
        totals.counts[level]++;
        // A 差评 opens its case in its transaction: counted as opened on the same item (差评整改, issue 15 §4).
        if (level <= 2) totals.cases.opened = (totals.cases.opened ?? 0) + 1;
        if (typeof body.staffId === 'string') {
          totals.attributed[level]++;
          (totals.staff[body.staffId] ??= levels())[level]++;
        }
        (totals.serviceItems[(body.serviceItem as string | undefined) ?? ''] ??= levels())[level]++;
        for (const reason of (body.reasons as string[] | undefined) ?? []) totals.reasons[reason] = (totals.reasons[reason] ?? 0) + 1;
        expected.set(key, totals);
      }
    }
    t.runtime.now = clock;

    // Assess: one Query per window, at most windows × days items read.
    const read = await t.runtime.totals.windowsDays(windows, DAYS[0]!, DAYS[2]!, { concurrency: 2 });
    expect(read.itemsRead).toBe(expected.size);
    expect(read.itemsRead).toBeLessThanOrEqual(windows.length * DAYS.length);
    const actual = new Map(read.days.map((d: WindowDayTotals) => [`${d.windowCode}|${d.day}`, d]));
    expect(new Set(actual.keys())).toEqual(new Set(expected.keys()));
    for (const [key, totals] of expected) {
      expect(actual.get(key)!.counts, key).toEqual(totals.counts);
      expect(actual.get(key)!.channels, key).toEqual({ 'window-qr': totals });
    }
    const drift: WindowDayDrift[] = [];
    const summary = await recountTotals(deps, { from: DAYS[0]!, to: DAYS[2]!, windowCodes: windows, dryRun: true, onDrift: (d) => drift.push(d) });
    expect(drift).toEqual([]);
    expect(summary).toMatchObject({ windows: 3, windowDaysChecked: 9, drifted: 0, repaired: 0 });
  });
});

describe('recountTotals (npm run recount)', () => {
  async function rate(code: string, day: string, count: number): Promise<void> {
    t.runtime.now = () => atNoon(day);
    for (let i = 0; i < count; i++) {
      const body = {
        windowCode: code,
        level: (i % 5) + 1,
        ...(i % 3 ? { serviceItem: ITEMS[i % 3] } : {}),
        ...(i % 5 < 2 ? { reasons: ['SLOW'] } : {}),
        ...(i % 2 === 0 ? { staffId: STAFF_ID } : {}),
      };
      expect((await postRating(gateway, body, { 'idempotency-key': randomUUID() })).status).toBe(201);
    }
    t.runtime.now = clock;
  }

  it('reports wrong, missing, stale and orphan totals, repairs them, and a second run finds none', async () => {
    // Prepare: four days of ratings, then drift of each kind.
    for (const day of DAYS) await rate(W.drift, day, 7);
    const orphanDay = addDays(TODAY, -3);
    const before = await Promise.all(DAYS.map((day) => totalsItem(W.drift, day)));
    const [wrongDay, missingDay, staleDay] = DAYS as [string, string, string];
    await t.doc.send(
      new UpdateCommand({
        TableName: t.tables.totals,
        Key: keys.windowDayTotals(W.drift, wrongDay, 'window-qr'),
        UpdateExpression: 'ADD c5 :three, #st :one',
        ExpressionAttributeNames: { '#st': `window-qr|sv|${STAFF_ID}|1` },
        ExpressionAttributeValues: { ':three': 3, ':one': 1 },
      }),
    );
    await t.doc.send(new DeleteCommand({ TableName: t.tables.totals, Key: keys.windowDayTotals(W.drift, missingDay, 'window-qr') }));
    // Stale: an item from before issue 4 (the legacy combined key, c1 … c5 only) instead of the channel's.
    const stale = before[2]!;
    await t.doc.send(new DeleteCommand({ TableName: t.tables.totals, Key: keys.windowDayTotals(W.drift, staleDay, 'window-qr') }));
    await t.doc.send(
      new PutCommand({
        TableName: t.tables.totals,
        Item: { ...keys.legacyWindowDayTotals(W.drift, staleDay), windowCode: W.drift, day: staleDay, c1: stale.c1, c2: stale.c2, c3: stale.c3, c4: stale.c4, c5: stale.c5 },
      }),
    );
    await t.doc.send(new PutCommand({ TableName: t.tables.totals, Item: { ...keys.legacyWindowDayTotals(W.drift, orphanDay), windowCode: W.drift, day: orphanDay, c4: 2 } }));
    const range = { from: addDays(TODAY, -10), to: TODAY };

    // Act: a dry run, a repairing run over every window (listed by org tree), a second run.
    const dry: WindowDayDrift[] = [];
    const dryRun = await recountTotals(deps, { ...range, dryRun: true, onDrift: (d) => dry.push(d) });
    const afterDryRun = await Promise.all(DAYS.map((day) => totalsItem(W.drift, day)));
    const repairs: WindowDayDrift[] = [];
    const repair = await recountTotals(deps, { ...range, onDrift: (d) => repairs.push(d) });
    const second = await recountTotals(deps, { ...range, dryRun: true });

    // Assess
    expect(dryRun).toMatchObject({ windows: Object.keys(W).length, windowDaysChecked: Object.keys(W).length * 11, drifted: 4, repaired: 0 });
    expect(dry.map((d) => d.day).sort()).toEqual([orphanDay, ...DAYS].sort());
    expect(dry.every((d) => d.windowCode === W.drift && !d.repaired)).toBe(true);
    expect(dry.find((d) => d.day === wrongDay)!.counters).toEqual([
      { name: 'c5', stored: Number(before[0]!.c5) + 3, recounted: Number(before[0]!.c5) },
      { name: `window-qr|sv|${STAFF_ID}|1`, stored: Number(before[0]![`window-qr|sv|${STAFF_ID}|1`]) + 1, recounted: Number(before[0]![`window-qr|sv|${STAFF_ID}|1`]) },
    ]);
    expect(dry.find((d) => d.day === staleDay)!.counters.every((c) => c.stored === 0 && c.name.startsWith('window-qr|'))).toBe(true);
    expect(dry.filter((d) => d.migrated).map((d) => d.day).sort()).toEqual([orphanDay, staleDay].sort());
    expect(afterDryRun[1]).toBeUndefined(); // the dry run wrote nothing
    expect(repair).toMatchObject({ drifted: 4, repaired: 4 });
    expect(repairs.every((d) => d.repaired)).toBe(true);
    expect(second).toMatchObject({ drifted: 0, repaired: 0 });
    for (const [i, day] of DAYS.entries()) expect(await totalsItem(W.drift, day), day).toEqual(before[i]);
    expect(await totalsItem(W.drift, orphanDay)).toBeUndefined();
    const legacyKeys = [staleDay, orphanDay].map((day) => keys.legacyWindowDayTotals(W.drift, day).sk);
    expect((await queryPartition(t.doc, t.tables.totals, keys.windowTotalsPartition(W.drift))).filter((item) => legacyKeys.includes(String(item.sk)))).toEqual([]);
  });

  it('loses no rating that arrives while it repairs (the repair is conditional on unchanged totals)', async () => {
    // Prepare: a drifted window-day that keeps receiving ratings during the repair.
    await rate(W.live, TODAY, 5);
    await t.doc.send(
      new UpdateCommand({
        TableName: t.tables.totals,
        Key: keys.windowDayTotals(W.live, TODAY, 'window-qr'),
        UpdateExpression: 'ADD c3 :ten',
        ExpressionAttributeValues: { ':ten': 10 },
      }),
    );

    // Act: 60 ratings sent while the same window-day is recounted again and again.
    let sending = true;
    const sent = (async () => {
      const bodies = Array.from({ length: 60 }, (_, i) => ({ windowCode: W.live, level: (i % 5) + 1, serviceItem: ITEMS[i % 3] }));
      await withConcurrency(bodies, 4, async (body) => expect((await postRating(gateway, body, { 'idempotency-key': randomUUID() })).status).toBe(201));
      sending = false;
    })();
    let runs = 0;
    let repaired = 0;
    while (sending || runs === 0) {
      repaired += (await recountTotals(deps, { from: TODAY, to: TODAY, windowCodes: [W.live] })).repaired;
      runs++;
    }
    await sent;
    const final = await recountTotals(deps, { from: TODAY, to: TODAY, windowCodes: [W.live], dryRun: true });

    // Assess
    expect(repaired).toBeGreaterThanOrEqual(1);
    expect(final.drifted).toBe(0);
    const [day] = await t.runtime.totals.windowDays(W.live, TODAY, TODAY);
    expect(Object.values(day!.counts).reduce((a, b) => a + b, 0)).toBe(65);
    expect((await storedRatings(t.doc, t.tables.ops, W.live, TODAY)).length).toBe(65);
  });
});

describe('parseRecountArgs', () => {
  it('defaults to the last 400 China-time days and refuses a bad day or an inverted range', () => {
    const now = new Date('2026-03-01T16:30:00Z'); // 2026-03-02 in China
    expect(parseRecountArgs([], now)).toEqual({ from: addDays('2026-03-02', -(DEFAULT_RECOUNT_DAYS - 1)), to: '2026-03-02', windowCodes: [], dryRun: false });
    expect(parseRecountArgs(['--from', '2026-01-01', '--to', '2026-01-31', '--window', 'a1b2', '--window', 'c3d4', '--dry-run'], now)).toEqual({
      from: '2026-01-01',
      to: '2026-01-31',
      windowCodes: ['a1b2', 'c3d4'],
      dryRun: true,
    });
    expect(() => parseRecountArgs(['--from', '2026-02-30'], now)).toThrow(/--from/);
    expect(() => parseRecountArgs(['--from', '2026-02-02', '--to', '2026-02-01'], now)).toThrow(/after/);
  });
});
