import { createHmac, randomBytes } from 'node:crypto';
import type { Cookies, RequestEvent } from '@sveltejs/kit';
import { env } from '$env/dynamic/private';
import { chinaDay } from '#shared/domain/china-time.js';
import { CLIENT_HEADER, DEVICE_COOKIE, DEVICE_HEADER, DEVICE_ID_PATTERN, dayKeyMessage, forwardedClient, type Mac } from '#shared/domain/client-key.js';

/**
 * What the web server tells the API about who is rating or logging in, for the anti-stuffing limits
 * (decision 0015-anti-stuffing): a keyed hash of the visitor's address with a proof (never the
 * address), and the random id of this browser's device cookie (never stored by the API).
 * Without CLIENT_KEY (AWS today, where WAF limits clients at CloudFront) no client is forwarded.
 */
const ONE_YEAR_SECONDS = 365 * 24 * 3600;

// The same HMAC the API computes (functions/src/throttle/mac.ts): the web server cannot import the API's code.
const mac128: Mac = (key, message) => createHmac('sha256', key).update(message).digest().subarray(0, 16).toString('base64url');
const dayKey = (root: Buffer, day: string) => createHmac('sha256', root).update(dayKeyMessage(day)).digest();

let root: Buffer | null | undefined;
function clientRoot(): Buffer | null {
  if (root === undefined) root = env.CLIENT_KEY ? Buffer.from(env.CLIENT_KEY, 'base64') : null;
  return root;
}

/** The device id of this browser, set on the first visit of a resident page (first-party, HttpOnly). */
export function deviceId(cookies: Cookies, secure: boolean): string {
  const existing = cookies.get(DEVICE_COOKIE);
  if (existing && DEVICE_ID_PATTERN.test(existing)) return existing;
  const id = randomBytes(16).toString('base64url');
  cookies.set(DEVICE_COOKIE, id, { path: '/w', maxAge: ONE_YEAR_SECONDS, sameSite: 'lax', httpOnly: true, secure });
  return id;
}

/** Headers for the API: the forwarded client (when the key is configured) and the device (when known). */
export function requesterHeaders(event: Pick<RequestEvent, 'getClientAddress' | 'cookies'>, options: { device?: boolean } = {}): Record<string, string> {
  const headers: Record<string, string> = {};
  const key = clientRoot();
  if (key) headers[CLIENT_HEADER] = forwardedClient(mac128, dayKey(key, chinaDay(new Date())), event.getClientAddress());
  const device = options.device ? event.cookies.get(DEVICE_COOKIE) : undefined;
  if (device && DEVICE_ID_PATTERN.test(device)) headers[DEVICE_HEADER] = device;
  return headers;
}
