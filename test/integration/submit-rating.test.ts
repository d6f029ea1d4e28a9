import { createHash, randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { createDataLayer } from '../../functions/src/data/index.js';
import { keys } from '../../functions/src/data/keys.js';
import { setRuntime, type Runtime } from '../../functions/src/runtime.js';
import { createGateway } from '../../infra/local/gateway.js';
import { chinaDay } from '../../shared/src/domain/china-time.js';
import { BAD_RATING_REASON_CODES } from '../../shared/src/domain/national-survey.js';
import { httpEvent } from '../support/http-events.js';
import { isolatedTables, type IsolatedTables } from '../support/isolated-tables.js';
import {
  call,
  mulberry32,
  postRating,
  putDirectory,
  scanTable,
  storedRatings,
  storedTotals,
  stringsIn,
  withConcurrency,
} from './fixtures.js';

/**
 * Submitting a rating through the real handler (local gateway, in process) into a real DynamoDB
 * Local: exactly once (invariant 1), totals equal a recount (invariant 2), nothing that links the
 * rating to a person (invariant 3, U-1), phone numbers only sealed in the contact store (P-1), and
 * faults that never leave a partial write.
 */

const W = {
  anonymous: 'anon0001',
  sameKey: 'idem0001',
  otherBody: 'idem0002',
  race: 'race0001',
  load: 'load0001',
  phone: 'phone001',
  brokenContacts: 'fault001',
  lostResponse: 'fault002',
} as const;

/** Attributes a stored rating may have (U-1): ids, the window's context, the answers, a day. */
const RATING_ATTRIBUTES = new Set([
  'pk',
  'sk',
  'kind',
  'id',
  'windowCode',
  'unitId',
  'hallId',
  'servedBy',
  'day',
  'level',
  'serviceItem',
  'indicators',
  'reasons',
  'comment',
  'surveyId',
  'surveyVersion',
  'channel',
  'trust',
  'hasContact',
]);

const MOBILE = /1[3-9]\d{9}/;
/**
 * The same pattern, but not inside a longer run of letters or digits: random 128-bit hex ids and
 * base64 ciphertext contain an 11-digit run starting 13–19 about once in a hundred ids by pure
 * chance, which is not a phone number.
 */
const MOBILE_AS_A_TOKEN = /(?<![0-9A-Za-z])1[3-9]\d{9}(?![0-9A-Za-z])/;

const endpoint = inject('dynamoEndpoint');
const gateway = createGateway();
let t: IsolatedTables;
/** The clock of this file: every rating lands on this China-time day. */
const NOW = new Date();
const DAY = chinaDay(NOW);

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

beforeAll(async () => {
  t = await isolatedTables(endpoint);
  t.runtime.now = () => NOW;
  t.install();
  await putDirectory(t.runtime, Object.values(W));
});

afterAll(() => t?.close());

afterEach(() => {
  // A test that swapped in a faulty runtime must not leave it behind for the next one.
  t.install();
  vi.restoreAllMocks();
});

async function bearer(): Promise<string> {
  const { token } = await t.runtime.tokens.issue!({ username: 't', role: 'system-admin', unitId: 'u' }, new Date());
  return `Bearer ${token}`;
}

async function idempotencyItems(): Promise<Record<string, unknown>[]> {
  return (await scanTable(t.doc, t.tables.ops)).filter((item) => String(item.pk).startsWith('IDEMPOTENCY#'));
}

describe('POST /api/public/ratings', () => {
  describe('a valid rating', () => {
    it('returns 201 with a random id and stores the level, a day and nothing about the rater or a finer time', async () => {
      // Prepare
      const key = `key-${randomUUID()}`;
      const body = { windowCode: W.anonymous, level: 2, reasons: ['SLOW', 'RUDE'], comment: '  等了很久  ', indicators: { attitude: 2 } };
      const userAgent = 'Mozilla/5.0 (Linux; Android 14) ManyiTest/1.0';

      // Act
      const reply = await postRating(gateway, body, {
        'idempotency-key': key,
        'user-agent': userAgent,
        'x-forwarded-for': '203.0.113.77',
      });

      // Assess
      expect(reply.status).toBe(201);
      expect(Object.keys(reply.json)).toEqual(['id']);
      expect(reply.json.id).toMatch(/^[0-9a-f]{32}$/);
      const stored = await storedRatings(t.doc, t.tables.ops, W.anonymous, DAY);
      expect(stored).toHaveLength(1);
      const rating = stored[0]!;
      expect(rating.id).toBe(reply.json.id);
      expect(rating.sk).toBe(keys.rating(W.anonymous, DAY, reply.json.id).sk);
      expect(rating.level).toBe(2);
      expect(rating.reasons).toEqual(['SLOW', 'RUDE']);
      expect(rating.day).toBe(DAY);
      const unexpected = Object.keys(rating).filter((name) => !RATING_ATTRIBUTES.has(name));
      expect(unexpected).toEqual([]);
      const values = stringsIn(rating);
      const leaks = values.filter(
        (value) =>
          value.includes(key) ||
          value.includes(sha256(key)) ||
          value.includes(userAgent) ||
          value.includes('203.0.113.77') ||
          value.includes('127.0.0.1') ||
          /T\d{2}:\d{2}|\d{2}:\d{2}:\d{2}/.test(value),
      );
      expect(leaks).toEqual([]);
      // No epoch seconds or milliseconds hidden in a number either.
      const bigNumbers = Object.values(rating).filter((value) => typeof value === 'number' && value > 1_000_000);
      expect(bigNumbers).toEqual([]);
    });

    it('leaves no time finer than a day next to its id anywhere in the ratings table, idempotency records included (U-1)', async () => {
      // Prepare
      const key = randomUUID();

      // Act
      const reply = await postRating(gateway, { windowCode: W.anonymous, level: 4 }, { 'Idempotency-Key': key });

      // Assess: an epoch instant is allowed only on a day boundary (UTC or China midnight).
      expect(reply.status).toBe(201);
      const linked = (await scanTable(t.doc, t.tables.ops)).filter((item) => stringsIn(item).some((value) => value.includes(reply.json.id)));
      expect(linked.length).toBeGreaterThanOrEqual(1);
      const fineTimes = linked.flatMap((item) =>
        Object.entries(item)
          .filter(([, value]) => typeof value === 'number' && value > 1_000_000_000)
          .filter(([, value]) => (value as number) % 86_400 !== 0 && ((value as number) + 8 * 3600) % 86_400 !== 0)
          .map(([name, value]) => `${String(item.pk).split('#')[0]}.${name} = ${String(value)}`),
      );
      expect(fineTimes).toEqual([]);
    });

    it('gives two ratings unrelated random ids', async () => {
      // Prepare
      const body = { windowCode: W.anonymous, level: 5 };

      // Act
      const first = await postRating(gateway, body);
      const second = await postRating(gateway, body);

      // Assess
      expect([first.status, second.status]).toEqual([201, 201]);
      expect(first.json.id).not.toBe(second.json.id);
      const sharedPrefix = [...first.json.id].findIndex((char: string, i: number) => char !== second.json.id[i]);
      expect(sharedPrefix).toBeLessThan(8);
    });
  });

  describe('Idempotency-Key', () => {
    it('stores exactly one rating for 50 concurrent submissions of one key and one body, and answers each with its id', async () => {
      // Prepare
      const key = randomUUID();
      const body = { windowCode: W.sameKey, level: 4, indicators: { efficiency: 4, competence: 5, attitude: 4 } };

      // Act
      const replies = await Promise.all(Array.from({ length: 50 }, () => postRating(gateway, body, { 'Idempotency-Key': key })));

      // Assess
      expect(replies.map((reply) => reply.status)).toEqual(Array(50).fill(201));
      const ids = new Set(replies.map((reply) => reply.json.id));
      expect(ids.size).toBe(1);
      const stored = await storedRatings(t.doc, t.tables.ops, W.sameKey, DAY);
      expect(stored.map((rating) => rating.id)).toEqual([...ids]);
      expect(await storedTotals(t.doc, t.tables.totals, W.sameKey, DAY)).toEqual({ '1': 0, '2': 0, '3': 0, '4': 1, '5': 0 });
      expect(replies.filter((reply) => reply.headers['idempotent-replayed'] === 'true')).toHaveLength(49);
    });

    it('refuses the same key with a different body with 422 naming Idempotency-Key, and stores nothing new', async () => {
      // Prepare
      const key = randomUUID();
      const first = await postRating(gateway, { windowCode: W.otherBody, level: 5 }, { 'Idempotency-Key': key });
      const totalsBefore = await storedTotals(t.doc, t.tables.totals, W.otherBody, DAY);

      // Act
      const second = await postRating(gateway, { windowCode: W.otherBody, level: 1, reasons: ['RUDE'] }, { 'Idempotency-Key': key });

      // Assess
      expect(first.status).toBe(201);
      expect(second.status).toBe(422);
      expect(second.json.error.code).toBe('IDEMPOTENCY_KEY_REUSED');
      expect(second.json.error.issues[0].field).toBe('Idempotency-Key');
      expect(second.json.error.message).toMatch(/^Idempotency-Key: /);
      const stored = await storedRatings(t.doc, t.tables.ops, W.otherBody, DAY);
      expect(stored.map((rating) => rating.id)).toEqual([first.json.id]);
      expect(await storedTotals(t.doc, t.tables.totals, W.otherBody, DAY)).toEqual(totalsBefore);
    });

    it('treats the same answers in another key order as the same request', async () => {
      // Prepare
      const key = randomUUID();
      const first = await postRating(gateway, { windowCode: W.otherBody, level: 3, indicators: { efficiency: 3, attitude: 4 } }, { 'Idempotency-Key': key });

      // Act
      const retry = await postRating(gateway, { indicators: { attitude: 4, efficiency: 3 }, level: 3, windowCode: W.otherBody }, { 'Idempotency-Key': key });

      // Assess
      expect([first.status, retry.status]).toEqual([201, 201]);
      expect(retry.json.id).toBe(first.json.id);
    });

    it('stores exactly one of two different bodies sent concurrently with one key and refuses the other with 422 (R-3)', async () => {
      for (let round = 0; round < 8; round++) {
        // Prepare
        const key = randomUUID();
        const bodies = [
          { windowCode: W.race, level: 5 },
          { windowCode: W.race, level: 1, reasons: ['BUCK_PASSING'] },
        ];
        const before = await storedRatings(t.doc, t.tables.ops, W.race, DAY);

        // Act
        const replies = await Promise.all(bodies.map((body) => postRating(gateway, body, { 'Idempotency-Key': key })));

        // Assess
        expect(replies.map((reply) => reply.status).sort()).toEqual([201, 422]);
        const winner = replies.findIndex((reply) => reply.status === 201);
        const loser = replies[1 - winner]!;
        expect(loser.json.error.issues[0].field).toBe('Idempotency-Key');
        const after = await storedRatings(t.doc, t.tables.ops, W.race, DAY);
        expect(after).toHaveLength(before.length + 1);
        const added = after.find((rating) => !before.some((old) => old.id === rating.id))!;
        expect(added.id).toBe(replies[winner]!.json.id);
        expect(added.level).toBe(bodies[winner]!.level);
      }
      const levels = (await storedRatings(t.doc, t.tables.ops, W.race, DAY)).map((rating) => rating.level as number);
      const totals = await storedTotals(t.doc, t.tables.totals, W.race, DAY);
      expect(totals['1'] + totals['5']).toBe(8);
      expect(totals['1']).toBe(levels.filter((level) => level === 1).length);
    });
  });

  describe('running totals', () => {
    it('equal a recount of the raw ratings after 1,000 ratings sent 16 at a time, and the satisfaction report shows the same counts', async () => {
      // Prepare
      const random = mulberry32(20260301);
      const bodies = Array.from({ length: 1000 }, () => {
        const level = 1 + Math.floor(random() * 5);
        const body: Record<string, unknown> = { windowCode: W.load, level };
        if (level <= 2 && random() < 0.5) body.reasons = [BAD_RATING_REASON_CODES[Math.floor(random() * BAD_RATING_REASON_CODES.length)]];
        if (random() < 0.3) body.indicators = { attitude: 1 + Math.floor(random() * 5) };
        if (random() < 0.1) body.comment = '办事顺利';
        return body;
      });
      const sent = { '1': 0, '2': 0, '3': 0, '4': 0, '5': 0 } as Record<string, number>;
      for (const body of bodies) sent[String(body.level)]! += 1;

      // Act
      const replies = await withConcurrency(bodies, 16, (body) => postRating(gateway, body));
      const report = await call(
        gateway,
        httpEvent('GET', '/api/results/satisfaction', {
          query: { window: W.load, from: DAY, to: DAY },
          headers: { authorization: await bearer() },
        }),
      );

      // Assess
      const statuses = replies.reduce<Record<number, number>>((acc, reply) => ({ ...acc, [reply.status]: (acc[reply.status] ?? 0) + 1 }), {});
      expect(statuses).toEqual({ 201: 1000 });
      const recount = { '1': 0, '2': 0, '3': 0, '4': 0, '5': 0 } as Record<string, number>;
      for (const level of await t.runtime.ratings.listLevels(W.load, DAY)) recount[String(level)]! += 1;
      expect(recount).toEqual(sent);
      expect(await storedTotals(t.doc, t.tables.totals, W.load, DAY)).toEqual(recount);
      expect(report.status).toBe(200);
      expect(report.json.n).toBe(1000);
      expect(report.json.counts).toEqual(recount);
      expect(report.json.satisfiedRate.numerator).toBe(recount['4']! + recount['5']!);
    });
  });

  describe('a contact phone for 回访 (P-1)', () => {
    it('is stored only in the contact store, only sealed, and opens back to the number', async () => {
      // Prepare
      const phone = '13912345678';
      const lines: string[] = [];
      for (const method of ['log', 'error', 'warn', 'info'] as const) {
        vi.spyOn(console, method).mockImplementation((...args: unknown[]) => {
          lines.push(args.map(String).join(' '));
        });
      }

      // Act
      const reply = await postRating(
        gateway,
        { windowCode: W.phone, level: 1, reasons: ['REPEAT_VISITS'], contactPhone: phone, consentToCallback: true },
        { 'Idempotency-Key': randomUUID() },
      );

      // Assess
      expect(reply.status).toBe(201);
      const ops = await scanTable(t.doc, t.tables.ops);
      const contacts = await scanTable(t.doc, t.tables.contacts);
      const everything = [...ops, ...contacts].flatMap(stringsIn);
      expect(everything.filter((value) => value.includes(phone))).toEqual([]);
      expect(everything.filter((value) => MOBILE_AS_A_TOKEN.test(value))).toEqual([]);
      expect(lines.filter((line) => MOBILE.test(line))).toEqual([]);

      const [rating] = await storedRatings(t.doc, t.tables.ops, W.phone, DAY);
      expect(rating?.hasContact).toBe(true);
      const contact = contacts.find((item) => item.ratingId === reply.json.id);
      expect(contact).toBeDefined();
      expect(Object.keys(contact!).sort()).toEqual(['contactId', 'expiresAt', 'pk', 'ratingId', 'sealedPhone', 'windowCode']);
      expect(await t.runtime.sealer.open(String(contact!.sealedPhone))).toBe(phone);
      const sealedValues = new Set(contacts.map((item) => String(item.sealedPhone)));
      expect(ops.flatMap(stringsIn).filter((value) => sealedValues.has(value))).toEqual([]);
    });
  });

  describe('faults (R-5)', () => {
    it('stores nothing at all when the contact store cannot be written, and does not leak the error', async () => {
      // Prepare
      const broken: Runtime = { ...t.runtime, ...createDataLayer(t.doc, { ...t.tables, contacts: 'no-such-table' }) };
      setRuntime(broken);
      const key = randomUUID();
      const body = { windowCode: W.brokenContacts, level: 2, reasons: ['SLOW'], contactPhone: '15800000000', consentToCallback: true };
      const idempotencyBefore = await idempotencyItems();
      const contactsBefore = await scanTable(t.doc, t.tables.contacts);
      vi.spyOn(console, 'error').mockImplementation(() => undefined);

      // Act
      const reply = await postRating(gateway, body, { 'Idempotency-Key': key });

      // Assess
      expect(reply.status).toBeGreaterThanOrEqual(500);
      expect(reply.json.error.message).not.toMatch(/no-such-table|resource|not found|dynamo|exception/i);
      expect(reply.text).not.toMatch(/no-such-table|ResourceNotFound|stack|at .*\.ts/i);
      expect(await storedRatings(t.doc, t.tables.ops, W.brokenContacts, DAY)).toEqual([]);
      expect(await storedTotals(t.doc, t.tables.totals, W.brokenContacts, DAY)).toEqual({ '1': 0, '2': 0, '3': 0, '4': 0, '5': 0 });
      expect(await idempotencyItems()).toEqual(idempotencyBefore);
      expect(await scanTable(t.doc, t.tables.contacts)).toEqual(contactsBefore);

      // …and once the store is back, the same request with the same key goes through once.
      t.install();
      const retry = await postRating(gateway, body, { 'Idempotency-Key': key });
      expect(retry.status).toBe(201);
      expect((await storedRatings(t.doc, t.tables.ops, W.brokenContacts, DAY)).map((rating) => rating.id)).toEqual([retry.json.id]);
    });

    it('answers a retry after a lost response with the committed id and counts the rating once', async () => {
      // Prepare: the write commits, then the response is lost (as if the Lambda timed out).
      const real = t.runtime.ratings;
      const losesResponse: Runtime = {
        ...t.runtime,
        ratings: {
          ...real,
          async store(write) {
            await real.store(write);
            throw new Error('socket hang up after commit');
          },
        },
      };
      setRuntime(losesResponse);
      vi.spyOn(console, 'error').mockImplementation(() => undefined);
      const key = randomUUID();
      const body = { windowCode: W.lostResponse, level: 3, comment: '窗口少' };
      const lost = await postRating(gateway, body, { 'Idempotency-Key': key });
      t.install();

      // Act
      const retry = await postRating(gateway, body, { 'Idempotency-Key': key });

      // Assess
      expect(lost.status).toBeGreaterThanOrEqual(500);
      expect(retry.status).toBe(201);
      const stored = await storedRatings(t.doc, t.tables.ops, W.lostResponse, DAY);
      expect(stored.map((rating) => rating.id)).toEqual([retry.json.id]);
      expect(await storedTotals(t.doc, t.tables.totals, W.lostResponse, DAY)).toEqual({ '1': 0, '2': 0, '3': 1, '4': 0, '5': 0 });
    });
  });
});
