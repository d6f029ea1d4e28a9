import { randomBytes, randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createLocalTokens } from '../../functions/src/auth/tokens.js';
import { createGateway } from '../../infra/local/gateway.js';
import { MAX_REPORT_DAYS } from '../../shared/src/contracts/results.js';
import { addDays, isCalendarDay } from '../../shared/src/domain/china-time.js';
import { BAD_RATING_REASON_CODES } from '../../shared/src/domain/national-survey.js';
import { httpEvent } from '../support/http-events.js';
import { isolatedTables, type IsolatedTables } from '../support/isolated-tables.js';
import { call, putDirectory, scanTable, type Reply } from './fixtures.js';
import { NOT_JSON_CONTENT_TYPES } from '../support/fuzz-requests.js';

/**
 * I-1 / R-2 and invariant 5: generated malformed requests get a clear 4xx naming the field, never
 * a 5xx, and never a write of any kind. Every malformed body below is one valid rating of a real,
 * active window with exactly one defect, so a defect that slipped through would be stored (and
 * caught by the final scan) rather than bounce off an unknown window.
 */

const WINDOW = 'mal00001';
const INACTIVE = 'mal00off';
const UNKNOWN = 'zzzz9999';
const CONTRACT_FIELDS = ['windowCode', 'level', 'indicators', 'reasons', 'comment', 'contactPhone', 'consentToCallback'];
const MOBILE = /^1[3-9]\d{9}$/;
const WINDOW_CODE = /^[a-z0-9]{4,32}$/;
const CONTROL = ['\u0000', '\u0001', '\u0007', '\u0008', '\u000B', '\u000C', '\u000E', '\u001B', '\u001F', '\u007F'];

const endpoint = inject('dynamoEndpoint');
const gateway = createGateway();
let t: IsolatedTables;

beforeAll(async () => {
  t = await isolatedTables(endpoint);
  t.install();
  await putDirectory(t.runtime, [WINDOW, INACTIVE], { inactive: [INACTIVE] });
});

afterAll(() => t?.close());

type Entries = [string, unknown][];

/** A malformed request: what to send, and what the answer must say. */
interface BadRequest {
  kind: string;
  /** The body text (or base64 of raw bytes when `base64`); undefined sends no body at all. */
  body: string | undefined;
  base64?: boolean;
  headers: Record<string, string>;
  /** Keys of the body when it is a JSON object (a field issue may name one of them). */
  bodyKeys: string[];
  /** One of these must be named by an issue. */
  expectedFields: string[];
  status?: number;
}

/** JSON text of an entry list, keeping keys such as `__proto__` as plain own keys. */
function jsonOf(entries: Entries): string {
  return `{${entries.map(([key, value]) => `${JSON.stringify(key)}:${JSON.stringify(value)}`).join(',')}}`;
}

const level = fc.integer({ min: 1, max: 5 });
const goodLevel = fc.integer({ min: 3, max: 5 });
const badRatingLevel = fc.integer({ min: 1, max: 2 });
const reasonList = fc.uniqueArray(fc.constantFrom(...BAD_RATING_REASON_CODES), { minLength: 1, maxLength: 3 });
const validPhone = fc.tuple(fc.integer({ min: 3, max: 9 }), fc.stringMatching(/^\d{9}$/)).map(([second, rest]) => `1${second}${rest}`);
const idempotencyKey = fc.option(fc.uuid(), { nil: undefined });

/** A valid rating of WINDOW, as entries; mutations below break exactly one thing. */
const validEntries: fc.Arbitrary<Entries> = fc
  .record({
    level,
    indicators: fc.option(fc.record({ efficiency: level, attitude: level }, { requiredKeys: [] }), { nil: undefined }),
    comment: fc.option(fc.string({ maxLength: 60 }), { nil: undefined }),
  })
  .map(({ level, indicators, comment }) => {
    const entries: Entries = [
      ['windowCode', WINDOW],
      ['level', level],
    ];
    if (indicators) entries.push(['indicators', indicators]);
    if (comment !== undefined) entries.push(['comment', comment]);
    return entries;
  });

function withField(entries: Entries, field: string, value: unknown): Entries {
  return [...entries.filter(([key]) => key !== field), [field, value]];
}

function without(entries: Entries, field: string): Entries {
  return entries.filter(([key]) => key !== field);
}

const notAString = fc.oneof(fc.integer(), fc.boolean(), fc.constant(null), fc.array(fc.string(), { maxLength: 3 }), fc.dictionary(fc.string(), fc.integer(), { maxKeys: 2 }));
const notAnObject = fc.oneof(fc.integer(), fc.boolean(), fc.constant(null), fc.string(), fc.array(fc.integer(), { maxLength: 3 }));
const notABoolean = fc.oneof(fc.integer(), fc.constant(null), fc.constantFrom('true', 'yes', '1', ''), fc.array(fc.boolean(), { maxLength: 2 }), fc.constant({}));
const badLevel = fc.oneof(
  fc.integer().filter((n) => n < 1 || n > 5),
  fc.double().filter((x) => !Number.isInteger(x)),
  fc.constantFrom('5', '1', ' 5', 'five', '非常满意', '', '5.0'),
  fc.string(),
  fc.boolean(),
  fc.constant(null),
  fc.constant([5]),
  fc.constant({ value: 5 }),
);

function json(kind: string, entries: Entries, expectedFields: string[], extra: Partial<BadRequest> = {}): BadRequest {
  return {
    kind,
    body: jsonOf(entries),
    headers: { 'content-type': 'application/json' },
    bodyKeys: entries.map(([key]) => key),
    expectedFields,
    ...extra,
  };
}

/** One defect per generated request. */
const badRequest: fc.Arbitrary<BadRequest> = fc.oneof(
  // Wrong types and values, field by field.
  fc.tuple(validEntries, fc.oneof(notAString, fc.string().filter((s) => !WINDOW_CODE.test(s)))).map(([e, v]) => json('windowCode', withField(e, 'windowCode', v), ['windowCode'])),
  fc.tuple(validEntries, badLevel).map(([e, v]) => json('level', withField(e, 'level', v), ['level'])),
  fc.tuple(validEntries, fc.oneof(notAnObject, fc.record({ efficiency: badLevel }), fc.record({ speed: level }))).map(([e, v]) =>
    json('indicators', withField(e, 'indicators', v), ['indicators', 'indicators.efficiency', 'indicators.speed']),
  ),
  fc.tuple(validEntries, fc.oneof(notAnObject.filter((v) => !Array.isArray(v)), fc.constant('SLOW'))).map(([e, v]) => json('reasons-type', withField(e, 'reasons', v), ['reasons'])),
  fc
    .tuple(validEntries, badRatingLevel, fc.string().filter((s) => !(BAD_RATING_REASON_CODES as string[]).includes(s)))
    .map(([e, l, code]) => json('reasons-unknown', withField(withField(e, 'level', l), 'reasons', ['SLOW', code].slice(code.length % 2)), ['reasons', 'reasons.0', 'reasons.1'])),
  fc.tuple(validEntries, goodLevel, reasonList).map(([e, l, r]) => json('reasons-good-level', withField(withField(e, 'level', l), 'reasons', r), ['reasons'])),
  fc.tuple(validEntries, badRatingLevel, fc.constantFrom(...BAD_RATING_REASON_CODES)).map(([e, l, r]) => json('reasons-repeated', withField(withField(e, 'level', l), 'reasons', [r, r]), ['reasons'])),
  fc.tuple(validEntries, notAString).map(([e, v]) => json('comment-type', withField(e, 'comment', v), ['comment'])),
  fc.tuple(validEntries, fc.string({ minLength: 501, maxLength: 1500 })).map(([e, v]) => json('comment-long', withField(e, 'comment', v), ['comment'])),
  fc
    .tuple(validEntries, fc.string({ maxLength: 200 }), fc.constantFrom(...CONTROL), fc.string({ maxLength: 200 }))
    .map(([e, a, c, b]) => json('comment-control', withField(e, 'comment', `${a}${c}${b}`), ['comment'])),
  fc
    .tuple(
      validEntries,
      fc.oneof(
        fc.string().filter((s) => !MOBILE.test(s)),
        fc.constantFrom('+8613800138000', '138 0013 8000', '12800138000', '1380013800', '138001380000', '１３８００１３８０００', '13800138000\n'),
        fc.constant(13800138000),
        fc.constant(null),
      ),
    )
    .map(([e, v]) => json('phone-malformed', withField(withField(e, 'contactPhone', v), 'consentToCallback', true), ['contactPhone'])),
  fc
    .tuple(validEntries, validPhone, fc.constantFrom<unknown>(undefined, false))
    .map(([e, phone, consent]) =>
      json('phone-without-consent', consent === undefined ? withField(e, 'contactPhone', phone) : withField(withField(e, 'contactPhone', phone), 'consentToCallback', consent), ['consentToCallback']),
    ),
  validEntries.map((e) => json('consent-without-phone', withField(e, 'consentToCallback', true), ['contactPhone'])),
  fc.tuple(validEntries, notABoolean).map(([e, v]) => json('consent-type', withField(e, 'consentToCallback', v), ['consentToCallback'])),
  fc.tuple(validEntries, fc.constantFrom('windowCode', 'level')).map(([e, field]) => json('missing-required', without(e, field), [field])),
  // Extra keys, including the ones that poison prototypes.
  fc
    .tuple(
      validEntries,
      fc.oneof(
        fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'valueOf', '__defineGetter__', 'isAdmin', 'id', 'day', 'Level', 'level '),
        fc.string({ minLength: 1, maxLength: 20 }).filter((k) => !CONTRACT_FIELDS.includes(k)),
      ),
      fc.jsonValue({ maxDepth: 2 }),
    )
    .map(([e, key, value]) => json('extra-key', [...e, [key, value]], [key])),
  fc
    .tuple(validEntries, fc.constantFrom('__proto__', 'constructor', 'prototype', 'speed'))
    .map(([e, key]) => json('extra-nested-key', withField(e, 'indicators', JSON.parse(`{${JSON.stringify(key)}:5}`)), [`indicators.${key}`])),
  // Deep, huge and oversized.
  fc.tuple(validEntries, fc.integer({ min: 50, max: 5000 }), fc.constantFrom('level', 'indicators', 'reasons', 'extra')).map(([e, depth, field]) => {
    const body = jsonOf(e.filter(([key]) => key !== field)).slice(0, -1) + `,${JSON.stringify(field)}:${'['.repeat(depth)}1${']'.repeat(depth)}}`;
    return { kind: 'deep', body, headers: { 'content-type': 'application/json' }, bodyKeys: [...e.map(([key]) => key), field], expectedFields: [field] };
  }),
  fc.integer({ min: 50, max: 2500 }).map((depth) => ({
    kind: 'deep-body',
    body: `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`,
    headers: { 'content-type': 'application/json' },
    bodyKeys: ['a'],
    expectedFields: ['a', 'windowCode', 'level'],
  })),
  fc.tuple(validEntries, fc.constantFrom('comment', 'windowCode', 'contactPhone'), fc.integer({ min: 2000, max: 15000 }), fc.constantFrom('x', '满', '\u00e9')).map(([e, field, length, char]) => {
    const value = char.repeat(Math.floor(length / Buffer.byteLength(char)));
    return json('huge-string', withField(field === 'contactPhone' ? withField(e, 'consentToCallback', true) : e, field, value), [field]);
  }),
  fc.tuple(validEntries, fc.integer({ min: 16 * 1024 + 1, max: 64 * 1024 }), fc.constantFrom('x', '满', ' ')).map(([e, bytes, char]) => {
    const padding = char.repeat(Math.ceil(bytes / Buffer.byteLength(char)));
    const body = char === ' ' ? `${padding}${jsonOf(e)}` : jsonOf(withField(e, 'comment', padding));
    return { kind: 'over-16kb', body, headers: { 'content-type': 'application/json' }, bodyKeys: [], expectedFields: ['body'], status: 413 };
  }),
  fc.tuple(validEntries, fc.integer({ min: 16 * 1024 + 1, max: 40 * 1024 })).map(([e, bytes]) => ({
    kind: 'over-16kb-base64',
    body: Buffer.from(jsonOf(withField(e, 'comment', 'y'.repeat(bytes)))).toString('base64'),
    base64: true,
    headers: { 'content-type': 'application/json' },
    bodyKeys: [],
    expectedFields: ['body'],
    status: 413,
  })),
  // Not JSON, not UTF-8, not declared as JSON.
  fc
    .oneof(
      fc.string({ minLength: 1 }),
      fc.constantFrom('level=5&windowCode=mal00001', "{'level':5}", '{level:5}', '{"level":5,}', '{"windowCode":"mal00001","level":5', 'NaN', 'undefined', '\u0000', '{"level":5}garbage', '\ufeff{"windowCode":"mal00001","level":5}'),
    )
    .filter((text) => text.trim() !== '' && !parses(text))
    .map((text) => ({ kind: 'not-json', body: text, headers: { 'content-type': 'application/json' }, bodyKeys: [], expectedFields: ['body'] })),
  fc
    .tuple(
      validEntries,
      fc.oneof(
        fc.constantFrom([0xff], [0xfe], [0xc0, 0x80], [0xc1, 0xbf], [0x80], [0xe4, 0xb8], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80], [0xf8, 0x88, 0x80, 0x80, 0x80]),
        fc.uint8Array({ minLength: 1, maxLength: 16 }).map((bytes) => [...bytes]).filter((bytes) => !isUtf8(Buffer.from(bytes))),
      ),
    )
    .map(([e, bad]) => {
      const text = jsonOf(withField(e, 'comment', '@@'));
      const [before, after] = text.split('@@') as [string, string];
      const bytes = Buffer.concat([Buffer.from(before), Buffer.from(bad), Buffer.from(after)]);
      return { kind: 'bad-utf8', body: bytes.toString('base64'), base64: true, headers: { 'content-type': 'application/json' }, bodyKeys: [], expectedFields: ['body'] };
    }),
  fc
    .tuple(
      validEntries,
      fc.constantFrom<string | undefined>(...NOT_JSON_CONTENT_TYPES),
    )
    .map(([e, contentType]): BadRequest => ({
      kind: 'content-type',
      body: jsonOf(e),
      headers: contentType === undefined ? {} : { 'content-type': contentType },
      bodyKeys: [],
      expectedFields: ['body'],
      status: 415,
    })),
  fc.constantFrom<string | undefined>(undefined, '', ' ', '\n\t ').map((body) => ({
    kind: 'empty',
    body,
    headers: { 'content-type': 'application/json' },
    bodyKeys: [],
    expectedFields: ['body'],
  })),
  fc
    .oneof(
      fc.constant(null),
      fc.integer(),
      fc.double({ noNaN: true, noDefaultInfinity: true }),
      fc.boolean(),
      fc.string(),
      fc.array(fc.jsonValue({ maxDepth: 1 }), { maxLength: 3 }),
      validEntries.map((e) => [Object.fromEntries(e)]),
    )
    .map((value) => ({ kind: 'not-an-object', body: JSON.stringify(value), headers: { 'content-type': 'application/json' }, bodyKeys: [], expectedFields: ['body'] })),
  // Well-formed requests that still must not be stored.
  fc.tuple(validEntries, fc.stringMatching(/^[a-z0-9]{4,32}$/).filter((code) => code !== WINDOW && code !== INACTIVE)).map(([e, code]) =>
    json('unknown-window', withField(e, 'windowCode', code), ['windowCode'], { status: 404 }),
  ),
  validEntries.map((e) => json('inactive-window', withField(e, 'windowCode', INACTIVE), ['windowCode'], { status: 409 })),
  fc
    .tuple(
      validEntries,
      fc.oneof(
        fc.constantFrom('', 'short', '1234567', 'has space in it', '键键键键键键键键', 'tab\there12', 'x'.repeat(129)),
        fc.string({ minLength: 8, maxLength: 40 }).filter((k) => !/^[\x21-\x7E]{8,128}$/.test(k)),
      ),
    )
    .map(([e, key]) => {
      const request = json('bad-idempotency-key', e, ['Idempotency-Key'], { status: 400 });
      request.headers['idempotency-key'] = key;
      return request;
    }),
);

function parses(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

function isUtf8(bytes: Buffer): boolean {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return true;
  } catch {
    return false;
  }
}

/** The shape every error answer has: `{ error: { code, message, issues? } }`, message naming its field. */
function assertNamesAField(reply: Reply, allowedFields: Set<string>, expectedFields: string[]): void {
  expect(reply.headers['content-type']).toMatch(/^application\/json/);
  expect(reply.json).toBeTypeOf('object');
  const { error } = reply.json as { error: { code: unknown; message: unknown; issues?: { field: string; message: string }[] } };
  expect(Object.keys(reply.json)).toEqual(['error']);
  expect(error.code).toBeTypeOf('string');
  expect(error.message).toBeTypeOf('string');
  expect(Array.isArray(error.issues) && error.issues.length > 0).toBe(true);
  const first = error.issues![0]!;
  const head = first.field.split('.')[0]!;
  expect(allowedFields.has(first.field) || allowedFields.has(head), `field "${first.field}"`).toBe(true);
  expect(String(error.message).startsWith(`${first.field}:`), `message "${String(error.message)}"`).toBe(true);
  const named = error.issues!.map((issue) => issue.field);
  expect(
    named.some((field) => expectedFields.includes(field) || expectedFields.includes(field.split('.')[0]!)),
    `issues ${JSON.stringify(named)} should name one of ${JSON.stringify(expectedFields)}`,
  ).toBe(true);
}

async function writesIn(): Promise<{ ops: Record<string, unknown>[]; totals: Record<string, unknown>[]; contacts: Record<string, unknown>[] }> {
  const ops = (await scanTable(t.doc, t.tables.ops)).filter((item) => /^(RATINGS#|TOTALS#|IDEMPOTENCY#)/.test(String(item.pk)));
  return { ops, totals: await scanTable(t.doc, t.tables.totals), contacts: await scanTable(t.doc, t.tables.contacts) };
}

describe('POST /api/public/ratings with malformed input (I-1, R-2)', () => {
  it('answers 2,000 generated malformed requests with a 4xx naming the field, never a 5xx, and stores nothing', async () => {
    // Prepare
    const seen = new Map<string, number>();
    const statuses = new Map<number, number>();

    // Act + Assess (per request)
    await fc.assert(
      fc.asyncProperty(badRequest, idempotencyKey, async (request, key) => {
        seen.set(request.kind, (seen.get(request.kind) ?? 0) + 1);
        const headers = { ...request.headers, ...(key && !('idempotency-key' in request.headers) ? { 'idempotency-key': key } : {}) };
        const reply = await call(
          gateway,
          httpEvent('POST', '/api/public/ratings', {
            ...(request.body !== undefined ? { body: request.body } : {}),
            headers,
            isBase64Encoded: request.base64 ?? false,
          }),
        );
        statuses.set(reply.status, (statuses.get(reply.status) ?? 0) + 1);
        expect(reply.status, `${request.kind}: ${reply.text.slice(0, 300)}`).toBeGreaterThanOrEqual(400);
        expect(reply.status, `${request.kind}: ${reply.text.slice(0, 300)}`).toBeLessThan(500);
        if (request.status) expect(reply.status, request.kind).toBe(request.status);
        const allowed = new Set([...request.bodyKeys, ...CONTRACT_FIELDS, 'body', 'Idempotency-Key', 'windowCode']);
        assertNamesAField(reply, allowed, request.expectedFields);
      }),
      { seed: 42, numRuns: 2000 },
    );

    // Assess (after all of them)
    expect(await writesIn()).toEqual({ ops: [], totals: [], contacts: [] });
    for (const kind of ['level', 'extra-key', 'deep', 'over-16kb', 'bad-utf8', 'content-type', 'not-json', 'unknown-window', 'bad-idempotency-key']) {
      expect(seen.has(kind), kind).toBe(true);
    }
    for (const [kind, count] of seen) expect(count, `${kind} was generated`).toBeGreaterThan(20);
    expect([...statuses.keys()].sort()).toEqual([400, 404, 409, 413, 415]);
  });

  it('refuses a body whose own __proto__ key carries the answers, instead of reading them through the prototype', async () => {
    // Prepare
    const body = `{"__proto__":{"windowCode":"${WINDOW}","level":5}}`;

    // Act
    const reply = await call(gateway, httpEvent('POST', '/api/public/ratings', { body, headers: { 'content-type': 'application/json' } }));

    // Assess
    expect(reply.status).toBe(400);
    expect(reply.json.error.issues.map((issue: { field: string }) => issue.field)).toEqual(expect.arrayContaining(['windowCode', 'level']));
    expect(({} as Record<string, unknown>).level).toBeUndefined();
    expect(await writesIn()).toEqual({ ops: [], totals: [], contacts: [] });
  });
  it('refuses text with no UTF-8 form (a lone surrogate escaped in JSON) with 400 naming the field, as it refuses bad UTF-8 bytes', async () => {
    // Prepare: "\ud800" is valid JSON but not a Unicode scalar value; it cannot be written as
    // UTF-8, so it is the JSON-escaped twin of the invalid bytes refused above.
    const bodies = ['\\ud800', 'a\\udfffb', '\\udc00\\ud800'].map((text) => `{"windowCode":"${WINDOW}","level":4,"comment":"${text}"}`);

    // Act
    const replies = await Promise.all(
      bodies.map((body) => call(gateway, httpEvent('POST', '/api/public/ratings', { body, headers: { 'content-type': 'application/json' } }))),
    );

    // Assess
    expect(replies.map((reply) => reply.status)).toEqual([400, 400, 400]);
    for (const reply of replies) assertNamesAField(reply, new Set(['comment', 'body']), ['comment', 'body']);
    expect(await writesIn()).toEqual({ ops: [], totals: [], contacts: [] });
  });
});

describe('GET /api/results/satisfaction with malformed queries', () => {
  const FIELDS = ['window', 'from', 'to'] as const;
  const badDay = fc.oneof(
    fc.constantFrom('2026-02-30', '2026-02-29', '2026-04-31', '2026-13-01', '2026-00-10', '2026-1-1', '20260101', '2026/01/01', '', ' 2026-01-01', '2026-01-01T00:00:00Z', 'today', '0000-00-00', '２０２６-01-01'),
    fc.string({ maxLength: 12 }).filter((s) => !isCalendarDay(s)),
  );
  const day = fc.date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2099-12-31T00:00:00Z'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10));
  const base = { window: WINDOW, from: '2026-01-01', to: '2026-01-31' };

  const badQuery: fc.Arbitrary<{ query: Record<string, string>; expectedFields: string[] }> = fc.oneof(
    fc.tuple(fc.constantFrom('from', 'to'), badDay).map(([field, value]) => ({ query: { ...base, [field]: value }, expectedFields: [field] })),
    fc.tuple(day, fc.integer({ min: 1, max: 4000 })).map(([to, back]) => ({ query: { ...base, from: addDays(to, back), to }, expectedFields: ['to'] })),
    fc.constantFrom(...FIELDS).map((field) => {
      const query: Record<string, string> = { ...base };
      delete query[field];
      return { query, expectedFields: [field] };
    }),
    fc
      .oneof(fc.string({ maxLength: 40 }).filter((s) => !WINDOW_CODE.test(s)), fc.constantFrom('MAL00001', 'mal', `${WINDOW},${WINDOW}`, 'x'.repeat(33), '../mal00001'))
      .map((window) => ({ query: { ...base, window }, expectedFields: ['window'] })),
    fc
      .tuple(
        fc.oneof(fc.constantFrom('__proto__', 'constructor', 'unit', 'level', 'limit', 'Window', 'from '), fc.string({ minLength: 1, maxLength: 12 }).filter((k) => !(FIELDS as readonly string[]).includes(k))),
        fc.string({ maxLength: 20 }),
      )
      .map(([key, value]) => ({ query: Object.fromEntries([...Object.entries(base), [key, value]]) as Record<string, string>, expectedFields: [key] })),
  );

  it('answers 200 generated malformed queries with 400 naming the field', async () => {
    // Prepare
    const { token } = await t.runtime.tokens.issue!({ username: 't', role: 'system-admin', unitId: 'u' }, new Date());

    // Act + Assess
    await fc.assert(
      fc.asyncProperty(badQuery, async ({ query, expectedFields }) => {
        const reply = await call(gateway, httpEvent('GET', '/api/results/satisfaction', { query, headers: { authorization: `Bearer ${token}` } }));
        expect(reply.status, `${JSON.stringify(query)} → ${reply.text.slice(0, 300)}`).toBe(400);
        assertNamesAField(reply, new Set([...FIELDS, ...Object.keys(query)]), expectedFields);
      }),
      { seed: 42, numRuns: 200 },
    );
  });

  it(`refuses a range longer than MAX_REPORT_DAYS (${MAX_REPORT_DAYS}) with 400 naming the field`, async () => {
    // Prepare
    const { token } = await t.runtime.tokens.issue!({ username: 't', role: 'system-admin', unitId: 'u' }, new Date());
    const query = { window: WINDOW, from: '2020-01-01', to: addDays('2020-01-01', MAX_REPORT_DAYS) };

    // Act
    const reply = await call(gateway, httpEvent('GET', '/api/results/satisfaction', { query, headers: { authorization: `Bearer ${token}` } }));

    // Assess
    expect(reply.status).toBe(400);
    assertNamesAField(reply, new Set(['from', 'to']), ['from', 'to']);
  });
});

describe('bearer tokens on the results routes', () => {
  const principal = { username: 't', role: 'system-admin' as const, unitId: 'u' };
  const query = { window: WINDOW, from: '2026-01-01', to: '2026-01-31' };

  async function authorizations(): Promise<[string, string | undefined][]> {
    const valid = (await t.runtime.tokens.issue!(principal, new Date())).token;
    const expired = (await t.runtime.tokens.issue!(principal, new Date(Date.now() - 9 * 3_600_000))).token;
    const foreign = (await createLocalTokens(randomBytes(32).toString('hex'), 8).issue(principal, new Date())).token;
    const [header, payload, signature] = valid.split('.') as [string, string, string];
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<string, unknown>;
    const tampered = `${header}.${Buffer.from(JSON.stringify({ ...claims, unitId: 'other' })).toString('base64url')}.${signature}`;
    const unsigned = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${payload}.`;
    return [
      ['missing', undefined],
      ['empty', ''],
      ['scheme only', 'Bearer'],
      ['not a JWT', 'Bearer not-a-jwt'],
      ['basic auth', 'Basic dXNlcjpwYXNz'],
      ['expired', `Bearer ${expired}`],
      ['signed with another secret', `Bearer ${foreign}`],
      ['tampered claims', `Bearer ${tampered}`],
      ['alg none', `Bearer ${unsigned}`],
      ['random bytes', `Bearer ${randomUUID()}.${randomUUID()}.${randomUUID()}`],
    ];
  }

  it('answers a missing, invalid or expired token with 401 naming Authorization, on both results routes', async () => {
    for (const [label, authorization] of await authorizations()) {
      for (const path of ['/api/results/satisfaction', '/api/windows']) {
        // Act
        const reply = await call(
          gateway,
          httpEvent('GET', path, { query, headers: authorization === undefined ? {} : { authorization } }),
        );

        // Assess
        expect(reply.status, `${label} on ${path}`).toBe(401);
        expect(reply.json.error.code).toBe('UNAUTHORIZED');
        expect(reply.json.error.issues[0].field).toBe('Authorization');
      }
    }
  });

  it('checks the token before the query: a malformed query without a token is 401, not 400', async () => {
    // Act
    const reply = await call(gateway, httpEvent('GET', '/api/results/satisfaction', { query: { window: 'BAD' } }));

    // Assess
    expect(reply.status).toBe(401);
  });

  it('shows a unit admin neither the results nor the listing of a window of another unit (invariant 4, A-1)', async () => {
    // Prepare: WINDOW belongs to the unit "it-unit"; this admin is scoped to a different unit.
    const { token } = await t.runtime.tokens.issue!({ username: 'a', role: 'unit-admin', unitId: 'another-unit' }, new Date());

    // Act
    const report = await call(gateway, httpEvent('GET', '/api/results/satisfaction', { query, headers: { authorization: `Bearer ${token}` } }));
    const list = await call(gateway, httpEvent('GET', '/api/windows', { headers: { authorization: `Bearer ${token}` } }));

    // Assess
    expect([403, 404]).toContain(report.status);
    expect(report.json.counts).toBeUndefined();
    expect(list.status).toBe(200);
    expect(list.json.windows.map((window: { code: string }) => window.code)).not.toContain(WINDOW);
  });

  it('answers a valid token of a role that may not read results with 403', async () => {
    // Prepare
    const { token } = await t.runtime.tokens.issue!({ username: 's', role: 'staff', unitId: 'u' }, new Date());

    // Act
    const reply = await call(gateway, httpEvent('GET', '/api/results/satisfaction', { query, headers: { authorization: `Bearer ${token}` } }));

    // Assess
    expect(reply.status).toBe(403);
    expect(reply.json.error.code).toBe('FORBIDDEN');
  });
});
