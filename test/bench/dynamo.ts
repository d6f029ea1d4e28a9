import { BatchWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { pool } from '../../functions/src/data/pool.js';
/** The project's seeded generator (mulberry32), for the benches' data. */
export { seededRandom } from '../../infra/local/demo-county.js';
import { keys } from '../../functions/src/data/keys.js';
import { windowIndexAttributes } from '../../functions/src/data/windows.js';

/** The bench's seeding and counting on a document client (sections org, reports, cases). */

/** Put `items` in BatchWrites of 25, 8 in flight, the unprocessed ones retried after a growing pause. */
export async function batchWrite(doc: DynamoDBDocumentClient, table: string, items: Record<string, unknown>[]): Promise<void> {
  const chunks: Record<string, unknown>[][] = [];
  for (let i = 0; i < items.length; i += 25) chunks.push(items.slice(i, i + 25));
  await pool(chunks, 8, async (chunk) => {
    let request: Record<string, { PutRequest: { Item: Record<string, unknown> } }[]> | undefined = { [table]: chunk.map((Item) => ({ PutRequest: { Item } })) };
    for (let attempt = 0; request && (request[table]?.length ?? 0) > 0; attempt++) {
      const result = await doc.send(new BatchWriteCommand({ RequestItems: request }));
      request = result.UnprocessedItems as typeof request;
      if (request && (request[table]?.length ?? 0) > 0) await new Promise((r) => setTimeout(r, 20 * 2 ** Math.min(attempt, 5)));
    }
  });
}

/** Count every command the document client sends, by name (ScanCommand must stay at 0). */
export function countCommands(doc: DynamoDBDocumentClient): Record<string, number> {
  const counts: Record<string, number> = {};
  doc.middlewareStack.add(
    (next, context) => async (args) => {
      const name = String((context as { commandName?: string }).commandName ?? 'unknown');
      counts[name] = (counts[name] ?? 0) + 1;
      return next(args);
    },
    { step: 'initialize', name: 'benchCommandCounter' },
  );
  return counts;
}

/** A window item as the org layer stores it (indexed for its subtree), for the benches that seed thousands. */
export function benchWindowItem(w: { code: string; unitId: string; unitPath: string[] }, surveyId: string, surveyVersion: number): Record<string, unknown> {
  return {
    ...keys.window(w.code),
    kind: 'window',
    code: w.code,
    unitId: w.unitId,
    hallId: '',
    name: `窗口${w.code.slice(1)}`,
    active: true,
    staffIds: [],
    staffOnDutyIds: [],
    serviceItems: [],
    surveyId,
    surveyVersion,
    unitPath: w.unitPath,
    ...windowIndexAttributes(w),
  };
}
