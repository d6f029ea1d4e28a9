import { createHmac } from 'node:crypto';
import { chinaDay } from '#shared/domain/china-time.js';
import { dayKeyMessage, forwardedClient, type Mac } from '#shared/domain/client-key.js';

/**
 * Which client the web server forwards to the API for the anti-stuffing limits (decision
 * 0015-anti-stuffing): no SvelteKit imports here, so the rule can be tested on its own.
 */

// The same HMAC the API computes (functions/src/throttle/mac.ts): the web server cannot import the API's code.
const mac128: Mac = (key, message) => createHmac('sha256', key).update(message).digest().subarray(0, 16).toString('base64url');
const dayKey = (root: Uint8Array, day: string) => createHmac('sha256', root).update(dayKeyMessage(day)).digest();

/**
 * What the Lambda adapter (AWS, infra/lambda/web-handler.ts) tells the app about the viewer, as
 * `event.platform.viewer`: the forwarded client it computed from the viewer address CloudFront
 * passed on, only on a request that carried the origin secret (decision 0014); undefined when it
 * has none to forward.
 */
export interface ViewerPlatform {
  viewer?: { forwardedClient: string | undefined } | undefined;
}

export interface ClientSource {
  getClientAddress(): string;
  platform?: ViewerPlatform | undefined;
}

/**
 * The value of CLIENT_HEADER for this request, or undefined:
 * - behind the Lambda adapter (AWS), the adapter's, and never one computed here: the connection's
 *   address there is an edge server's, shared by everyone behind it;
 * - otherwise (local mode, adapter-node) computed from the connection's address with the day key
 *   of `root` (CLIENT_KEY), when one is configured.
 */
export function forwardedClientFor(event: ClientSource, root: Uint8Array | null, now: Date = new Date()): string | undefined {
  const viewer = event.platform?.viewer;
  if (viewer) return viewer.forwardedClient;
  if (!root) return undefined;
  return forwardedClient(mac128, dayKey(root, chinaDay(now)), event.getClientAddress());
}
