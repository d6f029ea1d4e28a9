import { PutCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { AccountabilityKind, AccountabilitySubject } from '#shared/domain/cases/accountability.js';
import { periodsWithin, periodYear } from '#shared/domain/cases/accountability.js';
import { keys } from '../keys.js';
import { decodeCursor, encodeCursor } from '../page-cursor.js';

/**
 * The accountability register (问责台账, issue 15 §3; decision 0028). One item per notice, in the
 * partition of its year, sorted by the path of the subject's unit: a unit subtree's notices of a
 * year are one Query (`begins_with` the subtree's path), a quarter or month filtered within it.
 * The path is the unit's when the notice was recorded (a later move of the unit does not move it).
 */
export interface AccountabilityRecord {
  recordId: string;
  unitId: string;
  unitPath: string[];
  unitName: string;
  subjectType: AccountabilitySubject;
  subjectId: string;
  subjectName: string;
  kind: AccountabilityKind;
  period: string;
  reason: string;
  documentNo: string;
  issuedBy: string;
  issuedOn: string;
  createdBy: string;
  createdAt: string;
}

export interface AccountabilityStore {
  put(record: AccountabilityRecord): Promise<void>;
  /** A page of the notices of the subtree at `path` for `period`, by unit path then day issued. */
  list(path: readonly string[], period: string, options: { limit: number; cursor?: string | undefined }): Promise<{ items: AccountabilityRecord[]; cursor?: string }>;
}

const subtreePrefix = (path: readonly string[]) => `${path.join('/')}/`;

export function createAccountabilityStore(doc: DynamoDBDocumentClient, table: string): AccountabilityStore {
  return {
    async put(record) {
      const { pk, sk } = keys.accountabilityRecord(periodYear(record.period), `${subtreePrefix(record.unitPath)}#${record.issuedOn}#${record.recordId}`);
      // `kind` marks the item's type in the ops table; the notice's kind is kept as `noticeKind`.
      const { kind: noticeKind, ...rest } = record;
      await doc.send(new PutCommand({ TableName: table, Item: { pk, sk, kind: 'accountability', noticeKind, ...rest }, ConditionExpression: 'attribute_not_exists(pk)' }));
    },

    async list(path, period, options) {
      const pk = keys.accountabilityRecord(periodYear(period), '').pk;
      const prefix = subtreePrefix(path);
      const periods = periodsWithin(period);
      const filter = periods ? { FilterExpression: `#period IN (${periods.map((_, i) => `:p${i}`).join(', ')})`, names: { '#period': 'period' }, values: Object.fromEntries(periods.map((p, i) => [`:p${i}`, p])) } : undefined;
      // A filtered page may come back short: read on until the page is full or the subtree ends.
      const items: AccountabilityRecord[] = [];
      let start = decodeCursor(options.cursor, { pk, sk: (sk) => sk.startsWith(prefix) });
      do {
        const page = await doc.send(
          new QueryCommand({
            TableName: table,
            KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
            ExpressionAttributeValues: { ':pk': pk, ':prefix': prefix, ...(filter?.values ?? {}) },
            ...(filter ? { FilterExpression: filter.FilterExpression, ExpressionAttributeNames: filter.names } : {}),
            Limit: options.limit - items.length,
            ExclusiveStartKey: start,
          }),
        );
        for (const item of page.Items ?? []) {
          const { pk: _pk, sk: _sk, kind: _kind, noticeKind, ...record } = item;
          items.push({ ...record, kind: noticeKind } as AccountabilityRecord);
        }
        start = page.LastEvaluatedKey;
      } while (start && items.length < options.limit);
      return { items, ...(start ? { cursor: encodeCursor(start) } : {}) };
    },
  };
}
