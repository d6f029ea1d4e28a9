import { BatchWriteCommand, ScanCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { DataTables } from '../../functions/src/data/tables.js';

/** The window-day totals items' partitions (keys.windowTotalsPartition), in whichever table. */
const TOTALS_PREFIX = 'TOTALS#WINDOW#';

/**
 * A data folder from before decision 0031 keeps its window-day totals in the ops table. When the
 * totals table is still empty, copy them there once (a Scan: local only, never on a request path),
 * so that the reports of an existing demo read what they read before. The copies in ops stay
 * where they are and nothing reads them any more. Returns how many items were copied.
 */
export async function migrateLocalTotals(doc: DynamoDBDocumentClient, tables: Pick<DataTables, 'ops' | 'totals'>): Promise<number> {
  const probe = await doc.send(new ScanCommand({ TableName: tables.totals, Limit: 1 }));
  if ((probe.Items ?? []).length > 0) return 0;
  let copied = 0;
  let ExclusiveStartKey: Record<string, unknown> | undefined;
  do {
    const page = await doc.send(
      new ScanCommand({
        TableName: tables.ops,
        FilterExpression: 'begins_with(pk, :prefix)',
        ExpressionAttributeValues: { ':prefix': TOTALS_PREFIX },
        ExclusiveStartKey,
      }),
    );
    const items = page.Items ?? [];
    for (let i = 0; i < items.length; i += 25) {
      let requests = items.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } }));
      while (requests.length > 0) {
        const result = await doc.send(new BatchWriteCommand({ RequestItems: { [tables.totals]: requests } }));
        requests = (result.UnprocessedItems?.[tables.totals] ?? []) as typeof requests;
      }
    }
    copied += items.length;
    ExclusiveStartKey = page.LastEvaluatedKey;
  } while (ExclusiveStartKey);
  return copied;
}
