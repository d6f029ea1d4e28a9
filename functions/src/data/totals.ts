import { QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { emptyLevelCounts, type LevelCounts } from '#shared/domain/level-counts.js';
import { RATING_LEVELS, type RatingLevel } from '#shared/domain/rating-level.js';
import { keys } from './keys.js';

/** Running totals of one window on one China-time day: count per level (c1 … c5). */
export interface WindowDayTotals {
  windowCode: string;
  day: string;
  counts: LevelCounts;
}

/** The Update of a rating transaction: ADD is commutative, so concurrent ratings never lose a count. */
export function windowDayTotalsUpdate(table: string, windowCode: string, day: string, level: RatingLevel) {
  return {
    TableName: table,
    Key: keys.windowDayTotals(windowCode, day),
    UpdateExpression: 'ADD #count :one SET windowCode = :window, #day = :day',
    ExpressionAttributeNames: { '#count': `c${level}`, '#day': 'day' },
    ExpressionAttributeValues: { ':one': 1, ':window': windowCode, ':day': day },
  };
}

export interface TotalsReader {
  /** One item per day that has ratings, read by a key range: O(days), never O(ratings). */
  windowDays(windowCode: string, from: string, to: string): Promise<WindowDayTotals[]>;
}

export function createTotalsReader(doc: DynamoDBDocumentClient, table: string): TotalsReader {
  return {
    async windowDays(windowCode, from, to) {
      const days: WindowDayTotals[] = [];
      let ExclusiveStartKey: Record<string, unknown> | undefined;
      do {
        const page = await doc.send(
          new QueryCommand({
            TableName: table,
            KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
            ExpressionAttributeValues: { ':pk': keys.windowTotalsPartition(windowCode), ':from': `DAY#${from}`, ':to': `DAY#${to}` },
            ExclusiveStartKey,
          }),
        );
        for (const item of page.Items ?? []) {
          const counts = emptyLevelCounts();
          for (const level of RATING_LEVELS) counts[level] = Number(item[`c${level}`] ?? 0);
          days.push({ windowCode, day: String(item.day), counts });
        }
        ExclusiveStartKey = page.LastEvaluatedKey;
      } while (ExclusiveStartKey);
      return days;
    },
  };
}
