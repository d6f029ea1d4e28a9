import { DeleteCommand, GetCommand, paginateQuery, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { HOURS_PER_WEEK, type BurstBaseline } from '#shared/domain/burst.js';
import { keys } from './keys.js';
import type { TransactItem } from './client.js';

/**
 * The burst detector's items (docs/decisions/0016-burst-detector.md), in the ops table:
 *
 *   BURST#{window} / H#{hour index}   ratings of the window in that hour (n): no level, nothing else.
 *                                     Added to in the rating's own transaction; deleted once folded
 *                                     into the baseline (the window's next rating after the hour),
 *                                     and by TTL a day after the hour at the latest.
 *   BURST#{window} / BASE             the usual ratings per hour of the week (168 numbers) and the
 *                                     last hour folded in (`through`).
 *
 * The hour counts are the only hour-level data of ratings anywhere, and they live about a day:
 * the ratings themselves keep the China-time day only (docs/decisions/0002).
 */

/** A day after its hour the count is gone (TTL), folded or not. */
export const HOUR_COUNT_TTL_SECONDS = 24 * 3600;


/**
 * +1 on the window's count for the hour, in the rating's transaction. With a threshold, the update
 * is conditional on the count being below it: a cancelled condition means "this rating is past
 * the threshold" and the rating is written again as suspect, with the unconditional update.
 */
export function hourCountUpdate(table: string, windowCode: string, hour: number, threshold?: number): TransactItem {
  const values: Record<string, unknown> = { ':one': 1, ':kind': 'burst-hour', ':exp': (hour + 1) * 3600 + HOUR_COUNT_TTL_SECONDS };
  if (threshold !== undefined) values[':threshold'] = threshold;
  return {
    Update: {
      TableName: table,
      Key: keys.burstHour(windowCode, hour),
      UpdateExpression: 'ADD n :one SET kind = :kind, expiresAt = :exp',
      ...(threshold !== undefined ? { ConditionExpression: 'attribute_not_exists(n) OR n < :threshold' } : {}),
      ExpressionAttributeValues: values,
    },
  };
}

export interface BurstStore {
  baseline(windowCode: string): Promise<BurstBaseline | undefined>;
  /** The counts of hours before `beforeHour` still stored (the ones not yet folded), by hour index. */
  hourCounts(windowCode: string, beforeHour: number): Promise<Map<number, number>>;
  /**
   * Save a folded baseline if nobody folded since `previous` (another process may fold the same
   * hours at the same moment: one wins, the other's work is dropped). False when it lost.
   */
  saveBaseline(windowCode: string, baseline: BurstBaseline, previous: BurstBaseline | undefined): Promise<boolean>;
  /** Delete the counts of folded hours. */
  deleteHourCounts(windowCode: string, hours: readonly number[]): Promise<void>;
}

const HOUR_PREFIX = 'H#';
const hourKey = (windowCode: string, hour: number) => keys.burstHour(windowCode, hour).sk;

export function createBurstStore(doc: DynamoDBDocumentClient, table: string): BurstStore {
  return {
    async baseline(windowCode) {
      const { Item } = await doc.send(new GetCommand({ TableName: table, Key: keys.burstBaseline(windowCode), ConsistentRead: true }));
      if (!Item || !Array.isArray(Item.usual) || typeof Item.through !== 'number') return undefined;
      const usual = (Item.usual as unknown[]).map((v) => (typeof v === 'number' ? v : null));
      return usual.length === HOURS_PER_WEEK ? { usual, through: Item.through } : undefined;
    },

    async hourCounts(windowCode, beforeHour) {
      const counts = new Map<number, number>();
      const pages = paginateQuery(
        { client: doc },
        {
          TableName: table,
          KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
          ExpressionAttributeValues: { ':pk': keys.burstPartition(windowCode), ':from': hourKey(windowCode, 0), ':to': hourKey(windowCode, beforeHour - 1) },
          ConsistentRead: true,
        },
      );
      for await (const page of pages) {
        for (const item of page.Items ?? []) counts.set(Number(String(item.sk).slice(HOUR_PREFIX.length)), Number(item.n ?? 0));
      }
      return counts;
    },

    async saveBaseline(windowCode, baseline, previous) {
      try {
        await doc.send(
          new PutCommand({
            TableName: table,
            Item: { ...keys.burstBaseline(windowCode), kind: 'burst-baseline', usual: baseline.usual, through: baseline.through },
            ConditionExpression: previous ? 'through = :previous' : 'attribute_not_exists(pk)',
            ...(previous ? { ExpressionAttributeValues: { ':previous': previous.through } } : {}),
          }),
        );
        return true;
      } catch (error) {
        if (error instanceof ConditionalCheckFailedException) return false;
        throw error;
      }
    },

    async deleteHourCounts(windowCode, hours) {
      // One DeleteItem each (a fold has a few hours, rarely more than ten): IAM grants the rating
      // function DeleteItem on BURST#* items only (infra/stacks/route-access.ts).
      await Promise.all(hours.map((hour) => doc.send(new DeleteCommand({ TableName: table, Key: keys.burstHour(windowCode, hour) }))));
    },
  };
}
