import { randomBytes } from 'node:crypto';
import { PutCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { chinaDay } from '#shared/domain/china-time.js';
import { ValidationError } from '../errors.js';

/**
 * The audit log (审计日志): who, when, what, which object, with what result. Append-only: this
 * module offers no update or delete, every put is conditional on the item not existing, and in
 * AWS the application's roles are granted nothing else on the table.
 */
export interface AuditEntry {
  /** UTC instant, ISO 8601. Administrative actions are not anonymous: exact times are kept. */
  at: string;
  actor: string;
  role: string;
  /** Verb in a stable dotted form, e.g. `unit.create`, `window.poster`, `login.failed`, `export.xlsx`. */
  action: string;
  objectType: string;
  objectId: string;
  /** The unit the object belongs to, when it belongs to one. */
  unitId?: string;
  result: 'ok' | 'denied' | 'not-found' | 'invalid' | 'failed';
  /** Short, non-personal detail (never a phone number, password or token). */
  detail?: string;
}

export interface StoredAuditEntry extends AuditEntry {
  id: string;
  day: string;
}

export interface AuditPage {
  entries: StoredAuditEntry[];
  cursor?: string;
}

export interface AuditLog {
  append(entry: AuditEntry): Promise<void>;
  /** Entries of one China-time day, newest first. */
  listDay(day: string, options?: { limit?: number; cursor?: string }): Promise<AuditPage>;
  /** Entries of one actor between two instants, newest first. */
  listActor(actor: string, fromIso: string, toIso: string, options?: { limit?: number; cursor?: string }): Promise<AuditPage>;
  /**
   * Entries of China-time days `fromDay` … `toDay`, newest first, optionally of one actor and/or
   * one action: one Query per day (or one on the actor index), never a Scan.
   */
  search(filter: AuditFilter, options?: { limit?: number; cursor?: string }): Promise<AuditPage>;
}

export interface AuditFilter {
  fromDay: string;
  toDay: string;
  actor?: string;
  action?: string;
}

/** The UTC instant a China-time day starts (UTC+8, no daylight saving). */
const dayStartIso = (day: string) => new Date(Date.parse(`${day}T00:00:00+08:00`)).toISOString();
const nextDay = (day: string) => new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
const previousDay = (day: string) => new Date(Date.parse(`${day}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);

export const AUDIT_RETENTION_DAYS = 400;

const encodeCursor = (key: Record<string, unknown> | undefined) => (key ? Buffer.from(JSON.stringify(key)).toString('base64url') : undefined);
/**
 * A client-supplied cursor of the audit log: a DynamoDB key (strings), or for `search` the day it
 * continues on with such a key. Anything else — not JSON, an empty or non-string key part, a day
 * that is not YYYY-MM-DD — is bad input naming `cursor`, never a 5xx from DynamoDB or a TypeError.
 */
function decodeCursor(cursor: string | undefined): Record<string, unknown> | undefined {
  if (!cursor) return undefined;
  const refuse = () => ValidationError.forField('cursor', 'is not a cursor of this list');
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw refuse();
  }
  const isKey = (candidate: unknown): boolean =>
    !!candidate && typeof candidate === 'object' && !Array.isArray(candidate) && Object.values(candidate).every((part) => typeof part === 'string' && part.length > 0 && part.length <= 1024);
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw refuse();
  const record = value as Record<string, unknown>;
  if ('day' in record || 'key' in record) {
    if (record.day !== undefined && (typeof record.day !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(record.day))) throw refuse();
    if (record.key !== undefined && !isKey(record.key)) throw refuse();
    return record;
  }
  if (!isKey(record)) throw refuse();
  return record;
}

export function createAuditLog(doc: DynamoDBDocumentClient, table: string): AuditLog {
  function toEntry(item: Record<string, unknown>): StoredAuditEntry {
    const { pk: _pk, sk: _sk, actorKey: _a, expiresAt: _e, ...entry } = item;
    return entry as unknown as StoredAuditEntry;
  }

  return {
    async append(entry) {
      const id = randomBytes(8).toString('hex');
      const day = chinaDay(new Date(entry.at));
      await doc.send(
        new PutCommand({
          TableName: table,
          Item: {
            pk: `DAY#${day}`,
            sk: `${entry.at}#${id}`,
            actorKey: `ACTOR#${entry.actor}`,
            id,
            day,
            ...entry,
            expiresAt: Math.floor(Date.parse(entry.at) / 1000) + AUDIT_RETENTION_DAYS * 86_400,
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    },

    async listDay(day, options = {}) {
      const page = await doc.send(
        new QueryCommand({
          TableName: table,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': `DAY#${day}` },
          ScanIndexForward: false,
          Limit: options.limit ?? 100,
          ExclusiveStartKey: decodeCursor(options.cursor),
        }),
      );
      const cursor = encodeCursor(page.LastEvaluatedKey);
      return { entries: (page.Items ?? []).map(toEntry), ...(cursor ? { cursor } : {}) };
    },

    async listActor(actor, fromIso, toIso, options = {}) {
      const page = await doc.send(
        new QueryCommand({
          TableName: table,
          IndexName: 'byActor',
          KeyConditionExpression: 'actorKey = :actor AND sk BETWEEN :from AND :to',
          ExpressionAttributeValues: { ':actor': `ACTOR#${actor}`, ':from': fromIso, ':to': `${toIso}~` },
          ScanIndexForward: false,
          Limit: options.limit ?? 100,
          ExclusiveStartKey: decodeCursor(options.cursor),
        }),
      );
      const cursor = encodeCursor(page.LastEvaluatedKey);
      return { entries: (page.Items ?? []).map(toEntry), ...(cursor ? { cursor } : {}) };
    },

    async search(filter, options = {}) {
      const limit = options.limit ?? 100;
      const state = (decodeCursor(options.cursor) ?? {}) as { day?: string; key?: Record<string, unknown> };
      const actionFilter = filter.action
        ? { FilterExpression: '#action = :action', ExpressionAttributeNames: { '#action': 'action' } }
        : {};
      const entries: StoredAuditEntry[] = [];
      let day = state.day ?? filter.toDay;
      let key = state.key;
      while (entries.length < limit && day >= filter.fromDay) {
        const values: Record<string, unknown> = filter.action ? { ':action': filter.action } : {};
        const query = filter.actor
          ? {
              IndexName: 'byActor',
              KeyConditionExpression: 'actorKey = :actor AND sk BETWEEN :from AND :to',
              ExpressionAttributeValues: { ...values, ':actor': `ACTOR#${filter.actor}`, ':from': dayStartIso(filter.fromDay), ':to': dayStartIso(nextDay(filter.toDay)) },
            }
          : { KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ...values, ':pk': `DAY#${day}` } };
        const page = await doc.send(
          new QueryCommand({
            TableName: table,
            ...query,
            ...actionFilter,
            ScanIndexForward: false,
            Limit: limit - entries.length,
            ExclusiveStartKey: key,
          }),
        );
        entries.push(...(page.Items ?? []).map(toEntry));
        key = page.LastEvaluatedKey;
        if (!key) {
          // The actor index covers the whole range at once; the day table moves to the previous day.
          if (filter.actor) break;
          day = previousDay(day);
        }
      }
      const more = key !== undefined || (!filter.actor && day >= filter.fromDay && entries.length >= limit);
      const cursor = more ? encodeCursor({ day, ...(key ? { key } : {}) }) : undefined;
      return { entries, ...(cursor ? { cursor } : {}) };
    },
  };
}
