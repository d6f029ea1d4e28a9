import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, GetCommand, paginateQuery, PutCommand, TransactWriteCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { OutboxMessage } from '#shared/contracts/sampling/invitations.js';
import { emptyLevelCounts, type LevelCounts } from '#shared/domain/level-counts.js';
import { RATING_LEVELS, type RatingLevel } from '#shared/domain/rating-level.js';
import type { TransactItem } from './client.js';
import { keys } from './keys.js';
import { pool } from './pool.js';
import { linkRefusal, ratingLinkConsumption } from './rating-links.js';

/**
 * 阳光测评 invitations (issue 13 §4; docs/decisions/0022-invitations.md; ACCESS_PATTERNS.md SR11–SR15).
 *
 * An invitation is the round's sample item (RSAMPLE#), which moves drawn → queued → sent | failed
 * → responded and counts its reminders. It never holds a number or a token: the number stays
 * sealed in the contact store until the message is composed, the token lives in the SMS (and, on
 * one machine, in the outbox) and its hash in the link item. An answer is stored in the round's
 * own partition with the round's per-stratum counts, in one transaction with the link's
 * consumption, the round's state check and the invitation's `responded`: it holds no token, entry
 * or phone, and the invitation records no time of answering.
 */
export const INVITATION_KINDS = ['invitation', 'reminder'] as const;
export type InvitationKind = (typeof INVITATION_KINDS)[number];

export interface Invitation {
  roundId: string;
  stratum: string;
  entryId: string;
  unitId: string;
  contactId: string;
  phoneKey: string;
  state: 'drawn' | 'queued' | 'sent' | 'failed' | 'responded' | 'closed';
  /** 退订: no further message. */
  optedOut?: true;
  reminders: number;
  /** China-time day of the last message sent. */
  lastSentDay?: string;
  /** Why sending failed: `no-number` (purged or never there) or `sender` (the provider refused). */
  failure?: 'no-number' | 'sender';
  /** The message a job claimed to send: `invitation`, or `reminder#{k}` for the k-th reminder. */
  claim?: string;
  /** When it was claimed (UTC ISO): a claim older than CLAIM_STALE_MS is taken again. */
  claimedAt?: string;
}

/** The claim of the message a job is about to hand on for an invitation. */
export const claimOf = (kind: InvitationKind, invitation: Pick<Invitation, 'reminders'>): string => (kind === 'invitation' ? 'invitation' : `reminder#${invitation.reminders + 1}`);

/**
 * A round's answer as stored: the round and the stratum, nothing of the person, token, entry, unit
 * or day — with strata by window or service item a unit or a day would narrow who answered.
 */
export interface RoundRating {
  id: string;
  roundId: string;
  stratum: string;
  level: RatingLevel;
  indicators?: Partial<Record<'efficiency' | 'competence' | 'attitude', RatingLevel>>;
  reasons?: string[];
  comment?: string;
  surveyId: string;
  surveyVersion: number;
  answers?: Record<string, string | number | string[]>;
  channel: 'sampling';
}

/** The round is no longer taking answers (closed, or not sending). */
export class RoundNotTakingAnswersError extends Error {
  override name = 'RoundNotTakingAnswersError';
}

/** The answer met others on the same items more often than it is retried: the resident may send it again. */
export class AnswerBusyError extends Error {
  override name = 'AnswerBusyError';
}

/** How often an answer that met another on the same items is tried again (as window ratings: data/ratings.ts). */
const MAX_CONFLICT_RETRIES = 6;

/** The invitation was answered already (through this link or another of its messages). */
export class InvitationAnsweredStoreError extends Error {
  override name = 'InvitationAnsweredStoreError';
}

export interface SmsMessage {
  /** The round; for a 差评's 回访 link (issue 15 §2), `case-{caseId}`: the outbox keeps the messages by it. */
  roundId: string;
  kind: InvitationKind | 'recovery';
  phone: string;
  text: string;
  link: string;
  /** Unix seconds: how long a copy of the message may be kept (the local outbox). */
  keepUntil: number;
}

/** Sends one text message. Locally the outbox (masked number, text, link); in AWS End User Messaging SMS. */
export interface SmsSender {
  readonly kind: 'outbox' | 'sms';
  send(message: SmsMessage): Promise<void>;
}

export interface InvitationStore {
  /** The whole sample of a round with each invitation's state (≤ the round's n items). */
  list(roundId: string): Promise<Invitation[]>;
  get(roundId: string, stratum: string, entryId: string): Promise<Invitation | undefined>;
  /** The sealed number of a 办件's contact, or undefined once purged. */
  sealedPhone(contactId: string): Promise<string | undefined>;
  /** The people invited enter the quarantine of this month (pseudonyms only), kept for the longest quarantine. */
  quarantine(roundId: string, month: string, phoneKeys: readonly string[], expiresAt: number): Promise<void>;
  /**
   * Claim the next message of an invitation for one job, so that two jobs running at once never
   * send it twice: an invitation drawn → queued; a reminder, while the invitation is sent with the
   * same reminder count. A claim older than `staleBefore` (a job that died) may be taken again.
   * False when another job holds it or the invitation moved on.
   */
  claim(invitation: Invitation, kind: InvitationKind, at: string, staleBefore: string): Promise<boolean>;
  /**
   * A message is about to go: the state (for an invitation) or the reminder count, conditionally
   * on the state or count it was queued at — false when another delivery took it first.
   */
  markSent(invitation: Invitation, kind: InvitationKind, day: string): Promise<boolean>;
  markFailed(invitation: Invitation, failure: NonNullable<Invitation['failure']>): Promise<void>;
  optOut(roundId: string, stratum: string, entryId: string): Promise<void>;
  /** On close: delete these sealed numbers from the contact store (a missing one is no error). */
  deleteContacts(contactIds: readonly string[]): Promise<void>;
  /**
   * On close: each invitation keeps only what the verification pack needs (stratum, entry id) and
   * the state `closed` — no pseudonym, contact, day, claim, 退订 or who answered.
   */
  closeSample(invitations: readonly Invitation[]): Promise<void>;
  outbox(roundId: string, limit: number): Promise<OutboxMessage[]>;
  /** The answers' counts by stratum (SR15): level → count. */
  answerCounts(roundId: string): Promise<Map<string, LevelCounts>>;
  /** Every answer of a round, as stored (the close opens the 差评 cases from them; decision 0030). */
  answers(roundId: string): Promise<RoundRating[]>;
  /**
   * Store an answer: the link consumed, the round still sending, the invitation not answered yet,
   * the rating and its stratum's counts — all or nothing. Throws the link's refusal,
   * RoundNotTakingAnswersError or InvitationAnsweredStoreError.
   */
  storeAnswer(write: { rating: RoundRating; tokenHash: string; entryId: string; now: Date }): Promise<void>;
}

const PARALLEL_PUTS = 16;

function toInvitation(item: Record<string, unknown>): Invitation {
  return {
    roundId: String(item.pk).slice('RSAMPLE#'.length),
    stratum: String(item.stratum),
    entryId: String(item.entryId),
    unitId: typeof item.unitId === 'string' ? item.unitId : '',
    contactId: typeof item.contactId === 'string' ? item.contactId : '',
    phoneKey: typeof item.phoneKey === 'string' ? item.phoneKey : '',
    state: item.state as Invitation['state'],
    ...(item.optedOut === true ? { optedOut: true as const } : {}),
    reminders: Number(item.reminders ?? 0),
    ...(typeof item.lastSentDay === 'string' ? { lastSentDay: item.lastSentDay } : {}),
    ...(typeof item.failure === 'string' ? { failure: item.failure as Invitation['failure'] } : {}),
    ...(typeof item.claim === 'string' ? { claim: item.claim } : {}),
    ...(typeof item.claimedAt === 'string' ? { claimedAt: item.claimedAt } : {}),
  };
}

const isConditionFailure = (error: unknown) => error instanceof Error && error.name === 'ConditionalCheckFailedException';

export function createInvitationStore(doc: DynamoDBDocumentClient, tables: { ops: string; contacts: string }): InvitationStore {
  const sampleKey = (invitation: Pick<Invitation, 'roundId' | 'stratum' | 'entryId'>) => keys.roundSample(invitation.roundId, invitation.stratum, invitation.entryId);

  /** A conditional update of one invitation; false when the condition failed. */
  async function update(invitation: Invitation, expression: string, condition: string, values: Record<string, unknown>): Promise<boolean> {
    try {
      await doc.send(
        new UpdateCommand({
          TableName: tables.ops,
          Key: sampleKey(invitation),
          UpdateExpression: expression,
          ConditionExpression: `attribute_exists(pk) AND ${condition}`,
          ExpressionAttributeNames: { '#state': 'state' },
          ExpressionAttributeValues: values,
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  const store: InvitationStore = {
    async list(roundId) {
      const invitations: Invitation[] = [];
      const pages = paginateQuery(
        { client: doc },
        { TableName: tables.ops, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': keys.roundSamplePartition(roundId) }, ConsistentRead: true },
      );
      for await (const page of pages) for (const item of page.Items ?? []) invitations.push(toInvitation(item));
      return invitations;
    },

    async get(roundId, stratum, entryId) {
      const { Item } = await doc.send(new GetCommand({ TableName: tables.ops, Key: keys.roundSample(roundId, stratum, entryId), ConsistentRead: true }));
      return Item ? toInvitation(Item) : undefined;
    },

    async sealedPhone(contactId) {
      const { Item } = await doc.send(new GetCommand({ TableName: tables.contacts, Key: keys.contact(contactId), ProjectionExpression: 'sealedPhone' }));
      return typeof Item?.sealedPhone === 'string' ? Item.sealedPhone : undefined;
    },

    async quarantine(roundId, month, phoneKeys, expiresAt) {
      await pool([...phoneKeys], PARALLEL_PUTS, async (phoneKey) => {
        await doc.send(new PutCommand({ TableName: tables.ops, Item: { ...keys.quarantine(month, phoneKey, roundId), kind: 'quarantine', phoneKey, expiresAt } }));
      });
    },

    async claim(invitation, kind, at, staleBefore) {
      const claim = claimOf(kind, invitation);
      const free = '(attribute_not_exists(claim) OR claim <> :claim OR claimedAt < :stale)';
      if (kind === 'invitation') {
        return update(invitation, 'SET #state = :queued, claim = :claim, claimedAt = :at', `(#state = :drawn OR (#state = :queued AND ${free}))`, {
          ':queued': 'queued',
          ':drawn': 'drawn',
          ':claim': claim,
          ':at': at,
          ':stale': staleBefore,
        });
      }
      // Not to someone who opted out (退订) since the job read the invitations.
      return update(invitation, 'SET claim = :claim, claimedAt = :at', `#state = :sent AND attribute_not_exists(optedOut) AND (attribute_not_exists(reminders) OR reminders = :count) AND ${free}`, {
        ':sent': 'sent',
        ':count': invitation.reminders,
        ':claim': claim,
        ':at': at,
        ':stale': staleBefore,
      });
    },

    async markSent(invitation, kind, day) {
      if (kind === 'invitation') {
        return update(invitation, 'SET #state = :sent, lastSentDay = :day', '#state IN (:drawn, :queued)', { ':sent': 'sent', ':day': day, ':drawn': 'drawn', ':queued': 'queued' });
      }
      // A reminder counts once: the count it was sent for must still be the count.
      return update(invitation, 'SET reminders = :next, lastSentDay = :day', '#state = :sent AND (attribute_not_exists(reminders) OR reminders = :count)', {
        ':next': invitation.reminders + 1,
        ':day': day,
        ':sent': 'sent',
        ':count': invitation.reminders,
      });
    },

    async markFailed(invitation, failure) {
      // From `sent` too: an invitation is marked sent before its message goes (at most once).
      await update(invitation, 'SET #state = :failed, failure = :failure', '#state IN (:drawn, :queued, :sent)', {
        ':failed': 'failed',
        ':failure': failure,
        ':drawn': 'drawn',
        ':queued': 'queued',
        ':sent': 'sent',
      });
    },

    async optOut(roundId, stratum, entryId) {
      try {
        await doc.send(
          new UpdateCommand({
            TableName: tables.ops,
            Key: keys.roundSample(roundId, stratum, entryId),
            UpdateExpression: 'SET optedOut = :yes',
            ConditionExpression: 'attribute_exists(pk)',
            ExpressionAttributeValues: { ':yes': true },
          }),
        );
      } catch (error) {
        // The sample is gone (a closed round's purge): nothing left to send anyway.
        if (!isConditionFailure(error)) throw error;
      }
    },

    async deleteContacts(contactIds) {
      // No ReturnValues: the route may delete numbers, never read one (IAM DeleteItem only).
      await pool([...contactIds], PARALLEL_PUTS, async (contactId) => {
        await doc.send(new DeleteCommand({ TableName: tables.contacts, Key: keys.contact(contactId) }));
      });
    },

    async closeSample(invitations) {
      await pool([...invitations], PARALLEL_PUTS, async ({ roundId, stratum, entryId }) => {
        await doc.send(new PutCommand({ TableName: tables.ops, Item: { ...keys.roundSample(roundId, stratum, entryId), kind: 'round-sample', stratum, entryId, state: 'closed' } }));
      });
    },

    async answers(roundId) {
      const found: RoundRating[] = [];
      const pages = paginateQuery(
        { client: doc },
        { TableName: tables.ops, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': keys.roundRatingPartition(roundId) }, ConsistentRead: true },
      );
      for await (const page of pages) {
        for (const item of page.Items ?? []) {
          const { pk: _pk, sk: _sk, kind: _kind, ...rating } = item;
          found.push(rating as RoundRating);
        }
      }
      return found;
    },

    async answerCounts(roundId) {
      const counts = new Map<string, LevelCounts>();
      const pages = paginateQuery(
        { client: doc },
        { TableName: tables.ops, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': keys.roundTotalsPartition(roundId) }, ConsistentRead: true },
      );
      for await (const page of pages) {
        for (const item of page.Items ?? []) {
          const levels = emptyLevelCounts();
          for (const level of RATING_LEVELS) levels[level] = Number(item[`l${level}`] ?? 0);
          counts.set(String(item.sk), levels);
        }
      }
      return counts;
    },

    async outbox(roundId, limit) {
      const messages: OutboxMessage[] = [];
      const pages = paginateQuery(
        { client: doc, pageSize: Math.min(limit, 1000) },
        { TableName: tables.ops, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': keys.outboxPartition(roundId) }, ScanIndexForward: false },
      );
      for await (const page of pages) {
        for (const item of page.Items ?? []) {
          messages.push({ at: String(item.at), kind: item.messageKind as OutboxMessage['kind'], to: String(item.to), text: String(item.text), link: String(item.link) });
          if (messages.length >= limit) return messages;
        }
      }
      return messages;
    },

    async storeAnswer({ rating, tokenHash, entryId, now }) {
      const { pk, sk } = keys.roundRating(rating.roundId, rating.stratum, rating.id);
      const items: TransactItem[] = [
        ratingLinkConsumption(tables.ops, tokenHash, now),
        {
          ConditionCheck: {
            TableName: tables.ops,
            Key: keys.round(rating.roundId),
            ConditionExpression: '#state = :sending',
            ExpressionAttributeNames: { '#state': 'state' },
            ExpressionAttributeValues: { ':sending': 'sending' },
          },
        },
        {
          Update: {
            TableName: tables.ops,
            Key: keys.roundSample(rating.roundId, rating.stratum, entryId),
            UpdateExpression: 'SET #state = :responded',
            ConditionExpression: 'attribute_exists(pk) AND #state <> :responded',
            ExpressionAttributeNames: { '#state': 'state' },
            ExpressionAttributeValues: { ':responded': 'responded' },
          },
        },
        { Put: { TableName: tables.ops, Item: { pk, sk, kind: 'round-rating', ...rating }, ConditionExpression: 'attribute_not_exists(pk)' } },
        {
          Update: {
            TableName: tables.ops,
            Key: keys.roundTotals(rating.roundId, rating.stratum),
            UpdateExpression: 'ADD responded :one, #level :one',
            ExpressionAttributeNames: { '#level': `l${rating.level}` },
            ExpressionAttributeValues: { ':one': 1 },
          },
        },
      ];
      // Answers of one round arrive together (the SMS went out at once) and every one touches the
      // round and its stratum's counts: DynamoDB cancels a transaction that meets another on an
      // item (TransactionConflict). Such an answer is tried again, as window ratings are.
      for (let attempt = 0; ; attempt++) {
        try {
          await doc.send(new TransactWriteCommand({ ClientRequestToken: rating.id, TransactItems: items }));
          return;
        } catch (error) {
          if (!(error instanceof TransactionCanceledException)) throw error;
          const reasons = error.CancellationReasons ?? [];
          const [link, round, invitation] = reasons;
          if (link?.Code === 'ConditionalCheckFailed') throw linkRefusal(link.Item as Record<string, { S?: string }> | undefined);
          if (round?.Code === 'ConditionalCheckFailed') throw new RoundNotTakingAnswersError('the round is not taking answers');
          if (invitation?.Code === 'ConditionalCheckFailed') throw new InvitationAnsweredStoreError('the invitation was answered');
          if (!reasons.some((reason) => reason.Code === 'TransactionConflict') || attempt >= MAX_CONFLICT_RETRIES) throw new AnswerBusyError('the answer kept meeting others on the same items', { cause: error });
          await new Promise((resolve) => setTimeout(resolve, 5 * 2 ** attempt * Math.random()));
        }
      }
    },
  };
  return store;
}

/** 138****5678: what a list may show of a number. */
export function maskedPhone(phone: string): string {
  return phone.length === 11 ? `${phone.slice(0, 3)}****${phone.slice(7)}` : '****';
}

/**
 * The local SMS sender: the outbox of one machine, listed on the round page and by `npm run
 * outbox`. It keeps the masked number, never the number; the link (and so the token) is kept,
 * as the provider keeps the text of a message it sent, until the message's keep date.
 */
export function createOutboxSender(doc: DynamoDBDocumentClient, table: string, randomId: () => string, now: () => Date): SmsSender {
  return {
    kind: 'outbox',
    async send(message) {
      const at = now().toISOString();
      await doc.send(
        new PutCommand({
          TableName: table,
          Item: {
            ...keys.outboxMessage(message.roundId, at, randomId()),
            kind: 'outbox',
            at,
            messageKind: message.kind,
            to: maskedPhone(message.phone),
            text: message.text,
            link: message.link,
            expiresAt: message.keepUntil,
          },
        }),
      );
    },
  };
}
