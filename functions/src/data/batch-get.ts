import { BatchGetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { pool } from './pool.js';

export type ItemKey = { pk: string; sk: string };

export interface BatchGetOptions {
  projection?: string;
  names?: Record<string, string>;
  consistent?: boolean;
  /** BatchGetItem calls in flight at once (default 1): 5,000 keys are 50 calls. */
  concurrency?: number;
}

/**
 * Every item of `keyList` that exists (duplicates read once), 100 keys per BatchGetItem, with the
 * unprocessed keys retried after a growing pause (DynamoDB returns them under throttling). The
 * order of the answer is not the order of the keys.
 */
export async function batchGetItems(doc: DynamoDBDocumentClient, table: string, keyList: readonly ItemKey[], options: BatchGetOptions = {}): Promise<Record<string, unknown>[]> {
  const unique = [...new Map(keyList.map((key) => [`${key.pk}\u0000${key.sk}`, key])).values()];
  const found: Record<string, unknown>[] = [];
  const starts: number[] = [];
  for (let start = 0; start < unique.length; start += 100) starts.push(start);
  await pool(starts, options.concurrency ?? 1, async (start) => {
    type Request = { Keys: ItemKey[]; ProjectionExpression?: string; ExpressionAttributeNames?: Record<string, string>; ConsistentRead?: boolean };
    let request: Record<string, Request> | undefined = {
      [table]: {
        Keys: unique.slice(start, start + 100),
        ...(options.projection ? { ProjectionExpression: options.projection } : {}),
        ...(options.names ? { ExpressionAttributeNames: options.names } : {}),
        ...(options.consistent ? { ConsistentRead: true } : {}),
      },
    };
    for (let attempt = 0; request && Object.keys(request).length > 0; attempt++) {
      const result = await doc.send(new BatchGetCommand({ RequestItems: request }));
      found.push(...(result.Responses?.[table] ?? []));
      request = result.UnprocessedKeys as typeof request;
      if (request && Object.keys(request).length > 0) await new Promise((resolve) => setTimeout(resolve, 10 * 2 ** Math.min(attempt, 6)));
    }
  });
  return found;
}
