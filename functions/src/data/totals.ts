import { QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { emptyLevelCounts, type LevelCounts } from '#shared/domain/level-counts.js';
import { RATING_LEVELS, type RatingLevel } from '#shared/domain/rating-level.js';
import { keys } from './keys.js';

/** The channels a rating arrives by; sampled rounds (阳光测评) will add theirs. */
export type RatingChannel = 'window-qr';

/** The breakdowns of one channel's ratings of one window-day (committee reports, issue 4). */
export interface DimensionTotals {
  counts: LevelCounts;
  /** Per staff id on duty when the rating was given (a rating counts for each of them). */
  staff: Record<string, LevelCounts>;
  /** Per service item name the resident chose; '' for ratings without one. */
  serviceItems: Record<string, LevelCounts>;
  /** 差评 reason code → number of ratings that gave it. */
  reasons: Record<string, number>;
}

/** Running totals of one window on one China-time day: count per level (c1 … c5), all channels. */
export interface WindowDayTotals {
  windowCode: string;
  day: string;
  counts: LevelCounts;
  /** Per channel, with breakdowns; absent for totals written before issue 4 (npm run recount fills them). */
  channels?: Partial<Record<RatingChannel, DimensionTotals>>;
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
