import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, GetCommand, PutCommand, paginateQuery, QueryCommand, TransactWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { CallbackOutcome, CaseState } from '#shared/domain/cases/case-state.js';
import type { CaseDeadlines } from '#shared/domain/cases/deadlines.js';
import type { RatingLevel } from '#shared/domain/rating-level.js';
import type { TransactItem } from '../client.js';
import type { CaseOpening } from '#shared/domain/cases/case-opening.js';
import { caseCounterDelta, type CaseProgress } from '#shared/domain/cases/case-metrics.js';
import { linkRefusal, recoveryLinkConsumption } from '../rating-links.js';
import { windowDayCountersAdd } from '../totals.js';
import { caseCounterValues, upheldCounterNames, type CountedRating, type Counters, type RatingChannel } from '../window-day-counters.js';
import { batchGetItems } from '../batch-get.js';
import { pool } from '../pool.js';
import { contactPut, type SealedContact } from '../contacts.js';
import { admissionItems, type RatingAdmission } from '../throttle.js';
import { keys } from '../keys.js';
import type { MailboxKind } from '#shared/domain/cases/mailbox.js';
import { decodeCursor, encodeCursor } from '../page-cursor.js';
import { setExpression } from '../set-expression.js';

/**
 * 差评 cases (issue 15 §1; decision 0028). A case is opened in the transaction that stores its
 * rating (ratings.ts): same id, so one rating opens one case, exactly once. It holds what the rating
 * holds about the service — window, day, level, reasons, comment — and never more about the rater:
 * a contact, when the resident left one for a call back, stays in the contact store, and the case
 * keeps only its id (实名差评); otherwise it is anonymous.
 *
 * Items (ops table): `CASE#{id}` / `META`, and one copy of its key facts in its unit's queue
 * (`CASES#{unitId}`) and its window's (`CASESW#{windowCode}`), sorted `{state}#{due}#{id}`, so a
 * queue's first page of a state — overdue first — is one Query whatever the queue holds.
 */
export interface CaseRecord {
  caseId: string;
  /** The rating's: the unit responsible (谁办理、谁负责), its hall, its window. A letter's: its unit, and its window if the writer named one. */
  unitId: string;
  hallId?: string;
  windowCode?: string;
  /** The China-time day of the rating (or letter): no finer time, as the rating. */
  day: string;
  /** The rating's level; a letter has none. */
  level?: RatingLevel;
  reasons?: string[];
  /** The rating's comment, or the letter's content. */
  comment?: string;
  /** The rating's channel; a letter has none (it is in no rate and no 差评整改 metric). */
  channel?: RatingChannel;
  /** A mailbox letter (decision 0029): which box; absent: a 差评's case. */
  mailbox?: MailboxKind;
  /** The letter's subject. */
  subject?: string;
  /** 一把手信箱: the head's username when the letter came; listed in their queue too. */
  addressedTo?: string;
  /** A 阳光测评 round's 差评 (decision 0030): the round it was answered in, opened at its close. */
  roundId?: string;
  /** 实名差评: the contact store item the resident left for a call back; absent: anonymous. */
  contactId?: string;
  /** The contact was deleted when the case finished (the contact store's TTL deletes the others). */
  contactPurged?: true;
  /** What the last 回访 found. */
  callback?: CallbackOutcome;
  /** 差评整改 metrics (case-metrics.ts): the first time it was fixed or explained, on time or late. */
  handled?: 'on-time' | 'late';
  /** Every 回访 recorded, by outcome. */
  callbacks?: Partial<Record<CallbackOutcome, number>>;
  /** Working days from the rating's day to the day it closed (已办结). */
  closedDays?: number;
  /** Appeals decided (申诉成立 or 申诉驳回). */
  appealsDecided?: number;
  /** The rating was stored as 可疑 (decision 0016): the unit may appeal it. */
  suspect?: true;
  state: CaseState;
  /** The last day of the running deadline (YYYY-MM-DD), or absent when none runs. */
  due?: string;
  /** Years the deadline was counted in Monday–Friday (not in the holiday calendar yet). */
  dueUncoveredYears?: number[];
  reopened: number;
  /** 超期: the overdue sweep escalated the case to this unit (its unit's parent), once. */
  escalatedTo?: string;
  escalatedAt?: string;
  updatedAt: string;
}

/** What a queue lists of a case: enough for a row, without reading the case. */
export interface CaseListing {
  caseId: string;
  unitId: string;
  windowCode?: string;
  day: string;
  level?: RatingLevel;
  mailbox?: MailboxKind;
  state: CaseState;
  due?: string;
  suspect?: true;
  /** Escalated to the parent unit by the overdue sweep. */
  escalated?: true;
}

/** A due day that sorts after every real one: a state without a deadline lists after those with one. */
const NO_DUE = '9999-12-31';

const listing = (record: CaseRecord): CaseListing => ({
  caseId: record.caseId,
  unitId: record.unitId,
  ...(record.windowCode ? { windowCode: record.windowCode } : {}),
  day: record.day,
  ...(record.level ? { level: record.level } : {}),
  ...(record.mailbox ? { mailbox: record.mailbox } : {}),
  state: record.state,
  ...(record.due ? { due: record.due } : {}),
  ...(record.suspect ? { suspect: true as const } : {}),
  ...(record.escalatedTo ? { escalated: true as const } : {}),
});

/** The rating a case opens from: the fields of a stored rating (ratings.ts) that a case keeps. */
interface CaseRating {
  id: string;
  unitId: string;
  hallId: string;
  windowCode: string;
  day: string;
  level: RatingLevel;
  reasons?: string[] | undefined;
  comment?: string | undefined;
  channel: RatingChannel;
}

/**
 * The items that open a rating's case, for the rating's own transaction: the case (待核实, its
 * verification due as `opening` says) and its two queue entries, each once.
 */
export function caseOpeningItems(table: string, opened: { rating: CaseRating; opening: CaseOpening; contactId?: string | undefined; suspect: boolean; at: Date }): TransactItem[] {
  const { rating, opening } = opened;
  return caseItems(table, {
    caseId: rating.id,
    unitId: rating.unitId,
    hallId: rating.hallId,
    windowCode: rating.windowCode,
    day: rating.day,
    level: rating.level,
    ...(rating.reasons?.length ? { reasons: rating.reasons } : {}),
    ...(rating.comment ? { comment: rating.comment } : {}),
    channel: rating.channel,
    ...(opened.contactId ? { contactId: opened.contactId } : {}),
    ...(opened.suspect ? { suspect: true as const } : {}),
    state: 'pending',
    due: opening.due,
    ...(opening.uncoveredYears.length ? { dueUncoveredYears: opening.uncoveredYears } : {}),
    reopened: 0,
    updatedAt: opened.at.toISOString(),
  });
}

/**
 * The queues a case is listed in: its unit's, its window's (if it has one), a 一把手 letter's head's,
 * and, once escalated, its parent unit's.
 */
const queuePartitions = (record: CaseRecord): string[] => [
  keys.caseQueuePartition(record.unitId),
  ...(record.windowCode ? [keys.caseWindowPartition(record.windowCode)] : []),
  ...(record.addressedTo ? [keys.caseAddressedPartition(record.addressedTo)] : []),
  ...(record.escalatedTo ? [keys.caseEscalatedPartition(record.escalatedTo)] : []),
];

const queueSort = (record: CaseRecord) => keys.caseQueueSort(record.state, record.due ?? NO_DUE, record.caseId);

/**
 * The items that open a mailbox letter's case (decision 0029), for the letter's transaction: the
 * case and its queue entries, each once. A letter has no rating and touches no totals.
 */
export function letterOpeningItems(table: string, letter: CaseRecord): TransactItem[] {
  return caseItems(table, letter);
}

function caseItems(table: string, record: CaseRecord): TransactItem[] {
  return [{ Put: { TableName: table, Item: { ...keys.case(record.caseId), kind: 'case', ...record }, ConditionExpression: 'attribute_not_exists(pk)' } }, ...entryItems(table, record)];
}

function entryItems(table: string, record: CaseRecord): TransactItem[] {
  const entry = { kind: 'case-listing', ...listing(record) };
  return queuePartitions(record).map((pk) => ({ Put: { TableName: table, Item: { pk, sk: queueSort(record), ...entry } } }));
}

const stepSort = (sequence: number) => String(sequence).padStart(5, '0');
const attachmentKey = (caseId: string, sequence: number) => ({ pk: keys.case(caseId).pk, sk: `ATT#${stepSort(sequence)}` });

/** A case's `sequence`-th step (`EV#00001`, …), once. */
function eventItem(table: string, caseId: string, sequence: number, event: CaseEvent): TransactItem {
  return { Put: { TableName: table, Item: { pk: keys.case(caseId).pk, sk: `EV#${stepSort(sequence)}`, kind: 'case-event', ...event }, ConditionExpression: 'attribute_not_exists(pk)' } };
}

export interface CaseQueueQuery {
  /** Only this state. */
  state?: CaseState;
  /** With `state`: only those due before this day, not on it (超期 on that day). */
  dueBefore?: string;
  limit: number;
  cursor?: string | undefined;
}

/** One step of a case: who took it, when, from and to which state, what was done, the new due day. */
export interface CaseEvent {
  at: string;
  by: string;
  from: CaseState;
  to: CaseState;
  note: string;
  due?: string;
  /** A 回访's outcome (the step to 已回访). */
  outcome?: CallbackOutcome;
  /** The overdue sweep's entry (from = to): the case was escalated to this unit. */
  escalatedTo?: string;
  /** The step's attachment (a photo of the fix), stored beside the step: its type and size. */
  attachment?: { contentType: CaseAttachment['contentType']; bytes: number };
}

/** A step's attachment: an image recognised from its bytes, kept as base64 (≤ 200 KB of image: under the 400 KB item limit). */
export interface CaseAttachment {
  contentType: 'image/jpeg' | 'image/png' | 'image/webp';
  data: string;
}

/** A letter's case is there already: the same letter sent again (its idempotency key). */
export class LetterExistsError extends Error {
  override name = 'LetterExistsError';
  constructor() {
    super('this letter was received already');
  }
}

/** The case was not in the state the step starts from (another step came first): its state now. */
export class CaseStateError extends Error {
  override name = 'CaseStateError';
  constructor(readonly current: CaseState | undefined) {
    super(current ? `case is ${current}` : 'no such case');
  }
}

/** A 实名差评's contact as the contact store holds it: the sealed number and when the store drops it. */
export interface CaseContact {
  sealedPhone: string;
  /** Unix seconds. */
  expiresAt: number;
}

export interface CaseStore {
  get(caseId: string): Promise<CaseRecord | undefined>;
  /** The cases of these ids that exist (BatchGet, strongly consistent): for `npm run recount`. */
  getMany(caseIds: readonly string[]): Promise<CaseRecord[]>;
  /** The sealed contact of a 实名差评, if the store still holds it. */
  contact(contactId: string): Promise<CaseContact | undefined>;
  /** Every step of a case, oldest first. */
  events(caseId: string): Promise<CaseEvent[]>;
  /**
   * One step, in one transaction: the case updated if it is still in `from` (else CaseStateError),
   * its two queue entries moved to the new state and due day, the step recorded as the case's
   * `sequence`-th (1, 2, …: steps list in order even within one second). `next` is the case after;
   * `purgeContact`: its contact deleted in the same transaction (the case finished).
   */
  /**
   * `upheld`: the step upholds the appeal (申诉成立); the case's rating, as read, is flagged and its
   * `ap:` counters added in the same transaction (exactly once: the flag's condition).
   */
  transition(
    from: CaseRecord,
    next: CaseRecord,
    event: CaseEvent,
    sequence: number,
    options?: { purgeContact?: string; attachment?: CaseAttachment; upheld?: CountedRating; recoveryLink?: { tokenHash: string; now: Date } },
  ): Promise<void>;
  /** The attachment of a case's `sequence`-th step, if it has one. */
  attachment(caseId: string, sequence: number): Promise<CaseAttachment | undefined>;
  /**
   * 超期: escalate a case to `to` (its unit's parent), in one transaction — the case marked, its
   * queue entries flagged, an entry in `to`'s escalated queue, the step recorded — if it is still as
   * read (same state, same due day, not escalated). False when it is not: nothing was written.
   */
  escalate(found: CaseRecord, to: string, event: CaseEvent, sequence: number): Promise<boolean>;
  /** The own deadline settings of those of `unitIds` that have one (one BatchGet). */
  deadlineSettings(unitIds: readonly string[]): Promise<Map<string, CaseDeadlines>>;
  /** Set a unit's own deadlines, or (undefined) drop them so it inherits again. */
  setDeadlines(unitId: string, deadlines: CaseDeadlines | undefined, by: string, at: Date): Promise<void>;
  /** The cases escalated to a unit, by state then due day. */
  escalatedQueue(unitId: string, query: CaseQueueQuery): Promise<{ items: CaseListing[]; cursor?: string }>;
  /** A unit's queue (its own cases; not its subtree's), by state then due day. */
  unitQueue(unitId: string, query: CaseQueueQuery): Promise<{ items: CaseListing[]; cursor?: string }>;
  /** A window's cases, the same way. */
  windowQueue(windowCode: string, query: CaseQueueQuery): Promise<{ items: CaseListing[]; cursor?: string }>;
  /** 一把手信箱: the letters addressed to this head, the same way. */
  addressedQueue(username: string, query: CaseQueueQuery): Promise<{ items: CaseListing[]; cursor?: string }>;
  /**
   * A mailbox letter's case (decision 0029), in one transaction: the case and its queue entries, its
   * contact (if the writer left one) and the client's letter counter (ClientLimitError past its limit:
   * nothing written).
   */
  openLetter(letter: CaseRecord, options: { contact?: SealedContact; counter?: RatingAdmission['clientCounter']; now: Date }): Promise<void>;
  /**
   * The cases of a closed round's 差评 (decision 0030), each in its own transaction (the case and its
   * queue entries) and at most once: one already there is left as it is. How many were opened now.
   */
  openRoundCases(records: readonly CaseRecord[]): Promise<number>;
  /** Who a unit named its head (一把手), if anyone. */
  mailboxHead(unitId: string): Promise<string | undefined>;
  /** Name a unit's head, or (undefined) close its 一把手信箱. */
  setMailboxHead(unitId: string, head: string | undefined, by: string, at: Date): Promise<void>;
}

/** What of a case its metrics count (shared/src/domain/cases/case-metrics.ts). */
export function caseProgress(record: CaseRecord): CaseProgress {
  return {
    state: record.state,
    named: record.contactId !== undefined,
    handled: record.handled,
    callbacks: record.callbacks,
    reopened: record.reopened,
    closedDays: record.closedDays,
    appealsDecided: record.appealsDecided,
  };
}

/**
 * 申诉成立 (issue 15 §2): the case's rating (its id is the case's) flagged `appealUpheld`, once; the
 * step adds its `ap:` counters (stepCountersAdd), so that a definition excluding upheld appeals takes
 * it out of its rates and `npm run recount` finds the same from the flag.
 */
function upheldRatingFlag(table: string, found: CaseRecord): TransactItem {
  // Only a 差评's case is upheld with its rating (the use case reads none for a letter).
  if (!found.windowCode) throw new Error(`case ${found.caseId} has no rating to flag`);
  return {
    Update: {
      TableName: table,
      Key: keys.rating(found.windowCode, found.day, found.caseId),
      UpdateExpression: 'SET appealUpheld = :yes',
      ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(appealUpheld)',
      ExpressionAttributeValues: { ':yes': true },
    },
  };
}

/**
 * What a step adds to the totals item of the case's rating, in one Update: its metrics' counters
 * after − before (差评整改, issue 15 §4) and, when it upholds the appeal, the rating's `ap:` counters.
 */
function stepCountersAdd(table: string, from: CaseRecord, next: CaseRecord, upheld: CountedRating | undefined): TransactItem[] {
  // A letter has no rating, so no totals item: it is in no rate and no 差评整改 metric (decision 0029).
  // A round's 差评 (decision 0030) neither: its answer is on no window's totals.
  if (!from.channel || from.channel === 'sampling' || !from.windowCode) return [];
  const values: Counters = caseCounterValues(from.channel, caseCounterDelta(caseProgress(from), caseProgress(next)));
  for (const name of upheld ? upheldCounterNames(upheld) : []) values[name] = (values[name] ?? 0) + 1;
  const update = windowDayCountersAdd(table, { windowCode: from.windowCode, day: from.day, channel: from.channel }, values);
  return update ? [{ Update: update }] : [];
}

function strip(item: Record<string, unknown>): CaseRecord {
  const { pk: _pk, sk: _sk, kind: _kind, ...rest } = item;
  return rest as unknown as CaseRecord;
}

export function createCaseStore(doc: DynamoDBDocumentClient, tables: { ops: string; contacts: string; totals: string }): CaseStore {
  const table = tables.ops;
  async function queue(partition: string, query: CaseQueueQuery): Promise<{ items: CaseListing[]; cursor?: string }> {
    const range = query.state
      ? query.dueBefore
        ? { KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to', values: { ':from': `${query.state}#`, ':to': `${query.state}#${query.dueBefore}` } }
        : // A range, not begins_with: the same key condition as 超期's, and DynamoDB Local serves it as one.
          { KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to', values: { ':from': `${query.state}#`, ':to': `${query.state}#~` } }
      : { KeyConditionExpression: 'pk = :pk', values: {} };
    const page = await doc.send(
      new QueryCommand({
        TableName: table,
        KeyConditionExpression: range.KeyConditionExpression,
        ExpressionAttributeValues: { ':pk': partition, ...range.values },
        Limit: query.limit,
        ExclusiveStartKey: decodeCursor(query.cursor, { pk: partition, sk: (sk) => !query.state || sk.startsWith(`${query.state}#`) }),
      }),
    );
    const items = (page.Items ?? []).map((item) => {
      const { pk: _pk, sk: _sk, kind: _kind, ...rest } = item;
      return rest as CaseListing;
    });
    return { items, ...(page.LastEvaluatedKey ? { cursor: encodeCursor(page.LastEvaluatedKey) } : {}) };
  }

  return {
    async events(caseId) {
      const events: CaseEvent[] = [];
      const pages = paginateQuery(
        { client: doc },
        { TableName: table, KeyConditionExpression: 'pk = :pk AND begins_with(sk, :ev)', ExpressionAttributeValues: { ':pk': keys.case(caseId).pk, ':ev': 'EV#' }, ConsistentRead: true },
      );
      for await (const page of pages) {
        for (const item of page.Items ?? []) {
          const { pk: _pk, sk: _sk, kind: _kind, ...event } = item;
          events.push(event as CaseEvent);
        }
      }
      return events;
    },

    async transition(from, next, event, sequence, options = {}) {
      const oldSort = queueSort(from);
      const { due: _due, dueUncoveredYears: _years, caseId: _id, ...kept } = next;
      const update = setExpression({ ...kept, due: next.due, dueUncoveredYears: next.dueUncoveredYears?.length ? next.dueUncoveredYears : undefined }, [
        ...(next.due ? [] : ['due']),
        ...(next.dueUncoveredYears?.length ? [] : ['dueUncoveredYears']),
      ]);
      // A 回访 answered by the resident through their link: the link is used in this same transaction.
      const link = options.recoveryLink ? recoveryLinkConsumption(table, options.recoveryLink.tokenHash, options.recoveryLink.now, from.caseId, from.reopened) : undefined;
      try {
        await doc.send(
          new TransactWriteCommand({
            TransactItems: [
              ...(link ? [link] : []),
              {
                Update: {
                  TableName: table,
                  Key: keys.case(from.caseId),
                  UpdateExpression: update.UpdateExpression,
                  // As read: its state, and nothing else since (the overdue sweep's escalation among them).
                  ConditionExpression: 'attribute_exists(pk) AND #state = :from AND #updatedAt = :read',
                  ExpressionAttributeNames: { ...update.ExpressionAttributeNames, '#state': 'state', '#updatedAt': 'updatedAt' },
                  ExpressionAttributeValues: { ...update.ExpressionAttributeValues, ':from': from.state, ':read': from.updatedAt },
                  ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
                },
              },
              ...queuePartitions(from).map((pk) => ({ Delete: { TableName: table, Key: { pk, sk: oldSort } } })),
              ...entryItems(table, next),
              eventItem(table, from.caseId, sequence, event),
              ...(options.purgeContact ? [{ Delete: { TableName: tables.contacts, Key: keys.contact(options.purgeContact) } }] : []),
              ...(options.attachment
                ? [{ Put: { TableName: table, Item: { ...attachmentKey(from.caseId, sequence), kind: 'case-attachment', ...options.attachment }, ConditionExpression: 'attribute_not_exists(pk)' } }]
                : []),
              ...(options.upheld ? [upheldRatingFlag(table, from)] : []),
              ...stepCountersAdd(tables.totals, from, next, options.upheld),
            ],
          }),
        );
      } catch (error) {
        if (error instanceof TransactionCanceledException) {
          const all = error.CancellationReasons ?? [];
          if (link && all[0]?.Code === 'ConditionalCheckFailed') throw linkRefusal(all[0].Item as Record<string, { S?: string }> | undefined);
          const reasons = link ? all.slice(1) : all;
          if (reasons[0]?.Code === 'ConditionalCheckFailed') throw new CaseStateError(reasons[0].Item?.state?.S as CaseState | undefined);
          // Another step of the same case at the same moment: it came first; say where the case is now.
          if (reasons.some((reason) => reason.Code === 'TransactionConflict')) {
            const { Item } = await doc.send(new GetCommand({ TableName: table, Key: keys.case(from.caseId), ConsistentRead: true }));
            throw new CaseStateError(Item?.state as CaseState | undefined);
          }
        }
        throw error;
      }
    },

    async escalate(found, to, event, sequence) {
      const sort = queueSort(found);
      const flagged = (pk: string) => ({
        Update: { TableName: table, Key: { pk, sk: sort }, UpdateExpression: 'SET escalated = :yes', ConditionExpression: 'attribute_exists(pk)', ExpressionAttributeValues: { ':yes': true } },
      });
      const escalated: CaseRecord = { ...found, escalatedTo: to, escalatedAt: event.at, updatedAt: event.at };
      try {
        await doc.send(
          new TransactWriteCommand({
            TransactItems: [
              {
                Update: {
                  TableName: table,
                  Key: keys.case(found.caseId),
                  UpdateExpression: 'SET escalatedTo = :to, escalatedAt = :at, #updatedAt = :at',
                  ConditionExpression: 'attribute_exists(pk) AND #state = :state AND #due = :due AND #updatedAt = :read AND attribute_not_exists(escalatedTo)',
                  ExpressionAttributeNames: { '#state': 'state', '#due': 'due', '#updatedAt': 'updatedAt' },
                  ExpressionAttributeValues: { ':to': to, ':at': event.at, ':state': found.state, ':due': found.due ?? NO_DUE, ':read': found.updatedAt },
                },
              },
              ...queuePartitions(found).map(flagged),
              entryItems(table, escalated).at(-1)!,
              eventItem(table, found.caseId, sequence, event),
            ],
          }),
        );
        return true;
      } catch (error) {
        // A step of the case came first (or another sweep): the case is not as read; leave it.
        if (error instanceof TransactionCanceledException) return false;
        throw error;
      }
    },

    async attachment(caseId, sequence) {
      const { Item } = await doc.send(new GetCommand({ TableName: table, Key: attachmentKey(caseId, sequence) }));
      return Item ? { contentType: Item.contentType as CaseAttachment['contentType'], data: String(Item.data) } : undefined;
    },

    async deadlineSettings(unitIds) {
      const found = await batchGetItems(doc, table, unitIds.map((id) => keys.caseDeadlines(id)));
      return new Map(found.map((item) => [String(item.unitId), { verify: Number(item.verify), immediate: Number(item.immediate), deadline: Number(item.deadline) }]));
    },

    async setDeadlines(unitId, deadlines, by, at) {
      if (!deadlines) {
        await doc.send(new DeleteCommand({ TableName: table, Key: keys.caseDeadlines(unitId) }));
        return;
      }
      await doc.send(new PutCommand({ TableName: table, Item: { ...keys.caseDeadlines(unitId), kind: 'case-deadlines', unitId, ...deadlines, updatedBy: by, updatedAt: at.toISOString() } }));
    },

    async get(caseId) {
      const { Item } = await doc.send(new GetCommand({ TableName: table, Key: keys.case(caseId), ConsistentRead: true }));
      return Item ? strip(Item) : undefined;
    },
    async getMany(caseIds) {
      return (await batchGetItems(doc, table, caseIds.map((id) => keys.case(id)), { consistent: true })).map(strip);
    },
    async contact(contactId) {
      const { Item } = await doc.send(new GetCommand({ TableName: tables.contacts, Key: keys.contact(contactId), ProjectionExpression: 'sealedPhone, expiresAt' }));
      return Item ? { sealedPhone: Item.sealedPhone as string, expiresAt: Item.expiresAt as number } : undefined;
    },
    async openLetter(letter, { contact, counter, now }) {
      const admitted = counter ? admissionItems(table, { clientCounter: counter }, now) : undefined;
      const items: TransactItem[] = [...letterOpeningItems(table, letter), ...(contact ? [{ Put: contactPut(tables.contacts, contact) }] : [])];
      const admissionStart = items.length;
      items.push(...(admitted?.items ?? []));
      for (let attempt = 0; ; attempt++) {
        try {
          await doc.send(new TransactWriteCommand({ TransactItems: items }));
          return;
        } catch (error) {
          if (!(error instanceof TransactionCanceledException)) throw error;
          const reasons = error.CancellationReasons ?? [];
          // The same letter again (its idempotency key gives the same case id): nothing written twice.
          if (reasons[0]?.Code === 'ConditionalCheckFailed') throw new LetterExistsError();
          const refused = admitted?.refusal(reasons.slice(admissionStart).map((reason) => reason.Code));
          if (refused) throw refused;
          // Two letters of one client at once meet on its counter: the later one tries again, as ratings do.
          if (!reasons.some((reason) => reason.Code === 'TransactionConflict') || attempt >= 5) throw error;
          await new Promise((resolve) => setTimeout(resolve, 5 * 2 ** attempt * Math.random()));
        }
      }
    },
    async openRoundCases(records) {
      let opened = 0;
      await pool([...records], 8, async (record) => {
        try {
          await doc.send(new TransactWriteCommand({ TransactItems: caseItems(table, record) }));
          opened++;
        } catch (error) {
          // A close run again (its purge had failed half-way) finds the cases it opened before.
          if (error instanceof TransactionCanceledException && error.CancellationReasons?.[0]?.Code === 'ConditionalCheckFailed') return;
          throw error;
        }
      });
      return opened;
    },
    async mailboxHead(unitId) {
      const { Item } = await doc.send(new GetCommand({ TableName: table, Key: keys.mailboxSettings(unitId), ConsistentRead: true }));
      return Item?.head as string | undefined;
    },
    async setMailboxHead(unitId, head, by, at) {
      if (!head) {
        await doc.send(new DeleteCommand({ TableName: table, Key: keys.mailboxSettings(unitId) }));
        return;
      }
      await doc.send(new PutCommand({ TableName: table, Item: { ...keys.mailboxSettings(unitId), kind: 'mailbox-settings', unitId, head, updatedBy: by, updatedAt: at.toISOString() } }));
    },
    unitQueue: (unitId, query) => queue(keys.caseQueuePartition(unitId), query),
    addressedQueue: (username, query) => queue(keys.caseAddressedPartition(username), query),
    windowQueue: (windowCode, query) => queue(keys.caseWindowPartition(windowCode), query),
    escalatedQueue: (unitId, query) => queue(keys.caseEscalatedPartition(unitId), query),
  };
}
