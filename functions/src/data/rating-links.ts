import { GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { keys } from './keys.js';
import type { TransactItem } from './client.js';

/**
 * One-time rating links (issue 13 §1, docs/decisions/0020-one-time-rating-links.md).
 *
 * `RLINK#{tokenHash}` / META in the ops table. The token (128 random bits, base64url) is in the URL
 * only; the store keys the link by its SHA-256, so a table read gives no usable link. While open the
 * item holds what the resident rates (unit, window, 办件编号, service item). It is consumed in the
 * rating's own transaction ({@link ratingLinkConsumption}), which REMOVES all of that and records no
 * time: a used link says only `state: 'used'`, so it cannot be joined with a rating, nor with its
 * 办件. Its TTL was fixed at issue (openUntil + {@link LINK_KEEP_DAYS}), not at use.
 */
export const RATING_LINK_PURPOSES = ['service-record', 'sampling', 'recovery'] as const;
export type RatingLinkPurpose = (typeof RATING_LINK_PURPOSES)[number];

export interface OpenRatingLink {
  tokenHash: string;
  purpose: RatingLinkPurpose;
  unitId: string;
  windowCode?: string;
  staffNo?: string;
  projNo?: string;
  /** 办件 links: the 办件's service item. */
  serviceItem?: string;
  /** 阳光测评 invitations (purpose sampling): the round, stratum and frame entry the link invites. */
  roundId?: string;
  stratum?: string;
  entryId?: string;
  /** 回访 links (purpose recovery, issue 15 §2): the case, and how often it had been reopened when sent. */
  caseId?: string;
  reopened?: number;
  /** UTC ISO: the last instant a rating is accepted (补评 period end). */
  openUntil: string;
  state: 'open';
  /** Unix seconds (TTL). */
  expiresAt: number;
}

export type RatingLink = OpenRatingLink | { tokenHash: string; state: 'used'; expiresAt: number };

/** After the period ends a link is kept this long, so that a late resident is told 评价期已过, not "unknown link". */
export const LINK_KEEP_DAYS = 30;

/** The link was used already: its rating is stored (本次办件已评价). */
export class RatingLinkUsedError extends Error {
  override name = 'RatingLinkUsedError';
  constructor() {
    super('rating link already used');
  }
}

/** The link's period is over (评价期已过). */
export class RatingLinkExpiredError extends Error {
  override name = 'RatingLinkExpiredError';
  constructor(readonly openUntil: string) {
    super('rating link period is over');
  }
}

/** No such link (never issued, or purged by TTL). */
export class RatingLinkUnknownError extends Error {
  override name = 'RatingLinkUnknownError';
  constructor() {
    super('no such rating link');
  }
}

export interface RatingLinkStore {
  /** Issue a link; the hash is of a fresh random token, so a collision is a bug, refused by the condition. */
  issue(link: OpenRatingLink): Promise<void>;
  get(tokenHash: string): Promise<RatingLink | undefined>;
}

const OPEN_FIELDS = ['purpose', 'unitId', 'windowCode', 'staffNo', 'projNo', 'serviceItem', 'roundId', 'stratum', 'entryId', 'caseId', 'reopened', 'openUntil'] as const;

function toLink(item: Record<string, unknown>, tokenHash: string): RatingLink {
  if (item.state !== 'open') return { tokenHash, state: 'used', expiresAt: Number(item.expiresAt) };
  const link: Record<string, unknown> = { tokenHash, state: 'open', expiresAt: Number(item.expiresAt) };
  for (const field of OPEN_FIELDS) if (item[field] !== undefined) link[field] = item[field];
  return link as unknown as OpenRatingLink;
}

/**
 * The Update that consumes a link inside a rating's TransactWrite: only an open link within its
 * period passes. What it held of the 办件 is removed; no time is written (the state is all).
 */
/** What a window link rates, as its lookup answered it (the resident page echoes it back with the rating). */
export interface LinkRates {
  windowCode: string;
  serviceItem: string;
}

/**
 * The link's consumption in the rating's transaction: only an open link within its period passes;
 * with `rates`, only a 办件 link of exactly that window and service item (the rating was then built
 * from the echo without reading the link: the condition is what checks it).
 */
export function ratingLinkConsumption(table: string, tokenHash: string, now: Date, rates?: LinkRates): TransactItem {
  const values: Record<string, string> = { ':used': 'used', ':open': 'open', ':now': now.toISOString() };
  let condition = '#state = :open AND openUntil >= :now';
  if (rates) {
    condition += ' AND purpose = :purpose AND windowCode = :window AND serviceItem = :item';
    Object.assign(values, { ':purpose': 'service-record', ':window': rates.windowCode, ':item': rates.serviceItem });
  }
  return {
    Update: {
      TableName: table,
      Key: keys.ratingLink(tokenHash),
      UpdateExpression: 'SET #state = :used REMOVE projNo, staffNo, windowCode, serviceItem, unitId, openUntil, purpose, roundId, stratum, entryId, caseId, reopened',
      ConditionExpression: condition,
      ExpressionAttributeNames: { '#state': 'state' },
      ExpressionAttributeValues: values,
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    },
  };
}

/**
 * A 回访 link's consumption in its case's step (issue 15 §2): only an open recovery link of this case,
 * sent since its last reopening, within its period. Like a rating link, a used one keeps only its state.
 */
export function recoveryLinkConsumption(table: string, tokenHash: string, now: Date, caseId: string, reopened: number): TransactItem {
  return {
    Update: {
      TableName: table,
      Key: keys.ratingLink(tokenHash),
      UpdateExpression: 'SET #state = :used REMOVE unitId, windowCode, openUntil, purpose, caseId, reopened',
      ConditionExpression: '#state = :open AND openUntil >= :now AND purpose = :recovery AND caseId = :case AND reopened = :reopened',
      ExpressionAttributeNames: { '#state': 'state' },
      ExpressionAttributeValues: { ':used': 'used', ':open': 'open', ':now': now.toISOString(), ':recovery': 'recovery', ':case': caseId, ':reopened': reopened },
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    },
  };
}

/**
 * Why a link's condition failed, from the item as it was (ALL_OLD, in DynamoDB's attribute-value
 * form). A link that rates something other than the echoed `rates` is no link of that window.
 */
export function linkRefusal(old: Record<string, { S?: string }> | undefined, rates?: LinkRates): Error {
  if (!old) return new RatingLinkUnknownError();
  if (old.state?.S !== 'open') return new RatingLinkUsedError();
  if (rates && (old.purpose?.S !== 'service-record' || old.windowCode?.S !== rates.windowCode || old.serviceItem?.S !== rates.serviceItem)) return new RatingLinkUnknownError();
  return new RatingLinkExpiredError(old.openUntil?.S ?? '');
}

export function createRatingLinkStore(doc: DynamoDBDocumentClient, table: string): RatingLinkStore {
  return {
    async issue(link) {
      const { tokenHash, ...fields } = link;
      await doc.send(new PutCommand({ TableName: table, Item: { ...keys.ratingLink(tokenHash), kind: 'rating-link', ...fields }, ConditionExpression: 'attribute_not_exists(pk)' }));
    },
    async get(tokenHash) {
      const { Item } = await doc.send(new GetCommand({ TableName: table, Key: keys.ratingLink(tokenHash), ConsistentRead: true }));
      return Item ? toLink(Item, tokenHash) : undefined;
    },
  };
}
