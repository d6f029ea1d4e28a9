import { ScanCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Gateway } from '../../infra/local/gateway.js';
import { httpEvent, jsonHeaders } from '../support/http-events.js';
import { call, type Reply } from './fixtures.js';

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** One API call through the local gateway, with any method (httpEvent builds GET/POST only). */
export function request(
  gateway: Gateway,
  method: Method,
  path: string,
  options: { token?: string; body?: unknown; query?: Record<string, string> } = {},
): Promise<Reply> {
  const headers: Record<string, string> = options.body !== undefined ? { ...jsonHeaders } : {};
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  const event = httpEvent('GET', path, {
    headers,
    ...(options.query ? { query: options.query } : {}),
    ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
  });
  event.requestContext.http.method = method;
  return call(gateway, event);
}

/** Every item of a table, read straight from DynamoDB Local (tests only: the app never scans). */
export async function scanAll(doc: DynamoDBDocumentClient, table: string): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await doc.send(new ScanCommand({ TableName: table, ExclusiveStartKey: start }));
    items.push(...(page.Items ?? []));
    start = page.LastEvaluatedKey;
  } while (start);
  return items;
}
