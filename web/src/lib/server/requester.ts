import { randomBytes } from 'node:crypto';
import type { Cookies } from '@sveltejs/kit';
import { env } from '$env/dynamic/private';
import { CLIENT_HEADER, DEVICE_COOKIE, DEVICE_HEADER, DEVICE_ID_PATTERN } from '#shared/domain/client-key.js';
import { forwardedClientFor, type ClientSource } from './forwarded-client';

/**
 * What the web server tells the API about who is rating or logging in, for the anti-stuffing limits
 * (decision 0015-anti-stuffing): a keyed hash of the visitor's address with a proof (never the
 * address), and the random id of this browser's device cookie (never stored by the API).
 * Locally the hash is computed here with CLIENT_KEY; in AWS the Lambda adapter computes it from the
 * viewer address CloudFront passes on, only for requests that came through CloudFront (decision
 * 0014), and hands it over as `event.platform.viewer` (forwarded-client.ts).
 */
const ONE_YEAR_SECONDS = 365 * 24 * 3600;

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

/** Headers for the API: the forwarded client (when there is one) and the device (when known). */
export function requesterHeaders(event: ClientSource & { cookies: Pick<Cookies, 'get'> }, options: { device?: boolean } = {}): Record<string, string> {
  const headers: Record<string, string> = {};
  const client = forwardedClientFor(event, clientRoot());
  if (client) headers[CLIENT_HEADER] = client;
  const device = options.device ? event.cookies.get(DEVICE_COOKIE) : undefined;
  if (device && DEVICE_ID_PATTERN.test(device)) headers[DEVICE_HEADER] = device;
  return headers;
}
