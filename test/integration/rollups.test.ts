import { DeleteCommand, PutCommand, ScanCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { keys } from '../../functions/src/data/keys.js';
import { expectedRollups, isRollupKey } from '../../functions/src/data/rollups/rollup-layout.js';
import { createRollupMaintenance, type RollupStore } from '../../functions/src/data/rollups/rollups.js';
import { totalsChangeOf } from '../../functions/src/data/rollups/stream-records.js';
import { windowDayCountersAdd, windowDayTotalsUpdate } from '../../functions/src/data/totals.js';
import { countersOfItem, type Counters } from '../../functions/src/data/window-day-counters.js';
import { applyTotalsChanges, type RollupRun } from '../../functions/src/use-cases/rollups/apply-totals-changes.js';
import { recountRollups } from '../../functions/src/use-cases/rollups/recount-rollups.js';
import { createGateway } from '../../infra/local/gateway.js';
import { seedWriter } from '../../infra/local/seed.js';
import { createStreamPoller } from '../../infra/local/stream-poller.js';
import type { RatingLevel } from '../../shared/src/domain/rating-level.js';
import { NATIONAL_SURVEY } from '../../shared/src/domain/national-survey.js';
import { isolatedTables, type IsolatedTables } from '../support/isolated-tables.js';
import { HALL_ID, putDirectory, rateOnDay, STAFF_ID, UNIT_ID } from './fixtures.js';

/**
 * Rollups from the totals table's stream (decision 0031), on DynamoDB Local and its stream, read by
 * the same poller `npm start` runs: whatever the ratings, crashes and redeliveries, every rollup
 * item equals the sum of the window-day items it covers, and no change is applied twice.
 */

const endpoint = inject('dynamoEndpoint');
const gateway = createGateway();
let t: IsolatedTables;
const OTHER_UNIT = 'it-unit-2';
const WINDOWS = { a: 'rlpa0001', b: 'rlpa0002', c: 'rlpb0001' } as const;
const UNIT_OF: Record<string, string> = { [WINDOWS.a]: UNIT_ID, [WINDOWS.b]: UNIT_ID, [WINDOWS.c]: OTHER_UNIT };
const DAYS = ['2026-10-30', '2026-10-31', '2026-11-01', '2026-11-02'];

beforeAll(async () => {
  t = await isolatedTables(endpoint);
  t.install();
  await putDirectory(t.runtime, [WINDOWS.a, WINDOWS.b]);
  const writer = seedWriter(t.runtime);
  await writer.putUnit({ id: OTHER_UNIT, name: '测试县第二中心', parentId: UNIT_ID, path: [UNIT_ID, OTHER_UNIT] });
  await writer.putWindow({
    code: WINDOWS.c,
    unitId: OTHER_UNIT,
    hallId: HALL_ID,
    name: '窗口 C',
    active: true,
    staffOnDutyIds: [STAFF_ID],
    surveyId: NATIONAL_SURVEY.surveyId,
    surveyVersion: NATIONAL_SURVEY.version,
  });
}, 120_000);
afterAll(() => t?.close());

/** Every item of the totals table, split into window-day items and rollups (counters only). */
async function totalsTable() {
  const items: Record<string, unknown>[] = [];
  let ExclusiveStartKey: Record<string, unknown> | undefined;
  do {
    const page = await t.doc.send(new ScanCommand({ TableName: t.tables.totals, ConsistentRead: true, ExclusiveStartKey }));
    items.push(...(page.Items ?? []));
    ExclusiveStartKey = page.LastEvaluatedKey;
  } while (ExclusiveStartKey);
  const rollups = new Map<string, Counters>();
  for (const item of items) {
    const key = { pk: String(item.pk), sk: String(item.sk) };
    if (!isRollupKey(key)) continue;
    const counters = countersOfItem(item);
    if (Object.keys(counters).length > 0) rollups.set(`${key.pk}\u0000${key.sk}`, counters);
  }
  return { items, rollups };
}

/** The assertion of the issue: each rollup equals the sum of the window-day items it covers. */
async function expectRollupsEqualSums(): Promise<number> {
  const { items, rollups } = await totalsTable();
  const expected = expectedRollups(items, (code) => UNIT_OF[code] ?? 'unknown');
  expect(Object.fromEntries(rollups)).toEqual(Object.fromEntries(expected));
  return expected.size;
}

const rateAt = (windowCode: string, day: string, level: RatingLevel, extra: Record<string, unknown> = {}) => rateOnDay(gateway, t.runtime, { windowCode, day, level, extra });

/** A rollup store that fails after `budget` writes, before or after making the one that fails. */
function crashing(store: RollupStore, budget: { writes: number; after: boolean }): RollupStore {
  return {
    async apply(write) {
      if (budget.writes <= 0) {
        if (budget.after) await store.apply(write);
        throw new Error('consumer killed');
      }
      budget.writes -= 1;
      return store.apply(write);
    },
  };
}

describe('rollups from the totals stream (decision 0031)', () => {
  it('keeps window-month, unit-month and unit-day rollups equal to the window-day items they cover', async () => {
    // Prepare: ratings of three windows in two units over four days across a month's end.
    for (const [i, day] of DAYS.entries()) {
      await rateAt(WINDOWS.a, day, 5, { staffId: STAFF_ID });
      await rateAt(WINDOWS.b, day, ((i % 5) + 1) as RatingLevel, { comment: '办事很快' });
      await rateAt(WINDOWS.c, day, 2, { staffId: STAFF_ID });
    }

    // Act
    const applied = await t.rollups.drain();

    // Assess
    expect(applied).toBeGreaterThanOrEqual(12);
    const { rollups } = await totalsTable();
    const october = rollups.get(`${keys.unitMonthTotals(UNIT_ID, '2026-10', 'window-qr').pk}\u0000${keys.unitMonthTotals(UNIT_ID, '2026-10', 'window-qr').sk}`)!;
    // Two days × windows a (5) and b (levels 1 and 2): c5 2, c1 1, c2 1.
    expect(october).toMatchObject({ c5: 2, c1: 1, c2: 1, 'window-qr|c|5': 2, 'window-qr|cm|n': 2 });
    // A unit's rollups keep no per-staff counters: its rows never list staff.
    expect(Object.keys(october).some((name) => name.includes('|sv|'))).toBe(false);
    const windowMonth = rollups.get(`${keys.windowMonthTotals(WINDOWS.c, '2026-11', 'window-qr').pk}\u0000${keys.windowMonthTotals(WINDOWS.c, '2026-11', 'window-qr').sk}`)!;
    expect(windowMonth).toMatchObject({ c2: 2, [`window-qr|sv|${STAFF_ID}|2`]: 2 });
    expect(await expectRollupsEqualSums()).toBeGreaterThanOrEqual(3 * 2 + 2 * 2 + 4 * 2);
  });

  it('follows every kind of change: a step that takes counters back, a recount that replaces or deletes an item', async () => {
    // Prepare: a case step's ADD (some negative), a recount's Put over an item and its Delete of another.
    const day = DAYS[0]!;
    const step = windowDayCountersAdd(t.tables.totals, { windowCode: WINDOWS.a, day, channel: 'window-qr' }, { 'window-qr|cs|opened': 2, 'window-qr|c|5': -1, c5: -1 })!;
    await t.doc.send(new UpdateCommand(step));
    const replaced = keys.windowDayTotals(WINDOWS.b, day, 'window-qr');
    await t.doc.send(new PutCommand({ TableName: t.tables.totals, Item: { ...replaced, windowCode: WINDOWS.b, day, channel: 'window-qr', c4: 7, 'window-qr|c|4': 7 } }));
    await t.doc.send(new DeleteCommand({ TableName: t.tables.totals, Key: keys.windowDayTotals(WINDOWS.c, DAYS[3]!, 'window-qr') }));

    // Act
    await t.rollups.drain();

    // Assess
    await expectRollupsEqualSums();
    const { rollups } = await totalsTable();
    const unitDay = rollups.get(`${keys.unitDayTotals(OTHER_UNIT, DAYS[3]!, 'window-qr').pk}\u0000${keys.unitDayTotals(OTHER_UNIT, DAYS[3]!, 'window-qr').sk}`);
    expect(unitDay).toBeUndefined();
  });

  it('applies nothing twice when the consumer is killed mid-batch, restarted, and handed the whole stream again', async () => {
    // Prepare: more ratings, and a second consumer that starts from the oldest record (a full redelivery) and dies.
    for (const day of DAYS) await rateAt(WINDOWS.c, day, 4);
    const budget = { writes: 5, after: true };
    const runs: RollupRun[] = [];
    const dying = createStreamPoller({
      endpoint,
      table: t.tables.totals,
      batchSize: 7,
      apply: async (records) => {
        const run = await applyTotalsChanges({ ...t.runtime, rollups: crashing(t.runtime.rollups, budget) }, records.map(totalsChangeOf));
        runs.push(run);
        return run;
      },
    });

    // Act: killed three times at different points (once right after a write, twice before one), then left to finish.
    await expect(dying.poll()).rejects.toThrow('consumer killed');
    Object.assign(budget, { writes: 3, after: false });
    await expect(dying.poll()).rejects.toThrow('consumer killed');
    Object.assign(budget, { writes: 11, after: false });
    await expect(dying.poll()).rejects.toThrow('consumer killed');
    Object.assign(budget, { writes: Number.MAX_SAFE_INTEGER });
    await dying.drain();
    // The first consumer catches up on the same records: every write finds them taken.
    const before = await totalsTable();
    await t.rollups.drain();

    // Assess
    await expectRollupsEqualSums();
    expect((await totalsTable()).rollups).toEqual(before.rollups);
    // The redelivered part of the stream was recognised, not added again.
    expect(runs.reduce((sum, run) => sum + run.already, 0)).toBeGreaterThan(0);
    await dying.stop();
  });

  it('holds for random ratings, steps and recounts under random crashes and redeliveries (property, fixed seed)', async () => {
    const windows = Object.values(WINDOWS);
    const change = fc.oneof(
      fc.record({ kind: fc.constant('rate' as const), window: fc.constantFrom(...windows), day: fc.constantFrom(...DAYS), level: fc.integer({ min: 1, max: 5 }), item: fc.constantFrom('', '社保卡补办', '不动产|登记') }),
      fc.record({ kind: fc.constant('step' as const), window: fc.constantFrom(...windows), day: fc.constantFrom(...DAYS), by: fc.integer({ min: -2, max: 2 }) }),
      fc.record({ kind: fc.constant('recount' as const), window: fc.constantFrom(...windows), day: fc.constantFrom(...DAYS), c3: fc.integer({ min: 0, max: 4 }) }),
    );
    const fault = fc.record({ writes: fc.integer({ min: 0, max: 12 }), after: fc.boolean(), rewind: fc.boolean() });
    await fc.assert(
      fc.asyncProperty(fc.array(change, { minLength: 1, maxLength: 25 }), fc.array(fault, { maxLength: 4 }), async (changes, faults) => {
        for (const c of changes) {
          if (c.kind === 'rate') {
            const rating = { windowCode: c.window, day: c.day, level: c.level as RatingLevel, channel: 'window-qr' as const, ...(c.item ? { serviceItem: c.item } : {}) };
            await t.doc.send(new UpdateCommand(windowDayTotalsUpdate(t.tables.totals, rating)));
          } else if (c.kind === 'step') {
            const add = windowDayCountersAdd(t.tables.totals, { windowCode: c.window, day: c.day, channel: 'window-qr' }, { 'window-qr|cs|handled': c.by });
            if (add) await t.doc.send(new UpdateCommand(add)).catch(() => undefined); // no item yet: nothing to step
          } else if (c.c3 === 0) {
            await t.doc.send(new DeleteCommand({ TableName: t.tables.totals, Key: keys.windowDayTotals(c.window, c.day, 'window-qr') }));
          } else {
            await t.doc.send(new PutCommand({ TableName: t.tables.totals, Item: { ...keys.windowDayTotals(c.window, c.day, 'window-qr'), windowCode: c.window, day: c.day, channel: 'window-qr', c3: c.c3, 'window-qr|c|3': c.c3 } }));
          }
        }
        const budget = { writes: 0, after: false };
        const consumer = createStreamPoller({
          endpoint,
          table: t.tables.totals,
          batchSize: 5,
          apply: (records) => applyTotalsChanges({ ...t.runtime, rollups: crashing(t.runtime.rollups, budget) }, records.map(totalsChangeOf)),
        });
        try {
          // The first pass may meet the shard's whole history again: it is a redelivery too.
          for (const f of faults) {
            Object.assign(budget, { writes: f.writes, after: f.after });
            await consumer.poll().catch((error: Error) => expect(error.message).toBe('consumer killed'));
            if (f.rewind) consumer.rewind();
          }
          budget.writes = Number.MAX_SAFE_INTEGER;
          await consumer.drain();
        } finally {
          await consumer.stop();
        }
        await expectRollupsEqualSums();
      }),
      { seed: 20261207, numRuns: 12 },
    );
  }, 300_000);
});

describe('npm run recount checks and repairs the rollups (decision 0031)', () => {
  const maintenance = () => createRollupMaintenance(t.doc, t.tables.totals);
  const deps = () => ({ units: t.runtime.units, windows: t.runtime.windows, rollups: maintenance() });
  const months = { fromMonth: '2026-10', toMonth: '2026-11' };
  const unitMonth = keys.unitMonthTotals(UNIT_ID, '2026-10', 'window-qr');

  it('finds nothing to repair when the rollups add up', async () => {
    await t.rollups.drain();
    const summary = await recountRollups(deps(), { windowCodes: Object.values(WINDOWS), ...months, settleMs: 10 });
    expect(summary).toMatchObject({ units: 2, drifted: 0, repaired: 0, busy: 0 });
    expect(summary.itemsChecked).toBeGreaterThan(10);
  });

  it('reports drift on a dry run and repairs it otherwise, after it stayed put, leaving every rollup equal to its sum', async () => {
    // Prepare: a rollup drifted (a dead-lettered batch, say) and another missing altogether.
    await t.doc.send(new UpdateCommand({ TableName: t.tables.totals, Key: unitMonth, UpdateExpression: 'ADD c5 :three, #x :one', ExpressionAttributeNames: { '#x': 'window-qr|rs|RUDE' }, ExpressionAttributeValues: { ':three': 3, ':one': 1 } }));
    const missing = keys.windowMonthTotals(WINDOWS.c, '2026-11', 'window-qr');
    await t.doc.send(new DeleteCommand({ TableName: t.tables.totals, Key: missing }));
    const seen: string[] = [];

    // Act
    const dry = await recountRollups(deps(), { windowCodes: [WINDOWS.a, WINDOWS.c], ...months, dryRun: true, onDrift: (drift) => seen.push(`${drift.outcome} ${drift.sk}`) });
    const fixed = await recountRollups(deps(), { windowCodes: [WINDOWS.a, WINDOWS.c], ...months, settleMs: 50 });

    // Assess
    expect(dry).toMatchObject({ drifted: 2, repaired: 0 });
    expect(seen.sort()).toEqual(['found MONTH#2026-10#window-qr', 'found MONTH#2026-11#window-qr']);
    expect(fixed).toMatchObject({ drifted: 2, repaired: 2, busy: 0 });
    await expectRollupsEqualSums();
    // Repaired in place: the consumer's markers are untouched, so a redelivery still adds nothing.
    const rewound = createStreamPoller({ endpoint, table: t.tables.totals, apply: (records) => applyTotalsChanges(t.runtime, records.map(totalsChangeOf)) });
    await rewound.drain();
    await rewound.stop();
    await expectRollupsEqualSums();
  });

  it('leaves drift that is still moving — a change in flight on the stream — and says so', async () => {
    // Prepare: drift, and a rating's counters landing between the two reads of the check (the consumer not yet run).
    await t.doc.send(new UpdateCommand({ TableName: t.tables.totals, Key: unitMonth, UpdateExpression: 'ADD c1 :one', ExpressionAttributeValues: { ':one': 1 } }));
    const inner = maintenance();
    let reads = 0;
    const racing = {
      ...inner,
      async readUnit(...args: Parameters<typeof inner.readUnit>) {
        const items = await inner.readUnit(...args);
        if (reads++ === 0) await t.doc.send(new UpdateCommand(windowDayTotalsUpdate(t.tables.totals, { windowCode: WINDOWS.a, day: DAYS[0]!, level: 4, channel: 'window-qr' })));
        return items;
      },
    };
    const before = (await totalsTable()).rollups.get(`${unitMonth.pk}\u0000${unitMonth.sk}`);

    // Act
    const summary = await recountRollups({ ...deps(), rollups: racing }, { windowCodes: [WINDOWS.a], ...months, settleMs: 10 });

    // Assess: nothing corrected; once the consumer has run, only the planted drift remains, and a second recount repairs it.
    expect(summary.repaired).toBe(0);
    expect(summary.busy).toBeGreaterThan(0);
    expect((await totalsTable()).rollups.get(`${unitMonth.pk}\u0000${unitMonth.sk}`)).toEqual(before);
    await t.rollups.drain();
    expect(await recountRollups(deps(), { windowCodes: [WINDOWS.a], ...months, settleMs: 10 })).toMatchObject({ repaired: 1, busy: 0 });
    await expectRollupsEqualSums();
  });
});
