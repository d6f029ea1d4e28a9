import { clientHash, DEVICE_HEADER, DEVICE_ID_PATTERN, CLIENT_HEADER, verifiedForwardedClient } from '#shared/domain/client-key.js';
import { mac128 } from './mac.js';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';

/**
 * Forwarded headers already verified under today's key (its object is the map's key, so a new day
 * starts empty): a client rates and signs in many times a day, and each check costs two MACs.
 * Only verified headers are kept, at most MAX_VERIFIED per day key; they are keyed hashes already.
 */
const verified = new WeakMap<Buffer, Map<string, string>>();
const MAX_VERIFIED = 10_000;

function forwardedClientOf(keys: readonly [Buffer, ...Buffer[]], header: string | undefined): string | undefined {
  if (!header) return undefined;
  let known = verified.get(keys[0]);
  const hit = known?.get(header);
  if (hit) return hit;
  // Only what today's key verifies is remembered; yesterday's (across midnight) is checked each time.
  const client = verifiedForwardedClient(mac128, [keys[0]], header);
  if (!client) return keys.length > 1 ? verifiedForwardedClient(mac128, keys.slice(1), header) : undefined;
  if (!known || known.size >= MAX_VERIFIED) verified.set(keys[0], (known = new Map()));
  known.set(header, client);
  return client;
}

/**
 * Who is asking, as a keyed hash: the client the web server forwarded with a valid proof, or else
 * the address the request came from. Neither the address nor the header is kept anywhere.
 */
export function clientOf(
  event: Pick<APIGatewayProxyEventV2, 'headers' | 'requestContext'>,
  keys: readonly [Buffer, ...Buffer[]],
  from: 'source-ip' | 'forwarded-only' = 'source-ip',
): string | undefined {
  const forwarded = forwardedClientOf(keys, event.headers?.[CLIENT_HEADER]);
  if (forwarded || from === 'forwarded-only') return forwarded;
  return clientHash(mac128, keys[0], event.requestContext.http.sourceIp);
}

/** The device id the web server forwarded from its first-party cookie, if well formed. */
export function deviceOf(event: Pick<APIGatewayProxyEventV2, 'headers'>): string | undefined {
  const value = event.headers?.[DEVICE_HEADER];
  return value && DEVICE_ID_PATTERN.test(value) ? value : undefined;
}
