import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { GetCommand, QueryCommand, TransactWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { RatingLevel } from '#shared/domain/rating-level.js';
import { keys } from './keys.js';
import type { TransactItem } from './client.js';
import { windowDayTotalsUpdate } from './totals.js';
import type { CountedRating } from './window-day-counters.js';
import { contactPut, type SealedContact } from './contacts.js';
import { admissionItems, type RatingAdmission } from './throttle.js';
import { hourCountUpdate } from './burst.js';
import { linkRefusal, ratingLinkConsumption, type LinkRates } from './rating-links.js';
import type { RatingChannel } from './window-day-counters.js';
import type { CaseOpening } from '#shared/domain/cases/case-opening.js';
import { caseOpeningItems } from './cases/cases.js';


/** A rating as stored: random id, China-time day only (no finer time), nothing about the rater. */
export interface StoredRating {
  id: string;
  windowCode: string;
  unitId: string;
  hallId: string;
  /**
   * The staff member the resident said served them (one of those on duty when they rated); absent
   * for 不确定 / 未注意. Ratings stored before docs/decisions/0012-attribution.md have no servedBy but
   * `staffIds` (everyone on duty then), which nothing reads: they name nobody.
   */
  servedBy?: string;
  day: string;
  level: RatingLevel;
  /** The NAME of the window's service item (事项) the resident chose, if any. */
  serviceItem?: string;
  indicators?: Partial<Record<'efficiency' | 'competence' | 'attitude', RatingLevel>>;
  reasons?: string[];
  comment?: string;
  /** The survey version the resident was shown: an agency section's, or the national one. */
  surveyId: string;
  surveyVersion: number;
  /** Answers to the agency section, by question id (validated against that version). */
  answers?: Record<string, string | number | string[]>;
  /** How the rating reached us: the window's static QR poster, or a 办件's one-time link (decision 0020). */
  channel: RatingChannel;
  /** Poster ratings are not bound to a transaction and carry the lower trust level; a link's rating is bound to one 办件. */
  trust: 'poster' | 'service-record';
  hasContact: boolean;
  /**
   * 可疑评价: stored past the burst threshold of its window's hour (docs/decisions/0016-burst-detector.md).
   * Counted apart (`{channel}|sp|{level}`), in no rate, breakdown or comment feed.
   */
  suspect?: true;
}

/** The hour a rating falls in and how many ratings of its window that hour may hold before the rest are suspect. */
export interface BurstCheck {
  hour: number;
  threshold: number;
}

export interface IdempotencyClaim {
  keyHash: string;
  /** Hash of the canonical request body: the same key with another body is refused. */
  fingerprint: string;
  /** Unix seconds; the claim is purged by TTL after this. */
  expiresAt: number;
}

export interface IdempotencyRecord {
  fingerprint: string;
  ratingId: string;
}

/** The idempotency key was already used; `existing` is what it produced. */
export class IdempotencyKeyUsedError extends Error {
  override name = 'IdempotencyKeyUsedError';
  constructor(readonly existing: IdempotencyRecord) {
    super('idempotency key already used');
  }
}

export class RatingWriteConflictError extends Error {
  override name = 'RatingWriteConflictError';
}

export interface RatingStore {
  /**
   * Store one rating, its contact (if any) and its totals increment in one transaction, so a
   * rating is never stored without being counted, or counted without being stored.
   */
  store(write: {
    rating: StoredRating;
    contact?: SealedContact;
    idempotency?: IdempotencyClaim;
    admission?: RatingAdmission;
    now?: Date;
    /** The burst detector's hour and threshold for the window (decision 0016): past it, the rating is stored as suspect. */
    burst?: BurstCheck;
    /**
     * A one-time rating link consumed in the same transaction (decision 0020): only an open link
     * within its period passes; otherwise RatingLinkUsedError / RatingLinkExpiredError and nothing is written.
     */
    link?: { tokenHash: string; now: Date; rates?: LinkRates | undefined };
    /**
     * A 差评 opens its case in the same transaction (issue 15 §1): same id as the rating, its
     * verification deadline already counted in working days.
     */
    opensCase?: CaseOpening;
  }): Promise<{ suspect: boolean }>;
  listLevels(windowCode: string, day: string): Promise<RatingLevel[]>;
  /** What the totals count of each rating of a window-day (pattern 7), strongly consistent: for the recount. */
  listCounted(windowCode: string, day: string): Promise<(CountedRating & { id: string })[]>;
  /** What the totals count of one rating (strongly consistent), or undefined when there is none. */
  counted(windowCode: string, day: string, ratingId: string): Promise<CountedRating | undefined>;
}

const COUNTED_PROJECTION = {
  // Not the legacy staffIds (everyone on duty): an old rating names nobody (0012-attribution.md).
  ProjectionExpression: '#id, #level, #channel, servedBy, serviceItem, reasons, #comment, suspect, appealUpheld',
  // COMMENT is a DynamoDB reserved word.
  ExpressionAttributeNames: { '#id': 'id', '#level': 'level', '#channel': 'channel', '#comment': 'comment' },
};

function countedOf(item: Record<string, unknown>): CountedRating & { id: string } {
  return {
    id: String(item.id),
    level: item.level as RatingLevel,
    channel: item.channel as CountedRating['channel'],
    ...(typeof item.servedBy === 'string' ? { servedBy: item.servedBy } : {}),
    ...(typeof item.serviceItem === 'string' ? { serviceItem: item.serviceItem } : {}),
    ...(Array.isArray(item.reasons) ? { reasons: item.reasons as string[] } : {}),
    ...(typeof item.comment === 'string' && item.comment !== '' ? { comment: item.comment } : {}),
    ...(item.suspect === true ? { suspect: true } : {}),
    ...(item.appealUpheld === true ? { appealUpheld: true } : {}),
  };
}

export interface RatingTables {
  ops: string;
  contacts: string;
  /** The window-day totals the rating's transaction adds to (decision 0031). */
  totals: string;
}

const MAX_CONFLICT_RETRIES = 6;

export function createRatingStore(doc: DynamoDBDocumentClient, tables: RatingTables): RatingStore {
  async function readIdempotency(keyHash: string): Promise<IdempotencyRecord | undefined> {
    const { Item } = await doc.send(new GetCommand({ TableName: tables.ops, Key: keys.idempotency(keyHash), ConsistentRead: true }));
    return Item ? { fingerprint: String(Item.fingerprint), ratingId: String(Item.ratingId) } : undefined;
  }

  return {
    async store({ rating: given, contact, idempotency, admission, now, burst, link, opensCase }) {
      const at = now ?? new Date();
      /** The transaction of the rating as normal (under the burst threshold) or as suspect (past it). */
      const build = (suspect: boolean) => {
        const rating: StoredRating = suspect ? { ...given, suspect: true } : given;
        const { pk, sk } = keys.rating(rating.windowCode, rating.day, rating.id);
        const items: TransactItem[] = [];
        if (idempotency) {
          items.push({
            Put: {
              TableName: tables.ops,
              Item: { ...keys.idempotency(idempotency.keyHash), fingerprint: idempotency.fingerprint, ratingId: rating.id, expiresAt: idempotency.expiresAt },
              ConditionExpression: 'attribute_not_exists(pk)',
              ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
            },
          });
        }
        items.push({
          Put: { TableName: tables.ops, Item: { pk, sk, kind: 'rating', ...rating }, ConditionExpression: 'attribute_not_exists(pk)' },
        });
        items.push({ Update: windowDayTotalsUpdate(tables.totals, rating, opensCase ? { named: contact !== undefined } : undefined) });
        if (contact) items.push({ Put: contactPut(tables.contacts, contact) });
        if (opensCase) items.push(...caseOpeningItems(tables.ops, { rating, opening: opensCase, contactId: contact?.contactId, suspect, at }));
        const linkIndex = link ? items.length : -1;
        if (link) items.push(ratingLinkConsumption(tables.ops, link.tokenHash, link.now, link.rates));
        // The hour count: conditional on the threshold for a normal rating, plain for a suspect one.
        const burstIndex = burst ? items.length : -1;
        if (burst) items.push(hourCountUpdate(tables.ops, rating.windowCode, burst.hour, suspect ? undefined : burst.threshold));
        // Last, so that an idempotent replay (item 0) is recognised before a refused admission.
        const admitted = admission ? admissionItems(tables.ops, admission, at) : undefined;
        const admissionStart = items.length;
        if (admitted) items.push(...admitted.items);
        return { items, burstIndex, linkIndex, admitted, admissionStart };
      };

      // A threshold of 0 flags every rating (the condition could not: a missing count passes it).
      let suspect = burst !== undefined && burst.threshold <= 0;
      let built = build(suspect);
      for (let attempt = 0; ; attempt++) {
        try {
          // ClientRequestToken makes an SDK-level retry of this very call (e.g. after a timeout
          // whose write did commit) a no-op instead of a second rating. The suspect version is
          // another request, so it gets its own token.
          await doc.send(new TransactWriteCommand({ TransactItems: built.items, ClientRequestToken: suspect ? `${given.id}-s` : given.id }));
          return { suspect };
        } catch (error) {
          if (!(error instanceof TransactionCanceledException)) throw error;
          const reasons = error.CancellationReasons ?? [];
          if (idempotency && reasons[0]?.Code === 'ConditionalCheckFailed') {
            const old = reasons[0].Item;
            const existing = old
              ? { fingerprint: String(old.fingerprint?.S), ratingId: String(old.ratingId?.S) }
              : await readIdempotency(idempotency.keyHash);
            if (existing) throw new IdempotencyKeyUsedError(existing);
          }
          const linkReason = built.linkIndex >= 0 ? reasons[built.linkIndex] : undefined;
          if (linkReason?.Code === 'ConditionalCheckFailed') throw linkRefusal(linkReason.Item as Record<string, { S?: string }> | undefined, link?.rates);
          const refused = built.admitted?.refusal(reasons.slice(built.admissionStart).map((reason) => reason.Code));
          if (refused) throw refused;
          if (!suspect && built.burstIndex >= 0 && reasons[built.burstIndex]?.Code === 'ConditionalCheckFailed') {
            // Past the window's threshold for this hour: the same rating again, flagged 可疑.
            suspect = true;
            built = build(suspect);
            continue;
          }
          const conflicted = reasons.some((reason) => reason.Code === 'TransactionConflict');
          if (!conflicted || attempt >= MAX_CONFLICT_RETRIES) {
            throw new RatingWriteConflictError('rating transaction was cancelled', { cause: error });
          }
          await new Promise((resolve) => setTimeout(resolve, 5 * 2 ** attempt * Math.random()));
        }
      }
    },

    async listLevels(windowCode, day) {
      const levels: RatingLevel[] = [];
      let ExclusiveStartKey: Record<string, unknown> | undefined;
      do {
        const page = await doc.send(
          new QueryCommand({
            TableName: tables.ops,
            KeyConditionExpression: 'pk = :pk',
            ExpressionAttributeValues: { ':pk': keys.ratingPartition(windowCode, day) },
            ProjectionExpression: '#level',
            ExpressionAttributeNames: { '#level': 'level' },
            ExclusiveStartKey,
          }),
        );
        for (const item of page.Items ?? []) levels.push(item.level as RatingLevel);
        ExclusiveStartKey = page.LastEvaluatedKey;
      } while (ExclusiveStartKey);
      return levels;
    },

    async listCounted(windowCode, day) {
      const ratings: (CountedRating & { id: string })[] = [];
      let ExclusiveStartKey: Record<string, unknown> | undefined;
      do {
        const page = await doc.send(
          new QueryCommand({
            TableName: tables.ops,
            KeyConditionExpression: 'pk = :pk',
            ExpressionAttributeValues: { ':pk': keys.ratingPartition(windowCode, day) },
            ...COUNTED_PROJECTION,
            ConsistentRead: true,
            ExclusiveStartKey,
          }),
        );
        for (const item of page.Items ?? []) ratings.push(countedOf(item));
        ExclusiveStartKey = page.LastEvaluatedKey;
      } while (ExclusiveStartKey);
      return ratings;
    },

    async counted(windowCode, day, ratingId) {
      const { Item } = await doc.send(new GetCommand({ TableName: tables.ops, Key: keys.rating(windowCode, day, ratingId), ...COUNTED_PROJECTION, ConsistentRead: true }));
      return Item ? countedOf(Item) : undefined;
    },
  };
}
