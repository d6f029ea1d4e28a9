import { DeleteCommand, GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ConditionalCheckFailedException, QueryCommand as RawQueryCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import type { LevelCounts } from '#shared/domain/level-counts.js';
import { RATING_LEVELS } from '#shared/domain/rating-level.js';
import { keys } from './keys.js';
import {
  counterName,
  countersOfItem,
  ratingCounterNames,
  totalsOfItem,
  type CountedRating,
  type Counters,
  type DimensionTotals,
  type RatingChannel,
} from './window-day-counters.js';

export { RATING_CHANNELS, type CountedRating, type DimensionTotals, type RatingChannel } from './window-day-counters.js';

/** Running totals of one window on one China-time day: count per level (c1 … c5), all channels. */
export interface WindowDayTotals {
  windowCode: string;
  day: string;
  counts: LevelCounts;
  /** Per channel, with breakdowns; absent for totals written before issue 4 (npm run recount fills them). */
  channels?: Partial<Record<RatingChannel, DimensionTotals>>;
}

/**
 * The Update of a rating transaction: one ADD per counter of the rating (see
 * window-day-counters.ts for the layout), all in one UpdateExpression. ADD is commutative, so
 * concurrent ratings never lose a count.
 */
export function windowDayTotalsUpdate(table: string, rating: CountedRating & { windowCode: string; day: string }) {
  const names: Record<string, string> = { '#day': 'day' };
  const adds = ratingCounterNames(rating).map((name, i) => {
    names[`#n${i}`] = name;
    return `#n${i} :one`;
  });
  return {
    TableName: table,
    Key: keys.windowDayTotals(rating.windowCode, rating.day),
    UpdateExpression: `ADD ${adds.join(', ')} SET windowCode = :window, #day = :day`,
    ExpressionAttributeNames: names,
    ExpressionAttributeValues: { ':one': 1, ':window': rating.windowCode, ':day': rating.day },
  };
}

/**
 * A totals item as DynamoDB returns it (attribute values not unmarshalled): only numbers and the
 * day matter, so this reads `.N` directly instead of running the document client's generic
 * unmarshalling over every attribute of up to W × D items.
 */
function toWindowDayTotals(windowCode: string, item: Record<string, AttributeValue>): WindowDayTotals {
  return { windowCode, day: String(item.day?.S), ...totalsOfItem(item) };
}

export interface WindowsDays {
  /** One entry per window-day that has a totals item, in no particular order across windows. */
  days: WindowDayTotals[];
  /** Items DynamoDB returned: a report over W windows and D days reads at most W × D. */
  itemsRead: number;
}

export interface TotalsReader {
  /** One item per day that has ratings, read by a key range: O(days), never O(ratings). */
  windowDays(windowCode: string, from: string, to: string): Promise<WindowDayTotals[]>;
  /**
   * The same for many windows: one Query per window partition (pattern 6), at most `concurrency`
   * (default 16) in flight, so W windows × D days read at most W × D items.
   */
  windowsDays(windowCodes: readonly string[], from: string, to: string, options?: { concurrency?: number }): Promise<WindowsDays>;
}

export const DEFAULT_TOTALS_CONCURRENCY = 16;

export function createTotalsReader(doc: DynamoDBDocumentClient, table: string): TotalsReader {
  async function queryWindow(windowCode: string, from: string, to: string): Promise<WindowsDays> {
    const days: WindowDayTotals[] = [];
    let itemsRead = 0;
    let ExclusiveStartKey: Record<string, AttributeValue> | undefined;
    do {
      // The low-level command through the same client: its items come back as attribute values.
      const page = await doc.send(
        new RawQueryCommand({
          TableName: table,
          KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
          ExpressionAttributeValues: { ':pk': { S: keys.windowTotalsPartition(windowCode) }, ':from': { S: `DAY#${from}` }, ':to': { S: `DAY#${to}` } },
          ExclusiveStartKey,
        }),
      );
      itemsRead += page.Items?.length ?? 0;
      for (const item of page.Items ?? []) days.push(toWindowDayTotals(windowCode, item));
      ExclusiveStartKey = page.LastEvaluatedKey;
    } while (ExclusiveStartKey);
    return { days, itemsRead };
  }

  return {
    async windowDays(windowCode, from, to) {
      return (await queryWindow(windowCode, from, to)).days;
    },

    async windowsDays(windowCodes, from, to, options = {}) {
      const concurrency = Math.max(1, Math.floor(options.concurrency ?? DEFAULT_TOTALS_CONCURRENCY));
      const codes = [...new Set(windowCodes)];
      const days: WindowDayTotals[] = [];
      let itemsRead = 0;
      let next = 0;
      const worker = async () => {
        while (next < codes.length) {
          const result = await queryWindow(codes[next++]!, from, to);
          days.push(...result.days);
          itemsRead += result.itemsRead;
        }
      };
      await Promise.all(Array.from({ length: Math.min(concurrency, codes.length) }, worker));
      return { days, itemsRead };
    },
  };
}

/** The totals item changed between the read and the repair (a rating came in): read again. */
export class TotalsChangedError extends Error {
  override name = 'TotalsChangedError';
}

export interface StoredWindowDayCounters {
  /** Whether a totals item exists at all. */
  exists: boolean;
  counters: Counters;
  /** The c1 … c5 read, for the optimistic condition of the repair. */
  levelAttributes: Record<string, number | undefined>;
}

/** Reads and replaces whole totals items: for `npm run recount` only, never on a request path. */
export interface TotalsMaintenance {
  read(windowCode: string, day: string): Promise<StoredWindowDayCounters>;
  /**
   * Replace the item with these counters (delete it when there are none), on condition that its
   * c1 … c5 are still those read: every rating transaction adds to one of them, so a rating that
   * arrived since the read fails the condition (TotalsChangedError) instead of being lost.
   */
  replace(windowCode: string, day: string, read: StoredWindowDayCounters, counters: Counters): Promise<void>;
}

export function createTotalsMaintenance(doc: DynamoDBDocumentClient, table: string): TotalsMaintenance {
  return {
    async read(windowCode, day) {
      const { Item } = await doc.send(new GetCommand({ TableName: table, Key: keys.windowDayTotals(windowCode, day), ConsistentRead: true }));
      const levelAttributes: Record<string, number | undefined> = {};
      for (const level of RATING_LEVELS) {
        const name = counterName.level(level);
        levelAttributes[name] = Item?.[name] === undefined ? undefined : Number(Item[name]);
      }
      return { exists: Boolean(Item), counters: countersOfItem(Item), levelAttributes };
    },

    async replace(windowCode, day, read, counters) {
      const condition: string[] = [];
      const names: Record<string, string> = {};
      const values: Record<string, number> = {};
      if (!read.exists) condition.push('attribute_not_exists(pk)');
      else {
        condition.push('attribute_exists(pk)');
        for (const [name, value] of Object.entries(read.levelAttributes)) {
          names[`#${name}`] = name;
          if (value === undefined) condition.push(`attribute_not_exists(#${name})`);
          else {
            values[`:${name}`] = value;
            condition.push(`#${name} = :${name}`);
          }
        }
      }
      const guard = {
        ConditionExpression: condition.join(' AND '),
        ...(Object.keys(names).length ? { ExpressionAttributeNames: names } : {}),
        ...(Object.keys(values).length ? { ExpressionAttributeValues: values } : {}),
      };
      const key = keys.windowDayTotals(windowCode, day);
      try {
        if (Object.keys(counters).length === 0) {
          if (!read.exists) return;
          await doc.send(new DeleteCommand({ TableName: table, Key: key, ...guard }));
        } else {
          await doc.send(new PutCommand({ TableName: table, Item: { ...key, windowCode, day, ...counters }, ...guard }));
        }
      } catch (error) {
        if (error instanceof ConditionalCheckFailedException) throw new TotalsChangedError('totals changed since read', { cause: error });
        throw error;
      }
    },
  };
}
