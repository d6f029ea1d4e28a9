import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { QueryCommand, ScanCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Runtime } from '../../functions/src/runtime.js';
import type { Principal } from '../../functions/src/auth/principal.js';
import { keys } from '../../functions/src/data/keys.js';
import { NATIONAL_SURVEY } from '../../shared/src/domain/national-survey.js';
import type { Gateway } from '../../infra/local/gateway.js';
import { httpEvent, jsonHeaders } from '../support/http-events.js';
import { seedWriter } from '../../infra/local/seed.js';
import { randomUUID } from 'node:crypto';
import { expect } from 'vitest';

/**
 * Small helpers shared by the integration test files: a unit with one hall and one staff member,
 * windows to rate, a way to post a rating through the real handler, and readers that look at what
 * DynamoDB Local really holds (never through the code under test).
 */

export const UNIT_ID = 'it-unit';
export const HALL_ID = 'it-hall';
export const STAFF_ID = 'it-staff';

export async function putDirectory(runtime: Runtime, windowCodes: string[], options: { inactive?: string[] } = {}): Promise<void> {
  await seedWriter(runtime).putUnit({ id: UNIT_ID, name: '测试县政务服务中心', parentId: null, path: [UNIT_ID] });
  await seedWriter(runtime).putHall({ id: HALL_ID, unitId: UNIT_ID, name: '测试大厅', address: '测试路1号' });
  await seedWriter(runtime).putStaff({
    id: STAFF_ID,
    unitId: UNIT_ID,
    staffNo: 'T0001',
    name: '王静',
    post: '综合受理员',
    duties: '一窗受理',
    pledge: '首问负责，一次告知。',
    partyMember: false,
  });
  for (const code of windowCodes) {
    await seedWriter(runtime).putWindow({
      code,
      unitId: UNIT_ID,
      hallId: HALL_ID,
      name: `窗口 ${code}`,
      active: !(options.inactive ?? []).includes(code),
      staffOnDutyIds: [STAFF_ID],
      surveyId: NATIONAL_SURVEY.surveyId,
      surveyVersion: NATIONAL_SURVEY.version,
    });
  }
}

export interface Reply {
  status: number;
  headers: Record<string, string | number | boolean>;
  text: string;
  json: any;
}

export async function call(gateway: Gateway, event: ReturnType<typeof httpEvent>): Promise<Reply> {
  const result: APIGatewayProxyStructuredResultV2 = await gateway.invoke(event);
  const text = result.body ?? '';
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: result.statusCode ?? 200, headers: result.headers ?? {}, text, json };
}

/**
 * Calls through the gateway as signed-in principals: their bearer tokens in `tokens` (by
 * username); `null` calls without one. A JSON body when `body` is given, a query when `query` is.
 */
export function callerAs(gateway: Gateway, tokens: ReadonlyMap<string, string>) {
  return (principal: Principal | null, method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, body?: unknown, query?: Record<string, string>): Promise<Reply> => {
    const event = httpEvent('GET', path, {
      headers: { ...(principal ? { authorization: `Bearer ${tokens.get(principal.username)!}` } : {}), ...(body !== undefined ? jsonHeaders : {}) },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      ...(query ? { query } : {}),
    });
    event.requestContext.http.method = method;
    return call(gateway, event);
  };
}

/**
 * A rating through the gateway on a given China-time day (the runtime's clock at noon that day, put
 * back after), 差评 with a reason; fails the test unless it is stored (201).
 */
export async function rateOnDay(gateway: Gateway, runtime: Pick<Runtime, 'now'>, rating: { windowCode: string; day: string; level: number; extra?: Record<string, unknown> }): Promise<void> {
  const before = runtime.now;
  runtime.now = () => new Date(`${rating.day}T04:00:00Z`);
  try {
    const body = { windowCode: rating.windowCode, level: rating.level, ...(rating.level <= 2 ? { reasons: ['SLOW'] } : {}), ...rating.extra };
    const reply = await postRating(gateway, body, { 'idempotency-key': randomUUID() });
    expect(reply.status, reply.text).toBe(201);
  } finally {
    runtime.now = before;
  }
}

export function postRating(gateway: Gateway, body: unknown, headers: Record<string, string> = {}): Promise<Reply> {
  return call(gateway, httpEvent('POST', '/api/public/ratings', { body: JSON.stringify(body), headers: { ...jsonHeaders, ...headers } }));
}

export async function queryPartition(doc: DynamoDBDocumentClient, table: string, pk: string): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let ExclusiveStartKey: Record<string, unknown> | undefined;
  do {
    const page = await doc.send(
      new QueryCommand({
        TableName: table,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': pk },
        ConsistentRead: true,
        ExclusiveStartKey,
      }),
    );
    items.push(...(page.Items ?? []));
    ExclusiveStartKey = page.LastEvaluatedKey;
  } while (ExclusiveStartKey);
  return items;
}

export async function scanTable(doc: DynamoDBDocumentClient, table: string): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let ExclusiveStartKey: Record<string, unknown> | undefined;
  do {
    const page = await doc.send(new ScanCommand({ TableName: table, ConsistentRead: true, ExclusiveStartKey }));
    items.push(...(page.Items ?? []));
    ExclusiveStartKey = page.LastEvaluatedKey;
  } while (ExclusiveStartKey);
  return items;
}

/** The stored ratings of a window on a China-time day, read straight from the table. */
export function storedRatings(doc: DynamoDBDocumentClient, table: string, windowCode: string, day: string) {
  return queryPartition(doc, table, keys.ratingPartition(windowCode, day));
}

/** The running totals c1..c5 of a window on a day, all channels (every item of the day, either layout), read straight from the table (zeros when absent). */
export async function storedTotals(
  doc: DynamoDBDocumentClient,
  table: string,
  windowCode: string,
  day: string,
): Promise<Record<'1' | '2' | '3' | '4' | '5', number>> {
  const items = (await queryPartition(doc, table, keys.windowTotalsPartition(windowCode))).filter((candidate) => candidate.day === day);
  const count = (level: number) => items.reduce((sum, item) => sum + Number(item[`c${level}`] ?? 0), 0);
  return { '1': count(1), '2': count(2), '3': count(3), '4': count(4), '5': count(5) };
}

/** mulberry32, the demo data's seeded PRNG: "random" test data is the same on every run. */
export { seededRandom as mulberry32 } from '../../infra/local/demo-county.js';

/** Run `work` over `items` with at most `limit` in flight; results keep the input order. */
export async function withConcurrency<T, R>(items: T[], limit: number, work: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index]!, index);
    }
  });
  await Promise.all(lanes);
  return results;
}

/** Every string found in an item: attribute names and values, nested lists and maps included. */
export function stringsIn(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean') return [String(value)];
  if (value instanceof Set) return [...value].flatMap(stringsIn);
  if (Array.isArray(value)) return value.flatMap(stringsIn);
  if (value && typeof value === 'object') return Object.entries(value).flatMap(([name, inner]) => [name, ...stringsIn(inner)]);
  return [];
}
