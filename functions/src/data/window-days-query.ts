import { paginateQuery, type DynamoDBDocumentClient, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { QueryCommand as RawQueryCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { keys } from './keys.js';

/** What a reader of the window-day totals may add to the Query: a projection, a consistent read. */
export type WindowDaysQueryExtra = Pick<QueryCommandInput, 'ProjectionExpression' | 'ExpressionAttributeNames' | 'ConsistentRead'>;

/**
 * The totals items of one window for days `from` … `to` (both layouts, keys.windowTotalsDays), in
 * sort-key order, one Query paged through to the end: yields each page's items. With `raw`, the
 * low-level command goes through the same client and the items come back as attribute values (not
 * unmarshalled), for readers that only need a few numbers of many items.
 */
export async function* windowDaysQuery<Raw extends boolean = false>(
  doc: DynamoDBDocumentClient,
  table: string,
  windowCode: string,
  from: string,
  to: string,
  { raw, ...extra }: WindowDaysQueryExtra & { raw?: Raw } = {},
): AsyncGenerator<(Raw extends true ? Record<string, AttributeValue> : Record<string, unknown>)[]> {
  const range = keys.windowTotalsDays(from, to);
  const pk = keys.windowTotalsPartition(windowCode);
  const input: QueryCommandInput = {
    TableName: table,
    KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
    ExpressionAttributeValues: { ':pk': pk, ':from': range.from, ':to': range.to },
    ...extra,
  };
  // The paginator's document command swapped for the low-level one (the page tokens pass through as they are).
  const withCommand = raw
    ? (command: { input: QueryCommandInput }) =>
        new RawQueryCommand({
          ...command.input,
          ExpressionAttributeValues: { ':pk': { S: pk }, ':from': { S: range.from }, ':to': { S: range.to } },
          ExclusiveStartKey: command.input.ExclusiveStartKey as Record<string, AttributeValue> | undefined,
        })
    : undefined;
  for await (const page of paginateQuery({ client: doc, ...(withCommand ? { withCommand } : {}) }, input)) {
    yield (page.Items ?? []) as (Raw extends true ? Record<string, AttributeValue> : Record<string, unknown>)[];
  }
}
