import { deviceSlot, loginPair } from '#shared/domain/client-key.js';
import { throttleCounterKey, type RatingAdmission, type ThrottleCounters } from '../data/throttle.js';
import { TooManyRequestsError } from '../errors.js';
import { currentKeys, type ClientKeyring } from './keyring.js';
import { mac128 } from './mac.js';
import type { ThrottlePolicy } from './policy.js';

export { clientOf, deviceOf } from './client.js';
export { cachedKeyring, currentKeys, localKeyring, type ClientKeyring } from './keyring.js';
export { localDayKey, mac128 } from './mac.js';
export { DEFAULT_THROTTLE_POLICY, type ThrottlePolicy } from './policy.js';

/**
 * Anti-stuffing without identifying residents (decision 0015-anti-stuffing): what the rating and
 * login use cases need to apply the limits. Everything counted is a keyed hash with a TTL of minutes.
 */
export interface Throttle {
  keyring: ClientKeyring;
  counters: ThrottleCounters;
  policy: ThrottlePolicy;
}

/** Who sent a request, as far as the limits care: both optional (a direct API call has no device). */
export interface Requester {
  /** Keyed hash of the client (throttle/client.ts). */
  client?: string | undefined;
  /** The random id of the device cookie, as forwarded by the web server. */
  deviceId?: string | undefined;
}

/** The admission items of one rating of `windowCode` (written in the rating's transaction). */
export async function ratingAdmission(throttle: Throttle, requester: Requester, windowCode: string, now: Date): Promise<RatingAdmission> {
  const [today] = await currentKeys(throttle.keyring, now);
  const { policy } = throttle;
  // Rounded up to the minute: the slot keeps no second a rating was given.
  const expiresAt = Math.ceil((now.getTime() / 1000 + policy.ratingIntervalSeconds) / 60) * 60;
  return {
    ...(requester.deviceId && policy.ratingIntervalSeconds > 0 ? { deviceSlot: { slot: deviceSlot(mac128, today, windowCode, requester.deviceId), expiresAt } } : {}),
    ...(requester.client
      ? { clientCounter: { key: `rating|${requester.client}`, windowSeconds: policy.clientWindowSeconds, limit: policy.ratingsPerClient } }
      : {}),
  };
}

const clientLoginKey = (client: string) => `login|${client}`;

/** Refuse a login attempt from a client past its failure limit, or of a username this client failed too often. */
export async function refuseThrottledLogin(throttle: Throttle, requester: Requester, username: string, now: Date): Promise<void> {
  if (!requester.client) return;
  const { policy, counters } = throttle;
  const [today] = await currentKeys(throttle.keyring, now);
  const [client, pair] = await Promise.all([
    counters.count(clientLoginKey(requester.client), policy.clientWindowSeconds, now),
    counters.count(`pair|${loginPair(mac128, today, username, requester.client)}`, policy.clientWindowSeconds, now),
  ]);
  if (client >= policy.loginFailuresPerClient || pair >= policy.loginFailuresPerPair) {
    throw new TooManyRequestsError('username', Math.ceil(policy.clientWindowSeconds / 60));
  }
}

const clientCodeKey = (client: string) => `ballot-code|${client}`;

/** Refuse a ballot code from a client that typed too many unknown ones (429 naming `code`); nothing counts a code that works. */
export async function refuseThrottledCodes(throttle: Throttle, requester: Requester, now: Date): Promise<void> {
  if (!requester.client) return;
  const { policy, counters } = throttle;
  if ((await counters.count(clientCodeKey(requester.client), policy.clientWindowSeconds, now)) >= policy.codeFailuresPerClient) {
    throw new TooManyRequestsError('code', Math.ceil(policy.clientWindowSeconds / 60));
  }
}

/**
 * The vote's own check of the client's unknown codes (for the vote's transaction, so a vote reads
 * nothing before it writes): the counter item of the current window and the limit; none without a client.
 */
export function codeAdmission(throttle: Throttle, requester: Requester, now: Date): { counter: { pk: string; sk: string }; limit: number } | undefined {
  if (!requester.client) return undefined;
  return { counter: throttleCounterKey(clientCodeKey(requester.client), throttle.policy.clientWindowSeconds, now), limit: throttle.policy.codeFailuresPerClient };
}

/** Count an unknown ballot code against the client. */
export async function countCodeFailure(throttle: Throttle, requester: Requester, now: Date): Promise<void> {
  if (!requester.client) return;
  await throttle.counters.add(clientCodeKey(requester.client), throttle.policy.clientWindowSeconds, now);
}

/** Count a failed login against the client and the (username, client) pair. */
export async function countLoginFailure(throttle: Throttle, requester: Requester, username: string, now: Date): Promise<void> {
  if (!requester.client) return;
  const { policy, counters } = throttle;
  const [today] = await currentKeys(throttle.keyring, now);
  await Promise.all([
    counters.add(clientLoginKey(requester.client), policy.clientWindowSeconds, now),
    counters.add(`pair|${loginPair(mac128, today, username, requester.client)}`, policy.clientWindowSeconds, now),
  ]);
}
