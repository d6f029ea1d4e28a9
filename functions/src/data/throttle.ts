import { GetCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { keys } from './keys.js';
import type { TransactItem } from './client.js';

/**
 * Fixed-window counters for the per-client limits (decision 0015-anti-stuffing). A counter is one
 * item per keyed hash and window (`THROTTLE#{key}` / `W#{window start}`), added to with one
 * UpdateItem, gone by TTL a minute after its window ends. Fixed windows let a client reach twice
 * the limit across a window boundary; the limits are set with that in mind.
 */
export interface ThrottleCounters {
  /** The count of the window `now` falls in (strongly consistent). */
  count(key: string, windowSeconds: number, now: Date): Promise<number>;
  /** Add 1 to that count and return the new value. */
  add(key: string, windowSeconds: number, now: Date): Promise<number>;
}

/** A device's slot at a window: taken in the rating's own transaction, free again after `expiresAt`. */
export interface DeviceSlot {
  slot: string;
  /** Unix seconds, rounded up to the minute (the slot does not keep the second a rating was given). */
  expiresAt: number;
}

const windowStart = (now: Date, windowSeconds: number) => Math.floor(now.getTime() / 1000 / windowSeconds) * windowSeconds;

/** The counter item of `key` for the window `now` falls in (for a check inside another transaction). */
export function throttleCounterKey(key: string, windowSeconds: number, now: Date): { pk: string; sk: string } {
  return keys.throttleCounter(key, windowStart(now, windowSeconds));
}

/** +1 on the counter of `key` for the window `now` falls in; the item goes (TTL) a minute after the window. */
function counterUpdate(table: string, key: string, windowSeconds: number, now: Date) {
  const start = windowStart(now, windowSeconds);
  return {
    TableName: table,
    Key: keys.throttleCounter(key, start),
    UpdateExpression: 'ADD n :one SET kind = :kind, expiresAt = :exp',
    ExpressionAttributeValues: { ':one': 1, ':kind': 'throttle', ':exp': start + windowSeconds + 60 } as Record<string, unknown>,
  };
}

export function createThrottleCounters(doc: DynamoDBDocumentClient, table: string): ThrottleCounters {
  return {
    async count(key, windowSeconds, now) {
      const { Item } = await doc.send(
        new GetCommand({ TableName: table, Key: keys.throttleCounter(key, windowStart(now, windowSeconds)), ConsistentRead: true, ProjectionExpression: 'n' }),
      );
      return typeof Item?.n === 'number' ? Item.n : 0;
    },
    async add(key, windowSeconds, now) {
      const { Attributes } = await doc.send(new UpdateCommand({ ...counterUpdate(table, key, windowSeconds, now), ReturnValues: 'UPDATED_NEW' }));
      return Number(Attributes?.n ?? 1);
    },
  };
}

/** What a rating must get past, written in the rating's own transaction (so a refusal writes nothing). */
export interface RatingAdmission {
  deviceSlot?: DeviceSlot;
  /** The client's counter: +1, refused when it already holds `limit`. */
  clientCounter?: { key: string; windowSeconds: number; limit: number };
}

/** The device rated this window within the interval: its slot is taken. */
export class DeviceSlotTakenError extends Error {
  override name = 'DeviceSlotTakenError';
  constructor() {
    super('this device rated this window a short while ago');
  }
}

/** The client reached its limit for the current window. */
export class ClientLimitError extends Error {
  override name = 'ClientLimitError';
  constructor() {
    super('too many ratings from this client');
  }
}


/**
 * The transaction items of an admission, and how to read a cancellation: `refusal(reasons, offset)`
 * names the error for the first refused admission item (offset = index of the first item here).
 */
export function admissionItems(table: string, admission: RatingAdmission, now: Date): { items: TransactItem[]; refusal(codes: (string | undefined)[]): Error | undefined } {
  const nowSeconds = Math.floor(now.getTime() / 1000);
  const items: TransactItem[] = [];
  const errors: (() => Error)[] = [];
  if (admission.deviceSlot) {
    items.push({
      Put: {
        TableName: table,
        Item: { ...keys.deviceSlot(admission.deviceSlot.slot), kind: 'device-slot', expiresAt: admission.deviceSlot.expiresAt },
        // TTL deletes late (up to days): an expired slot still there is free.
        ConditionExpression: 'attribute_not_exists(pk) OR expiresAt <= :now',
        ExpressionAttributeValues: { ':now': nowSeconds },
      },
    });
    errors.push(() => new DeviceSlotTakenError());
  }
  if (admission.clientCounter) {
    const { key, windowSeconds, limit } = admission.clientCounter;
    const update = counterUpdate(table, key, windowSeconds, now);
    items.push({
      Update: {
        ...update,
        ConditionExpression: 'attribute_not_exists(n) OR n < :limit',
        ExpressionAttributeValues: { ...update.ExpressionAttributeValues, ':limit': limit },
      },
    });
    errors.push(() => new ClientLimitError());
  }
  return {
    items,
    refusal: (codes) => {
      const index = codes.findIndex((code) => code === 'ConditionalCheckFailed');
      return index >= 0 ? errors[index]?.() : undefined;
    },
  };
}
