import { TransactWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { QueryCommand as RawQueryCommand } from '@aws-sdk/client-dynamodb';
import { TransactionCanceledException, type AttributeValue } from '@aws-sdk/client-dynamodb';
import type { LevelCounts } from '#shared/domain/level-counts.js';
import { keys } from './keys.js';
import { batchGetItems, type ItemKey } from './batch-get.js';
import { windowDaysQuery } from './window-days-query.js';
import type { TransactItem } from './client.js';
import {
  compareCounters,
  countersByChannel,
  countersOfItem,
  guardCounterNames,
  mergeItemTotals,
  RATING_CHANNELS,
  ratingCounterNames,
  totalsOfItem,
  type CountedRating,
  type Counters,
  type DimensionTotals,
  type ItemTotals,
  type RatingChannel,
  caseCounterValues,
} from './window-day-counters.js';

export { RATING_CHANNELS, type CountedRating, type DimensionTotals, type RatingChannel } from './window-day-counters.js';

/**
 * Running totals of one window on one China-time day: count per level (c1 … c5), all channels. Read
 * from a rollup (decision 0031), the same shape stands for a window's month (`day` = its first day)
 * or a unit's own windows over a day or a month (`unitId` set, `windowCode` = `unit:{unitId}`).
 */
export interface WindowDayTotals {
  windowCode: string;
  unitId?: string;
  day: string;
  /** All channels: the sum of the window-day's items (one per channel, and a legacy one not yet migrated). */
  counts: LevelCounts;
  /** Per channel, with breakdowns; absent for totals written before issue 4 (npm run recount fills them). */
  channels?: Partial<Record<RatingChannel, DimensionTotals>>;
  /** 申诉成立: the part of the above whose appeal was upheld (window-day-counters.ts, `ap:`); absent when none. */
  upheld?: Omit<ItemTotals, 'upheld'>;
}

/**
 * The Update of a rating transaction: one ADD per counter of the rating (see
 * window-day-counters.ts for the layout), all in one UpdateExpression, on the one item of the
 * rating's window, day and channel. ADD is commutative, so concurrent ratings never lose a count.
 * Never the legacy combined item (`DAY#{day}`): once this is deployed, that item stops changing.
 */
export function windowDayTotalsUpdate(table: string, rating: CountedRating & { windowCode: string; day: string }, opensCase?: { named: boolean }) {
  const names: Record<string, string> = { '#day': 'day' };
  // A 差评 opens its case in the same transaction: `opened` (and `named`) of 差评整改 on the same item.
  const counted = [...ratingCounterNames(rating), ...(opensCase ? Object.keys(caseCounterValues(rating.channel, { opened: 1, named: opensCase.named ? 1 : 0 })) : [])];
  const adds = counted.map((name, i) => {
    names[`#n${i}`] = name;
    return `#n${i} :one`;
  });
  return {
    TableName: table,
    Key: keys.windowDayTotals(rating.windowCode, rating.day, rating.channel),
    UpdateExpression: `ADD ${adds.join(', ')} SET windowCode = :window, #day = :day, channel = :channel`,
    ExpressionAttributeNames: names,
    ExpressionAttributeValues: { ':one': 1, ':window': rating.windowCode, ':day': rating.day, ':channel': rating.channel },
  };
}

/**
 * Counters added to the item a rating was counted in, after the rating: what a case's step changes
 * of its metrics' counters (差评整改, issue 15 §4: the case's counters after − before, some maybe
 * negative; caseCounterValues) and, for an upheld appeal (申诉成立, issue 15 §2), 1 for each `ap:`
 * counter of the rating (upheldCounterNames). One Update: a transaction may touch an item once.
 * Undefined when there is nothing to add. The rating's transaction made the item; a missing one is
 * a bug to surface, not an item to invent.
 */
export function windowDayCountersAdd(table: string, rating: { windowCode: string; day: string; channel: RatingChannel }, values: Readonly<Counters>) {
  const counters = Object.entries(values).filter(([, value]) => value !== 0);
  if (counters.length === 0) return undefined;
  const names: Record<string, string> = {};
  const numbers: Record<string, number> = {};
  const adds = counters.map(([name, value], i) => {
    names[`#n${i}`] = name;
    numbers[`:v${i}`] = value;
    return `#n${i} :v${i}`;
  });
  return {
    TableName: table,
    Key: keys.windowDayTotals(rating.windowCode, rating.day, rating.channel),
    UpdateExpression: `ADD ${adds.join(', ')}`,
    ConditionExpression: 'attribute_exists(pk)',
    ExpressionAttributeNames: names,
    ExpressionAttributeValues: numbers,
  };
}

/**
 * Totals items as DynamoDB returns them (attribute values not unmarshalled), in sort-key order, into
 * one WindowDayTotals per day: only numbers and the day matter, so this reads `.N` directly instead
 * of running the document client's generic unmarshalling over every attribute of up to W × D × C
 * items. A day's items are adjacent (`DAY#{day}` then `DAY#{day}#{channel}` …), and are merged
 * whatever their layout (window-day-counters.ts, mergeItemTotals).
 */
function toWindowDays(windowCode: string, items: readonly Record<string, AttributeValue>[], into: WindowDayTotals[], unitId?: string): void {
  // A rollup of a month has `month`, of a year `year`, not `day`: it stands for its first day.
  const dayOf = (item: Record<string, AttributeValue>) => item.day?.S ?? (item.month?.S ? `${item.month.S}-01` : `${item.year?.S}-01-01`);
  let i = 0;
  while (i < items.length) {
    const day = dayOf(items[i]!);
    const parts = [totalsOfItem(items[i]!)];
    for (i++; i < items.length && dayOf(items[i]!) === day; i++) parts.push(totalsOfItem(items[i]!));
    into.push({ windowCode, ...(unitId !== undefined ? { unitId } : {}), day, ...mergeItemTotals(parts) });
  }
}

/** The items of one partition between two sort keys, as attribute values, every page. */
async function queryRaw(doc: DynamoDBDocumentClient, table: string, pk: string, range: { from: string; to: string }): Promise<Record<string, AttributeValue>[]> {
  const items: Record<string, AttributeValue>[] = [];
  let ExclusiveStartKey: Record<string, AttributeValue> | undefined;
  do {
    const page = await doc.send(
      new RawQueryCommand({
        TableName: table,
        KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
        ExpressionAttributeValues: { ':pk': { S: pk }, ':from': { S: range.from }, ':to': { S: range.to } },
        ExclusiveStartKey,
      }),
    );
    items.push(...(page.Items ?? []));
    ExclusiveStartKey = page.LastEvaluatedKey;
  } while (ExclusiveStartKey);
  return items;
}

/** The keys of the year and month rollups of these units: every channel's and the legacy layout's. */
export function unitRollupKeys(unitIds: readonly string[], reads: { years?: readonly string[] | undefined; months: readonly string[] }): ItemKey[] {
  const channels = [...RATING_CHANNELS, undefined];
  const keyList: ItemKey[] = [];
  for (const unitId of new Set(unitIds)) {
    for (const channel of channels) {
      for (const year of reads.years ?? []) keyList.push(keys.unitYearTotals(unitId, year, channel));
      for (const month of reads.months) keyList.push(keys.unitMonthTotals(unitId, month, channel));
    }
  }
  return keyList;
}

/** Run `read` over `ids` with at most `concurrency` in flight, gathering what each returns. */
async function readAll(ids: readonly string[], concurrency: number | undefined, read: (id: string) => Promise<WindowsDays>): Promise<WindowsDays> {
  const limit = Math.max(1, Math.floor(concurrency ?? DEFAULT_TOTALS_CONCURRENCY));
  const unique = [...new Set(ids)];
  const days: WindowDayTotals[] = [];
  let itemsRead = 0;
  let next = 0;
  const worker = async () => {
    while (next < unique.length) {
      const result = await read(unique[next++]!);
      days.push(...result.days);
      itemsRead += result.itemsRead;
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, unique.length) }, worker));
  return { days, itemsRead };
}

export interface WindowsDays {
  /** One entry per window-day that has a totals item, in no particular order across windows. */
  days: WindowDayTotals[];
  /** Items DynamoDB returned: a report over W windows, D days and C channels reads at most W × D × C. */
  itemsRead: number;
}

export interface TotalsReader {
  /** One entry per day that has ratings (its channels' items merged), read by a key range: O(days × channels), never O(ratings). */
  windowDays(windowCode: string, from: string, to: string): Promise<WindowDayTotals[]>;
  /**
   * The same for many windows: one Query per window partition (pattern 6), at most `concurrency`
   * (default 16) in flight, so W windows × D days read at most W × D items per channel.
   */
  windowsDays(windowCodes: readonly string[], from: string, to: string, options?: { concurrency?: number }): Promise<WindowsDays>;
  /**
   * The window-month rollups (pattern RU2) of many windows for months `fromMonth` … `toMonth`: one
   * entry per window and month with ratings, `day` the month's first day. One Query per window.
   */
  windowsMonths(windowCodes: readonly string[], fromMonth: string, toMonth: string, options?: { concurrency?: number }): Promise<WindowsDays>;
  /**
   * The rollups of units' own windows (pattern RU3): per unit, one entry per month of `months`
   * (unit-month rollups) and per day of `days` (unit-day rollups) with ratings, each with `unitId`.
   * One Query per unit and range.
   */
  unitsTotals(
    unitIds: readonly string[],
    reads: { years?: readonly string[] | undefined; months: readonly string[]; days: readonly { from: string; to: string }[] },
    options?: { concurrency?: number },
  ): Promise<WindowsDays>;
}

export const DEFAULT_TOTALS_CONCURRENCY = 16;

export function createTotalsReader(doc: DynamoDBDocumentClient, table: string): TotalsReader {
  async function queryWindow(windowCode: string, from: string, to: string): Promise<WindowsDays> {
    const items: Record<string, AttributeValue>[] = [];
    // The low-level command through the same client: its items come back as attribute values.
    for await (const page of windowDaysQuery(doc, table, windowCode, from, to, { raw: true })) items.push(...page);
    // Merged after the last page: a day's items may straddle two pages.
    const days: WindowDayTotals[] = [];
    toWindowDays(windowCode, items, days);
    return { days, itemsRead: items.length };
  }

  return {
    async windowDays(windowCode, from, to) {
      return (await queryWindow(windowCode, from, to)).days;
    },

    windowsDays: (windowCodes, from, to, options = {}) => readAll(windowCodes, options.concurrency, (code) => queryWindow(code, from, to)),

    windowsMonths: (windowCodes, fromMonth, toMonth, options = {}) =>
      readAll(windowCodes, options.concurrency, async (code) => {
        const items = await queryRaw(doc, table, keys.windowTotalsPartition(code), keys.totalsMonths(fromMonth, toMonth));
        const days: WindowDayTotals[] = [];
        toWindowDays(code, items, days);
        return { days, itemsRead: items.length };
      }),

    async unitsTotals(unitIds, reads, options = {}) {
      // Years and months by their keys (every channel, and the legacy layout's), 100 to a BatchGetItem:
      // a province's month is ≈ 70 requests instead of one Query per unit.
      const keyList = unitRollupKeys(unitIds, reads);
      const [found, ranges] = await Promise.all([
        batchGetItems(doc, table, keyList, { concurrency: options.concurrency ?? DEFAULT_TOTALS_CONCURRENCY }),
        // The days around them, one Query per unit and range.
        reads.days.length === 0
          ? Promise.resolve({ days: [], itemsRead: 0 })
          : readAll(unitIds, options.concurrency, async (unitId) => {
              const days: WindowDayTotals[] = [];
              let itemsRead = 0;
              for (const range of reads.days) {
                const items = await queryRaw(doc, table, keys.unitTotalsPartition(unitId), keys.windowTotalsDays(range.from, range.to));
                toWindowDays(`unit:${unitId}`, items, days, unitId);
                itemsRead += items.length;
              }
              return { days, itemsRead };
            }),
      ]);
      // A unit's period may have one item per channel: merged as a window-day's are.
      const byPeriod = new Map<string, { unitId: string; day: string; parts: ItemTotals[] }>();
      for (const item of found) {
        const unitId = String(item.unitId);
        const day = typeof item.year === 'string' ? `${item.year}-01-01` : `${String(item.month)}-01`;
        const id = `${unitId}\u0000${day}`;
        const entry = byPeriod.get(id) ?? { unitId, day, parts: [] };
        entry.parts.push(totalsOfItem(item));
        byPeriod.set(id, entry);
      }
      const days = [...byPeriod.values()].map(({ unitId, day, parts }) => ({ windowCode: `unit:${unitId}`, unitId, day, ...mergeItemTotals(parts) }));
      return { days: [...days, ...ranges.days], itemsRead: found.length + ranges.itemsRead };
    },
  };
}

/** The totals items changed between the read and the repair (a rating came in): read again. */
export class TotalsChangedError extends Error {
  override name = 'TotalsChangedError';
}

export interface StoredTotalsItem {
  /** The item's channel; undefined for the legacy combined item `DAY#{day}` (before 0018). */
  channel: RatingChannel | undefined;
  counters: Counters;
  /** The guard counters read (guardCounterNames), for the optimistic condition of the repair. */
  guard: Record<string, number | undefined>;
}

export interface StoredWindowDayCounters {
  /** Every totals item of the window-day, both layouts. */
  items: StoredTotalsItem[];
  /** The counters of all items added up: what the readers see (names are unique across channels; c{level} sums). */
  counters: Counters;
  /** Whether a legacy combined item is still there (the repair migrates it). */
  legacy: boolean;
}

/** Reads and replaces whole totals items: for `npm run recount` only, never on a request path. */
export interface TotalsMaintenance {
  read(windowCode: string, day: string): Promise<StoredWindowDayCounters>;
  /**
   * Whether the window-day's items are exactly those the recounted counters make: one per channel
   * with ratings, each holding its channel's counters, and no legacy item.
   */
  inLayout(read: StoredWindowDayCounters, counters: Counters): boolean;
  /**
   * Make the window-day's items hold these counters (one item per channel, pattern 7b) in ONE
   * transaction: Put each channel item that differs, Delete each item of a channel without ratings
   * and the legacy item, every write conditional on the item's guard counters being those read
   * (or on its absence). Every rating transaction adds to one guard counter of the item it
   * writes, so a rating that arrived since the read cancels the transaction (TotalsChangedError)
   * instead of being lost. Items left as they are need no condition: nothing overwrites them.
   */
  replace(windowCode: string, day: string, read: StoredWindowDayCounters, counters: Counters): Promise<void>;
}

function sameCounters(a: Counters, b: Counters): boolean {
  return compareCounters(a, b).length === 0;
}

export function createTotalsMaintenance(doc: DynamoDBDocumentClient, table: string): TotalsMaintenance {
  function guarded(key: Record<string, string>, item: StoredTotalsItem | undefined) {
    if (!item) return { Key: key, ConditionExpression: 'attribute_not_exists(pk)' };
    const condition = ['attribute_exists(pk)'];
    const names: Record<string, string> = {};
    const values: Record<string, number> = {};
    Object.entries(item.guard).forEach(([name, value], i) => {
      names[`#g${i}`] = name;
      if (value === undefined) condition.push(`attribute_not_exists(#g${i})`);
      else {
        values[`:g${i}`] = value;
        condition.push(`#g${i} = :g${i}`);
      }
    });
    return {
      Key: key,
      ConditionExpression: condition.join(' AND '),
      ExpressionAttributeNames: names,
      ...(Object.keys(values).length ? { ExpressionAttributeValues: values } : {}),
    };
  }

  const maintenance: TotalsMaintenance = {
    async read(windowCode, day) {
      const legacySk = keys.legacyWindowDayTotals(windowCode, day).sk;
      const items: StoredTotalsItem[] = [];
      const counters: Counters = {};
      for await (const page of windowDaysQuery(doc, table, windowCode, day, day, { ConsistentRead: true })) {
        for (const item of page) {
          const sk = String(item.sk);
          const channel = sk === legacySk ? undefined : (sk.slice(legacySk.length + 1) as RatingChannel);
          if (channel !== undefined && !(RATING_CHANNELS as readonly string[]).includes(channel)) continue;
          const guard: Record<string, number | undefined> = {};
          for (const name of guardCounterNames(channel)) guard[name] = item[name] === undefined ? undefined : Number(item[name]);
          const own = countersOfItem(item);
          items.push({ channel, counters: own, guard });
          for (const [name, count] of Object.entries(own)) counters[name] = (counters[name] ?? 0) + count;
        }
      }
      return { items, counters, legacy: items.some((item) => item.channel === undefined) };
    },

    inLayout(read, counters) {
      if (read.legacy) return false;
      const wanted = countersByChannel(counters);
      if (read.items.length !== wanted.size) return false;
      return read.items.every((item) => sameCounters(item.counters, wanted.get(item.channel!) ?? {}));
    },

    async replace(windowCode, day, read, counters) {
      const wanted = countersByChannel(counters);
      const writes: TransactItem[] = [];
      const stored = new Map(read.items.map((item) => [item.channel, item]));
      for (const item of read.items) {
        if (item.channel !== undefined && wanted.has(item.channel)) continue;
        const key = item.channel === undefined ? keys.legacyWindowDayTotals(windowCode, day) : keys.windowDayTotals(windowCode, day, item.channel);
        writes.push({ Delete: { TableName: table, ...guarded(key, item) } });
      }
      for (const [channel, own] of wanted) {
        const item = stored.get(channel);
        if (item && sameCounters(item.counters, own)) continue;
        const { Key, ...condition } = guarded(keys.windowDayTotals(windowCode, day, channel), item);
        writes.push({ Put: { TableName: table, Item: { ...Key, windowCode, day, channel, ...own }, ...condition } });
      }
      if (writes.length === 0) return;
      try {
        await doc.send(new TransactWriteCommand({ TransactItems: writes }));
      } catch (error) {
        // A failed condition (a rating came in) or a conflict with a rating's transaction in flight.
        const codes = error instanceof TransactionCanceledException ? (error.CancellationReasons ?? []).map((reason) => reason.Code) : [];
        if (codes.includes('ConditionalCheckFailed') || codes.includes('TransactionConflict')) {
          throw new TotalsChangedError('totals changed since read', { cause: error });
        }
        throw error;
      }
    },
  };
  return maintenance;
}
