/**
 * Keyed client and device identities for the anti-stuffing limits (decision 0015-anti-stuffing):
 * the message formats and the rules, pure. The HMAC itself is passed in (`Mac`: HMAC-SHA256
 * truncated to 128 bits, base64url), computed by the API (functions/src/throttle/mac.ts) and the
 * web server (web/src/lib/server/requester.ts). Nothing here is ever stored as is; the throttle
 * counters hold only these keyed hashes, with a TTL of minutes.
 *
 * - A **day key** is derived once per China-time day from a secret root key (locally an HMAC of the
 *   configured CLIENT_KEY; in AWS a KMS HMAC key, whose root never leaves KMS). Yesterday's hashes
 *   cannot be recomputed from today's key.
 * - A **client** is MAC(day key, "client|" + network address). Without the key the 2^32 IPv4
 *   addresses cannot be tried; with it, only today's counters, which expire.
 * - The web server sees the resident's address, the API sees the web server's: the web server
 *   forwards the client hash with a proof (MAC of the hash under the same day key) in
 *   {@link CLIENT_HEADER}. The API believes a forwarded client only with a valid proof, so a
 *   caller of the API cannot pick a fresh identity for each request.
 * - A **device** is a random id in a first-party cookie; the API counts MAC(day key,
 *   "device|" + window + "|" + id) and never keeps the id.
 */
export const CLIENT_HEADER = 'x-manyi-client';
export const DEVICE_HEADER = 'x-manyi-device';
export const DEVICE_COOKIE = 'manyi_device';
/** 128 random bits, base64url: what the device cookie holds. */
export const DEVICE_ID_PATTERN = /^[A-Za-z0-9_-]{22}$/;

/** HMAC-SHA256 of `message` under `key`, first 16 bytes, base64url (22 characters). */
export type Mac = (key: Uint8Array, message: string) => string;

/** What the root key signs to make the key of a China-time day (`YYYY-MM-DD`). */
export function dayKeyMessage(day: string): string {
  return `manyi-client-v1|${day}`;
}

export function clientHash(mac: Mac, dayKey: Uint8Array, address: string): string {
  return mac(dayKey, `client|${address}`);
}

/** The value of {@link CLIENT_HEADER}: the client hash and a proof that the key holder computed it. */
export function forwardedClient(mac: Mac, dayKey: Uint8Array, address: string): string {
  const hash = clientHash(mac, dayKey, address);
  return `${hash}.${mac(dayKey, `forwarded|${hash}`)}`;
}

/** Compares in time independent of where the strings differ (the proof is a secret-derived value). */
function sameText(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let difference = 0;
  for (let i = 0; i < a.length; i++) difference |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return difference === 0;
}

/**
 * The client hash of a forwarded header, if its proof holds under one of the keys (today's and,
 * across midnight, yesterday's); undefined for anything else.
 */
export function verifiedForwardedClient(mac: Mac, dayKeys: readonly Uint8Array[], value: string | undefined): string | undefined {
  if (!value || value.length > 64) return undefined;
  const [hash, proof, extra] = value.split('.');
  if (!hash || !proof || extra !== undefined) return undefined;
  return dayKeys.some((key) => sameText(mac(key, `forwarded|${hash}`), proof)) ? hash : undefined;
}

/** The counter key of one device rating one window. */
export function deviceSlot(mac: Mac, dayKey: Uint8Array, windowCode: string, deviceId: string): string {
  return mac(dayKey, `device|${windowCode}|${deviceId}`);
}

/** The counter key of one username tried from one client (the login limit per pair). */
export function loginPair(mac: Mac, dayKey: Uint8Array, username: string, client: string): string {
  return mac(dayKey, `login|${username}|${client}`);
}
