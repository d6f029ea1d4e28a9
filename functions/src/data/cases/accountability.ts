import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { paginateQuery, PutCommand, QueryCommand, TransactWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { ProposalRule } from '#shared/domain/cases/accountability-proposals.js';
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

/** A committee's decision on a proposal (问责建议): confirmed (its notice entered the register) or dismissed, with a reason. */
export interface ProposalDecision {
  month: string;
  rule: ProposalRule;
  subjectType: 'window' | 'unit';
  subjectId: string;
  decision: 'confirmed' | 'dismissed';
  reason: string;
  /** The scope the proposal was read for (the committee's unit). */
  unitId: string;
  decidedBy: string;
  decidedAt: string;
  /** The register's notice, when confirmed. */
  recordId?: string;
}

/** The proposal was decided already (by another member, or a second click). */
export class ProposalDecidedError extends Error {
  override name = 'ProposalDecidedError';
}

export interface AccountabilityStore {
  put(record: AccountabilityRecord): Promise<void>;
  /** Every decision on the proposals of a month (a handful: one Query). */
  decisions(month: string): Promise<ProposalDecision[]>;
  /** Record a decision once, and a confirmed one's notice, in one transaction; ProposalDecidedError if decided already. */
  decide(decision: ProposalDecision, notice?: AccountabilityRecord): Promise<void>;
  /** A page of the notices of the subtree at `path` for `period`, by unit path then day issued. */
  list(path: readonly string[], period: string, options: { limit: number; cursor?: string | undefined }): Promise<{ items: AccountabilityRecord[]; cursor?: string }>;
}

const subtreePrefix = (path: readonly string[]) => `${path.join('/')}/`;

export function createAccountabilityStore(doc: DynamoDBDocumentClient, table: string): AccountabilityStore {
  const noticePut = (record: AccountabilityRecord) => {
    const { pk, sk } = keys.accountabilityRecord(periodYear(record.period), `${subtreePrefix(record.unitPath)}#${record.issuedOn}#${record.recordId}`);
    // `kind` marks the item's type in the ops table; the notice's kind is kept as `noticeKind`.
    const { kind: noticeKind, ...rest } = record;
    return { TableName: table, Item: { pk, sk, kind: 'accountability', noticeKind, ...rest }, ConditionExpression: 'attribute_not_exists(pk)' };
  };
  return {
    async put(record) {
      await doc.send(new PutCommand(noticePut(record)));
    },

    async decisions(month) {
      const found: ProposalDecision[] = [];
      const pages = paginateQuery({ client: doc }, { TableName: table, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': keys.accountabilityDecisionPartition(month) } });
      for await (const page of pages) {
        for (const item of page.Items ?? []) {
          const { pk: _pk, sk: _sk, kind: _kind, ...decision } = item;
          found.push(decision as ProposalDecision);
        }
      }
      return found;
    },

    async decide(decision, notice) {
      const key = keys.accountabilityDecision(decision.month, decision.rule, decision.subjectType, decision.subjectId);
      try {
        await doc.send(
          new TransactWriteCommand({
            TransactItems: [
              { Put: { TableName: table, Item: { ...key, kind: 'accountability-decision', ...decision }, ConditionExpression: 'attribute_not_exists(pk)' } },
              ...(notice ? [{ Put: noticePut(notice) }] : []),
            ],
          }),
        );
      } catch (error) {
        if (error instanceof TransactionCanceledException) {
          const codes = (error.CancellationReasons ?? []).map((reason) => reason.Code);
          if (codes[0] === 'ConditionalCheckFailed' || codes.includes('TransactionConflict')) throw new ProposalDecidedError('decided already', { cause: error });
        }
        throw error;
      }
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
