import { QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { keys } from './keys.js';
import { windowDaysQuery } from './window-days-query.js';
import { counterName, RATING_CHANNELS, type RatingChannel } from './window-day-counters.js';

/**
 * Reads of the comments feed (评价留言; ACCESS_PATTERNS.md C1–C2). How many comments each window-day
 * holds comes from the `{channel}|cm|n` counters of the totals items, written in the rating's own
 * transaction (window-day-counters.ts) — never from counting raw ratings. Texts are read only for
 * the window-days a page shows, and only the `comment` (and `channel`) attribute of each rating:
 * no id, level, staff or anything else of the rating leaves the table.
 */

/** The comment counters of one window-day, per channel (channels without comments left out). */
export interface WindowDayCommentCounts {
  windowCode: string;
  day: string;
  channels: Partial<Record<RatingChannel, number>>;
}

export interface RatingComments {
  /**
   * The comment counters of many windows over a day range (C1): one Query per window on its
   * totals partition, projected to the counters (≤ 16 in flight), so W windows × D days read at
   * most W × D small items per channel. Window-days without comments are left out.
   */
  counts(windowCodes: readonly string[], from: string, to: string, options?: { concurrency?: number }): Promise<{ days: WindowDayCommentCounts[]; itemsRead: number }>;
  /** The texts of one window-day's comments of the given channels (C2), in no meaningful order. */
  texts(windowCode: string, day: string, channels: readonly string[]): Promise<string[]>;
}

/** Counts from the totals table (`{channel}|cm|n`), texts from the ratings in ops. */
export function createRatingComments(doc: DynamoDBDocumentClient, tables: { ops: string; totals: string }): RatingComments {
  const counterNames = Object.fromEntries(RATING_CHANNELS.map((channel, i) => [`#cm${i}`, counterName.comments(channel)]));

  async function countsOfWindow(windowCode: string, from: string, to: string): Promise<{ days: WindowDayCommentCounts[]; itemsRead: number }> {
    // A day has one item per channel (and a legacy combined one until `npm run recount`): merged by day.
    const byDay = new Map<string, WindowDayCommentCounts['channels']>();
    let itemsRead = 0;
    const pages = windowDaysQuery(doc, tables.totals, windowCode, from, to, {
      ProjectionExpression: ['#day', ...Object.keys(counterNames)].join(', '),
      ExpressionAttributeNames: { '#day': 'day', ...counterNames },
    });
    for await (const page of pages) {
      itemsRead += page.length;
      for (const item of page) {
        for (const channel of RATING_CHANNELS) {
          const count = Number(item[counterName.comments(channel)] ?? 0);
          if (count <= 0) continue;
          const day = String(item.day);
          let channels = byDay.get(day);
          if (!channels) byDay.set(day, (channels = {}));
          channels[channel] = (channels[channel] ?? 0) + count;
        }
      }
    }
    return { days: [...byDay].map(([day, channels]) => ({ windowCode, day, channels })), itemsRead };
  }

  return {
    async counts(windowCodes, from, to, options = {}) {
      const codes = [...new Set(windowCodes)];
      const concurrency = Math.max(1, Math.floor(options.concurrency ?? 16));
      const days: WindowDayCommentCounts[] = [];
      let itemsRead = 0;
      let next = 0;
      const worker = async () => {
        while (next < codes.length) {
          const result = await countsOfWindow(codes[next++]!, from, to);
          days.push(...result.days);
          itemsRead += result.itemsRead;
        }
      };
      await Promise.all(Array.from({ length: Math.min(concurrency, codes.length) }, worker));
      return { days, itemsRead };
    },

    async texts(windowCode, day, channels) {
      const texts: string[] = [];
      if (channels.length === 0) return texts;
      const channelValues = Object.fromEntries(channels.map((channel, i) => [`:ch${i}`, channel]));
      let ExclusiveStartKey: Record<string, unknown> | undefined;
      do {
        const page = await doc.send(
          new QueryCommand({
            TableName: tables.ops,
            KeyConditionExpression: 'pk = :pk',
            // The filter saves the transfer, not the read: every rating of the window-day is read.
            // 可疑评价 are in no count of comments (`cm`), so their comments are not shown either (0016-burst-detector.md).
            FilterExpression: `attribute_exists(#comment) AND attribute_not_exists(suspect) AND #channel IN (${Object.keys(channelValues).join(', ')})`,
            ProjectionExpression: '#comment',
            ExpressionAttributeNames: { '#comment': 'comment', '#channel': 'channel' },
            ExpressionAttributeValues: { ':pk': keys.ratingPartition(windowCode, day), ...channelValues },
            ExclusiveStartKey,
          }),
        );
        for (const item of page.Items ?? []) if (typeof item.comment === 'string' && item.comment !== '') texts.push(item.comment);
        ExclusiveStartKey = page.LastEvaluatedKey;
      } while (ExclusiveStartKey);
      return texts;
    },
  };
}
