import { afterAll, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { chinaDay } from '#shared/domain/china-time.js';
import { CLIENT_HEADER, DEVICE_HEADER, forwardedClient } from '#shared/domain/client-key.js';
import { mac128 } from '../../functions/src/throttle/index.js';
import { hashPassword } from '../../functions/src/auth/password.js';
import { createGateway } from '../../infra/local/gateway.js';
import { pinnedClock } from '../support/clock.js';
import { isolatedTables, type IsolatedTables } from '../support/isolated-tables.js';
import { httpEvent, jsonHeaders } from '../support/http-events.js';
import { scanAll } from './accounts-helpers.js';
import { call, postRating, putDirectory, storedRatings, storedTotals, withConcurrency } from './fixtures.js';

/**
 * Anti-stuffing without identifying residents (issue 11, item 2; decision 0015): one rating per
 * device and window per interval, a per-client limit on ratings and on failed logins (keyed hashes
 * in short-lived counters), no rating from a signed-in account, and a login throttle that nobody
 * can turn into a lockout of someone else. Limits are lowered here so the tests stay small.
 */
const endpoint = inject('dynamoEndpoint');
const gateway = createGateway();
const clock = pinnedClock();
const PASSWORD = 'Correct-horse-满意-2026';
const WINDOWS = ['asw1x', 'asw2x', 'asw3x', 'asw4x', 'asw5x', 'asw6x'];
let t: IsolatedTables;

beforeAll(async () => {
  t = await isolatedTables(endpoint, { now: clock, throttle: { ratingsPerClient: 10, loginFailuresPerClient: 8, loginFailuresPerPair: 3 } });
  t.install();
  await putDirectory(t.runtime, WINDOWS);
  const passwordHash = await hashPassword(PASSWORD);
  await t.runtime.accounts.put({ username: 'as.admin', displayName: '管理员', role: 'unit-admin', unitId: 'it-unit', passwordHash });
  await t.runtime.accounts.put({ username: 'as.staff', displayName: '工作人员', role: 'staff', unitId: 'it-unit', passwordHash });
});
afterAll(() => t?.close());

let serial = 0;
/** A fresh device id (22 base64url characters), as the web server's cookie holds. */
const device = () => `dev${String(++serial).padStart(19, '0')}`;
/** The header the web server sends for a visitor at `address` (computed with the runtime's own key). */
async function from(address: string): Promise<string> {
  const key = await t.runtime.throttle.keyring.dayKey(chinaDay(t.runtime.now()));
  return forwardedClient(mac128, key, address);
}
const rating = (windowCode: string, level = 5) => ({ windowCode, level });
const day = () => chinaDay(t.runtime.now());
const levelTotal = async (windowCode: string) => {
  const totals = await storedTotals(t.doc, t.tables.totals, windowCode, day());
  return Object.values(totals).reduce((sum, n) => sum + n, 0);
};

describe('one rating per device and window within the interval', () => {
  it('refuses a second rating of the same window from the same device with 429 RATED_RECENTLY and writes nothing', async () => {
    const headers = { [DEVICE_HEADER]: device(), [CLIENT_HEADER]: await from('198.51.100.1') };
    const first = await postRating(gateway, rating('asw1x', 5), headers);
    const second = await postRating(gateway, rating('asw1x', 1), headers);
    const otherWindow = await postRating(gateway, rating('asw2x', 4), headers);
    const otherDevice = await postRating(gateway, rating('asw1x', 4), { ...headers, [DEVICE_HEADER]: device() });

    expect(first.status).toBe(201);
    expect(second.status).toBe(429);
    expect(second.json.error.code).toBe('RATED_RECENTLY');
    expect(second.json.error.issues[0].field).toBe('windowCode');
    expect(otherWindow.status).toBe(201);
    expect(otherDevice.status).toBe(201);
    const stored = await storedRatings(t.doc, t.tables.ops, 'asw1x', day());
    expect(stored.map((r) => r.level).sort()).toEqual([4, 5]);
    expect(await levelTotal('asw1x')).toBe(2);
  });

  it('replays a double submit of the same page (same Idempotency-Key) instead of refusing it', async () => {
    const headers = { [DEVICE_HEADER]: device(), [CLIENT_HEADER]: await from('198.51.100.2'), 'idempotency-key': 'page-load-0001' };
    const first = await postRating(gateway, rating('asw3x'), headers);
    const again = await postRating(gateway, rating('asw3x'), headers);
    expect(first.status).toBe(201);
    expect(again.status).toBe(201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.json.id).toBe(first.json.id);
  });

  it('accepts the device again once the interval (30 minutes) has passed', async () => {
    const headers = { [DEVICE_HEADER]: device(), [CLIENT_HEADER]: await from('198.51.100.3') };
    const start = t.runtime.now();
    try {
      expect((await postRating(gateway, rating('asw4x'), headers)).status).toBe(201);
      t.runtime.now = () => new Date(start.getTime() + 29 * 60_000);
      expect((await postRating(gateway, rating('asw4x'), headers)).status).toBe(429);
      t.runtime.now = () => new Date(start.getTime() + 31 * 60_000);
      expect((await postRating(gateway, rating('asw4x'), headers)).status).toBe(201);
    } finally {
      t.runtime.now = clock;
    }
  });

  it('stores exactly one of 16 concurrent ratings of one window from one device', async () => {
    const headers = { [DEVICE_HEADER]: device(), [CLIENT_HEADER]: await from('198.51.100.4') };
    const before = await levelTotal('asw5x');
    const replies = await withConcurrency(
      Array.from({ length: 16 }, (_, i) => i),
      16,
      () => postRating(gateway, rating('asw5x', 3), headers),
    );
    expect(replies.filter((r) => r.status === 201)).toHaveLength(1);
    expect(replies.filter((r) => r.status === 429)).toHaveLength(15);
    expect(replies.every((r) => r.status === 201 || r.json.error.code === 'RATED_RECENTLY')).toBe(true);
    expect((await levelTotal('asw5x')) - before).toBe(1);
  });

  it('keeps neither the device id nor the address in any item', async () => {
    const items = JSON.stringify(await scanAll(t.doc, t.tables.ops));
    expect(items).not.toContain('dev000');
    expect(items).not.toContain('198.51.100');
    expect(items).not.toContain('127.0.0.1');
  });
});

describe('per-client limit on ratings', () => {
  it('accepts 10 ratings from one client in 15 minutes (whatever the devices) and refuses the rest with 429 naming client, writing nothing', async () => {
    const client = await from('203.0.113.7');
    const before = await levelTotal('asw6x');
    const replies = [];
    for (let i = 0; i < 20; i++) replies.push(await postRating(gateway, rating('asw6x', 5), { [DEVICE_HEADER]: device(), [CLIENT_HEADER]: client }));

    expect(replies.filter((r) => r.status === 201)).toHaveLength(10);
    const refused = replies.filter((r) => r.status === 429);
    expect(refused).toHaveLength(10);
    expect(refused.every((r) => r.json.error.code === 'TOO_MANY_REQUESTS' && r.json.error.issues[0].field === 'client')).toBe(true);
    expect((await levelTotal('asw6x')) - before).toBe(10);
    // Another client behind another address is not affected.
    expect((await postRating(gateway, rating('asw6x', 5), { [DEVICE_HEADER]: device(), [CLIENT_HEADER]: await from('203.0.113.8') })).status).toBe(201);
  });

  it('does not believe a forwarded client without a valid proof: it counts the connection instead', async () => {
    const forged = `${'A'.repeat(22)}.${'B'.repeat(22)}`;
    const replies = [];
    for (let i = 0; i < 12; i++) replies.push(await postRating(gateway, rating('asw2x', 5), { [DEVICE_HEADER]: device(), [CLIENT_HEADER]: forged }));
    // All of them are one client (the connection, 127.0.0.1 here): 10 at most.
    expect(replies.filter((r) => r.status === 201).length).toBeLessThanOrEqual(10);
    expect(replies.some((r) => r.status === 429 && r.json.error.code === 'TOO_MANY_REQUESTS')).toBe(true);
  });
});

describe('self-rating', () => {
  it('refuses a rating sent with a staff session (403 naming authorization), stores nothing and counts the attempt in the audit log', async () => {
    const { token } = await t.runtime.tokens.issue({ username: 'as.staff', role: 'staff', unitId: 'it-unit', sessionVersion: 0 }, new Date());
    const before = await levelTotal('asw1x');
    const reply = await postRating(gateway, rating('asw1x', 5), { authorization: `Bearer ${token}`, [DEVICE_HEADER]: device(), [CLIENT_HEADER]: await from('192.0.2.50') });

    expect(reply.status).toBe(403);
    expect(reply.json.error.issues[0].field).toBe('authorization');
    expect(await levelTotal('asw1x')).toBe(before);
    const audit = (await scanAll(t.doc, t.tables.audit)) as { actor: string; action: string; objectId: string; result: string }[];
    expect(audit.filter((e) => e.action === 'rating.self-refused' && e.actor === 'as.staff' && e.objectId === 'asw1x' && e.result === 'denied')).toHaveLength(1);
  });

  it('treats an invalid token as no session (the rating is anonymous either way)', async () => {
    const reply = await postRating(gateway, rating('asw3x', 4), { authorization: 'Bearer not-a-token', [DEVICE_HEADER]: device(), [CLIENT_HEADER]: await from('192.0.2.51') });
    expect(reply.status).toBe(201);
  });
});

describe('login throttle', () => {
  const attempt = async (username: string, password: string, address: string) => {
    return call(gateway, httpEvent('POST', '/api/auth/login', { headers: { ...jsonHeaders, [CLIENT_HEADER]: await from(address) }, body: JSON.stringify({ username, password }) }));
  };

  beforeEach(() => {
    // Each test starts a quarter of an hour later: fresh client windows, a fresh username series.
    const next = t.runtime.now().getTime() + 16 * 60_000;
    t.runtime.now = () => new Date(next);
  });
  afterAll(() => {
    t.runtime.now = clock;
  });

  it('stops one client guessing one username after 3 failures (pair limit) without locking the account for anyone else', async () => {
    for (let i = 0; i < 3; i++) expect((await attempt('as.admin', `wrong-${i}`, '100.64.0.1')).status).toBe(401);
    const sameClient = await attempt('as.admin', PASSWORD, '100.64.0.1');
    const otherClient = await attempt('as.admin', PASSWORD, '100.64.0.2');

    expect(sameClient.status).toBe(429);
    expect(sameClient.json.error.code).toBe('TOO_MANY_REQUESTS');
    expect(sameClient.json.token).toBeUndefined();
    expect(otherClient.status).toBe(200);
    const audit = (await scanAll(t.doc, t.tables.audit)) as { actor: string; action: string; detail?: string }[];
    expect(audit.filter((e) => e.action === 'login.throttled' && e.actor === 'as.admin')).toHaveLength(1);
  });

  it('stops a client spraying many usernames after 8 failures in 15 minutes', async () => {
    for (let i = 0; i < 8; i++) expect((await attempt(`spray.${i}`, 'Password-1234', '100.64.0.3')).status).toBe(401);
    const next = await attempt('as.admin', PASSWORD, '100.64.0.3');
    expect(next.status).toBe(429);
    expect(next.json.error.code).toBe('TOO_MANY_REQUESTS');
    expect((await attempt('as.admin', PASSWORD, '100.64.0.4')).status).toBe(200);
  });

  it('makes a username attacked from many clients wait at most 60 seconds: the owner gets in after the wait', async () => {
    // 12 failures from 12 addresses (each under its own limits): the username's series grows.
    const start = t.runtime.now().getTime();
    let last = start;
    for (let i = 0; i < 12; i++) {
      // Each attempt after the previous wait has passed (refused attempts are not counted).
      const reply = await attempt('as.admin', `wrong-${i}`, `100.65.0.${i}`);
      expect(reply.status).toBe(401);
      last += 61_000;
      const at = last;
      t.runtime.now = () => new Date(at);
    }
    const right = start + 12 * 61_000;
    // Just after the 12th failure the owner waits (429 LOCKED_OUT, 60 s at most) …
    t.runtime.now = () => new Date(right - 61_000 + 1_000);
    const waiting = await attempt('as.admin', PASSWORD, '100.66.0.1');
    expect(waiting.status).toBe(429);
    expect(waiting.json.error.code).toBe('LOCKED_OUT');
    expect(waiting.json.error.message).toMatch(/try again in (\d|[1-5]\d|60) seconds/);
    // … and a minute later gets in, from anywhere.
    t.runtime.now = () => new Date(right);
    expect((await attempt('as.admin', PASSWORD, '100.66.0.1')).status).toBe(200);
  });
});
