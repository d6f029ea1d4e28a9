import fc from 'fast-check';
import type { z } from 'zod';
import type { Operation } from '../../shared/src/contracts/api.js';
import { toFieldIssues } from '../../shared/src/contracts/errors.js';
import type { Gateway } from '../../infra/local/gateway.js';
import type { Route } from '../../functions/src/routes.js';
import { call, type Reply } from '../integration/fixtures.js';
import { httpEvent } from './http-events.js';
import {
  applyMutation,
  badStrings,
  badText,
  deleteAt,
  dotted,
  fieldOf,
  jsonMutations,
  jsonText,
  LONE_SURROGATES,
  own,
  setAt,
  textMapMutations,
  type Bad,
  type Field,
  type Mutation,
  type NodeOf,
} from './fuzz-schema.js';

/**
 * Requests of the contract fuzz: the generator of bad requests of one operation (around a VALID
 * baseline request), the oracle that says, from the operation's own schemas, whether a generated
 * request is invalid and which field its answer must name, and the checks of the answer.
 *
 * The oracle reads the request exactly as the server will see it (percent-decoded path segments,
 * the query map, the JSON text parsed, upload cells as a CSV reader yields them) and asks the
 * schema (safeParse). It knows the transport rules of a JSON body the contracts state (415 unless
 * application/json, 413 over 16 KB or the operation's `largeBody.maxBytes`, 400 naming `body` for bad UTF-8, an empty body or bad JSON).
 */

/** JSON bodies over this are refused with 413 (the 413 "Body over 16 KB" of the contracts). */
export const MAX_JSON_BODY_BYTES = 16 * 1024;

/** A CSV upload: its columns, one data row, and the schema of each cell that has one. */
export interface CsvSpec {
  kind: 'csv';
  header: string[];
  row: string[];
  cells: ({ field: string; schema: z.ZodType } | undefined)[];
  /** Columns a file must have (dropping one is a file-level defect). */
  required: string[];
  /** The preview answers 200 listing the problems; apply refuses with 400. */
  preview: boolean;
}
/** An image upload (JPEG, PNG or WebP, at most maxBytes). */
export interface ImageSpec {
  kind: 'image';
  valid: Buffer;
  maxBytes: number;
}
export type RawSpec = CsvSpec | ImageSpec;

/** A valid request of an operation: what the fuzz mutates. */
export interface Baseline {
  method: Route['method'];
  path: string;
  query?: Record<string, string>;
  json?: unknown;
  raw?: { body: string; isBase64Encoded: boolean; contentType: string; spec: RawSpec };
}

export interface Payload {
  part: 'params' | 'query' | 'body' | 'headers' | 'raw' | 'ignored';
  category: string;
  /** The mutated input: a dotted body path ('' for the body as a whole), a query key, a path parameter or a header. */
  key: string;
  path: string;
  /** Raw path segment of every path parameter, as sent. */
  params: Record<string, string>;
  query?: Record<string, string>;
  headers: Record<string, string>;
  body?: string;
  base64?: boolean;
  /** The mutated value, for reports. */
  shown: string;
  /** A mutated upload cell: the column's field and the value written into the file. */
  cell?: { field: string; value: string; schema: z.ZodType };
}

const show = (value: unknown): string => {
  const text = typeof value === 'string' ? JSON.stringify(value) : value === undefined ? 'undefined' : jsonText(value);
  return text.length > 120 ? `${text.slice(0, 100)}…(${text.length} chars)` : text;
};

/** A path segment as a client sends it: percent-encoded UTF-8; a lone surrogate as its 3 (invalid) UTF-8-like bytes. */
export function encodeSegment(value: string): string {
  let out = '';
  for (let i = 0; i < value.length; i++) {
    const unit = value.charCodeAt(i);
    const pair = unit >= 0xd800 && unit <= 0xdbff && i + 1 < value.length && value.charCodeAt(i + 1) >= 0xdc00 && value.charCodeAt(i + 1) <= 0xdfff;
    if (pair) {
      out += encodeURIComponent(value.slice(i, i + 2));
      i++;
    } else if (unit >= 0xd800 && unit <= 0xdfff) {
      out += [0xe0 | (unit >> 12), 0x80 | ((unit >> 6) & 0x3f), 0x80 | (unit & 0x3f)].map((byte) => `%${byte.toString(16).toUpperCase()}`).join('');
    } else out += encodeURIComponent(value[i]!);
  }
  return out;
}

const MALFORMED_PERCENT = ['%', '%2', '%zz', '%G0', '%E4%B8', '%ED%A0%80', '%C0%AF', '%FF', '%80', '%%', '%u0041', '%E4%B8%'];
const SEPARATORS = ['%2F', '..', '.', '%2E%2E', '%00', '%23', '%3F', '%20', '%25', '+', '%5C', 'a%2F..%2Fb'];

export interface OperationSpec {
  route: Route;
  operation: Operation;
  baseline: Baseline;
  /** Path parameters of the baseline, decoded. */
  params: Record<string, string>;
}

function pathWith(route: Route, rawParams: Record<string, string>): string {
  return route.path.replace(/\{(\w+)\}/g, (_m, name: string) => rawParams[name] ?? '');
}

/** The baseline as a payload (before any defect). */
export function basePayload(spec: OperationSpec): Payload {
  const { baseline } = spec;
  const params = Object.fromEntries(Object.entries(spec.params).map(([name, value]) => [name, encodeSegment(value)]));
  const payload: Payload = { part: 'ignored', category: 'baseline', key: '', path: pathWith(spec.route, params), params, headers: {}, shown: '' };
  if (baseline.query) payload.query = own(Object.entries(baseline.query)) as Record<string, string>;
  if (baseline.json !== undefined) {
    payload.body = jsonText(baseline.json);
    payload.headers['content-type'] = 'application/json';
  } else if (baseline.raw) {
    payload.body = baseline.raw.body;
    payload.base64 = baseline.raw.isBase64Encoded;
    payload.headers['content-type'] = baseline.raw.contentType;
  }
  return payload;
}

const objectNode = (schema: z.ZodType): NodeOf<'object'> => {
  const { node } = fieldOf(schema);
  if (node.kind !== 'object') throw new Error('expected an object schema');
  return node;
};

function paramMutations(spec: OperationSpec, base: Payload): fc.Arbitrary<Payload>[] {
  const schema = spec.operation.params;
  if (!schema) return [];
  const node = objectNode(schema);
  const arbs: fc.Arbitrary<Payload>[] = [];
  for (const name of Object.keys(base.params)) {
    const field: Field = node.shape[name] ?? { node: { kind: 'string', patterns: [] }, required: true, nullable: false };
    const seed = spec.params[name] ?? '';
    const withRaw = (category: string, raw: string, shown: string): Payload => {
      const params = { ...base.params, [name]: raw };
      return { ...base, part: 'params', category, key: name, params, path: pathWith(spec.route, params), shown };
    };
    for (const arb of badText(field, seed)) {
      // An empty segment matches no route at all (the gateway's 404): not a request of this operation.
      arbs.push(arb.filter((bad) => bad.value !== '').map((bad) => withRaw(bad.category, encodeSegment(String(bad.value)), show(bad.value))));
    }
    arbs.push(
      fc
        .tuple(fc.constantFrom(...MALFORMED_PERCENT), fc.constantFrom('prefix', 'suffix', 'alone'))
        .map(([bad, where]) => withRaw('malformed-percent', where === 'alone' ? bad : where === 'prefix' ? `${bad}${encodeSegment(seed)}` : `${encodeSegment(seed)}${bad}`, bad)),
    );
    arbs.push(fc.constantFrom(...SEPARATORS).map((raw) => withRaw('encoded-separator', raw, raw)));
    arbs.push(fc.integer({ min: 4096, max: 16384 }).map((length) => withRaw('very-long-path', encodeSegment(seed.repeat(Math.ceil(length / Math.max(1, seed.length))).slice(0, length)), `${length} chars`)));
  }
  return arbs;
}

function queryMutations(spec: OperationSpec, base: Payload): fc.Arbitrary<Payload>[] {
  const schema = spec.operation.query;
  if (!schema) return [];
  const query = (base.query ?? {}) as Record<string, string>;
  return textMapMutations(objectNode(schema), query).map((arb) =>
    arb.map((mutation) => ({
      ...base,
      part: 'query' as const,
      category: mutation.category,
      key: dotted(mutation.path),
      query: applyMutation(query, mutation) as Record<string, string>,
      shown: mutation.deleted ? '(absent)' : show(mutation.value),
    })),
  );
}

function bodyFieldMutations(spec: OperationSpec, base: Payload): fc.Arbitrary<Payload>[] {
  const schema = spec.operation.body;
  if (!schema) return [];
  return jsonMutations(fieldOf(schema), spec.baseline.json).map((arb) =>
    arb.map((mutation: Mutation) => ({
      ...base,
      part: 'body' as const,
      category: mutation.path.length === 0 && mutation.category === 'wrong-type' ? 'not-an-object' : mutation.category,
      key: dotted(mutation.path),
      body: jsonText(applyMutation(spec.baseline.json, mutation)),
      shown: mutation.deleted ? '(absent)' : show(mutation.value),
    })),
  );
}

const parses = (text: string) => {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
};
const isUtf8 = (bytes: Uint8Array) => {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return true;
  } catch {
    return false;
  }
};

/** Content types that are not JSON (none, empty, another type): every one is refused (also test/integration/malformed-input.test.ts). */
export const NOT_JSON_CONTENT_TYPES: readonly (string | undefined)[] = [
  undefined,
  '',
  'text/plain',
  'text/json',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=xyz',
  'application/xml',
  'application/jsonp',
  'application/json-patch+json',
  'application/vnd.api+json',
  'json',
  'application/javascript',
];

const CONTENT_TYPES = [
  ...NOT_JSON_CONTENT_TYPES,
  'application/json, text/plain',
  'APPLICATION/JSON',
  'application/json; charset=utf-8',
  'application/json;charset=gbk',
];

/** Defects of the body as a whole: not JSON, not declared as JSON, empty, not an object, too deep, too big, not UTF-8. */
function bodyWholeMutations(spec: OperationSpec, base: Payload): fc.Arbitrary<Payload>[] {
  if (!spec.operation.body) return [];
  const text = base.body ?? '{}';
  /** 16 KB, or the operation's own larger bound (the draw pack's). */
  const limit = spec.operation.largeBody?.maxBytes ?? MAX_JSON_BODY_BYTES;
  const whole = (category: string, body: string | undefined, shown: string, extra: Partial<Payload> = {}): Payload => {
    const payload: Payload = { ...base, part: 'body', category, key: '', shown, ...extra };
    if (body === undefined) delete payload.body;
    else payload.body = body;
    return payload;
  };
  const corrupt = [
    text.slice(0, -1),
    `${text},`,
    text.replace(/"/g, "'"),
    text.replace(/"(\w+)":/g, '$1:'),
    `${text}garbage`,
    `\ufeff${text}`,
    text.replace(/}$/, ',}'),
    `{${text}`,
    text.replace(':', '::'),
    `${text}${text}`,
    `/* note */${text}`,
    'NaN',
    'undefined',
    '{"a":1,,}',
    "{'a':1}",
    text.replace(/"/, '"\u0000'),
  ];
  return [
    fc
      .oneof(fc.constantFrom(...corrupt), fc.string({ minLength: 1, maxLength: 60 }))
      .filter((body) => body.trim() !== '' && !parses(body))
      .map((body) => whole('malformed-json', body, show(body))),
    fc.constantFrom(...CONTENT_TYPES).map((type) => {
      const headers = { ...base.headers };
      if (type === undefined) delete headers['content-type'];
      else headers['content-type'] = type;
      return whole('content-type', text, `content-type ${show(type)}`, { headers });
    }),
    fc.constantFrom<string | undefined>(undefined, '', ' ', '\n\t ').map((body) => whole('empty-body', body, show(body))),
    fc.constantFrom('null', '0', '1.5', 'true', '"text"', '[]', '[{}]', `[${text}]`).map((body) => whole(body.startsWith('[') ? 'array-for-object' : 'not-an-object', body, body.slice(0, 60))),
    fc
      .tuple(fc.integer({ min: 50, max: 5000 }), fc.constantFrom('[', '{"a":'))
      .map(([depth, open]) => whole('deep-nesting', `${open.repeat(depth)}1${(open === '[' ? ']' : '}').repeat(depth)}`, `${depth} levels of ${open}`)),
    fc
      .tuple(fc.integer({ min: limit + 1, max: limit + 3 * MAX_JSON_BODY_BYTES }), fc.constantFrom(' ', '\n'))
      .map(([bytes, pad]) => whole('over-16kb', `${pad.repeat(bytes)}${text}`, `${bytes} bytes of padding`)),
    fc
      .constantFrom([0xff], [0xfe], [0xc0, 0x80], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80], [0xe4, 0xb8], [0x80])
      .map((bad) => {
        const at = text.lastIndexOf('"');
        const bytes = Buffer.concat([Buffer.from(text.slice(0, Math.max(0, at))), Buffer.from(bad), Buffer.from(text.slice(Math.max(0, at)))]);
        return whole('bad-utf8', bytes.toString('base64'), `bytes ${Buffer.from(bad).toString('hex')}`, { base64: true });
      }),
  ];
}

function headerMutations(spec: OperationSpec, base: Payload): fc.Arbitrary<Payload>[] {
  const arbs: fc.Arbitrary<Payload>[] = [];
  for (const [name, header] of Object.entries(spec.operation.headers ?? {})) {
    const field = fieldOf(header.schema);
    const bads: fc.Arbitrary<Bad>[] = [...badText(field, 'a1b2c3d4-e5f6'), fc.constantFrom('', 'short', 'x'.repeat(129), 'has space in it', '键'.repeat(8)).map((value) => ({ category: 'bad-format', value }))];
    for (const arb of bads) {
      arbs.push(arb.map((bad) => ({ ...base, part: 'headers' as const, category: bad.category, key: name, headers: { ...base.headers, [name.toLowerCase()]: String(bad.value) }, shown: show(bad.value) })));
    }
  }
  return arbs;
}

const csvCell = (value: string) => `"${value.replace(/"/g, '""')}"`;
const csvText = (rows: string[][]) => `${rows.map((row) => row.map(csvCell).join(',')).join('\r\n')}\r\n`;

function rawMutations(spec: OperationSpec, base: Payload): fc.Arbitrary<Payload>[] {
  const raw = spec.baseline.raw;
  if (!raw) return [];
  const upload = (category: string, body: string | undefined, base64: boolean, shown: string, extra: Partial<Payload> = {}): Payload => {
    const payload: Payload = { ...base, part: 'raw', category, key: 'body', base64, shown, ...extra };
    if (body === undefined) delete payload.body;
    else payload.body = body;
    return payload;
  };
  const empty = fc.constantFrom<string | undefined>(undefined, '').map((body) => upload('empty-file', body, false, show(body)));
  if (raw.spec.kind === 'image') {
    const { valid, maxBytes } = raw.spec;
    return [
      empty,
      fc
        .oneof(
          fc.constantFrom('GIF89a\u0001\u0000', 'BM6\u0000', '%PDF-1.7', '<svg xmlns="http://www.w3.org/2000/svg"/>', '<html><script>1</script></html>', 'not an image').map((text) => Buffer.from(text)),
          fc.uint8Array({ minLength: 1, maxLength: 64 }).map((bytes) => Buffer.from(bytes)),
          fc.integer({ min: 1, max: 24 }).map((length) => valid.subarray(0, length)),
          fc.integer({ min: 0, max: 7 }).map((at) => Buffer.from(valid.map((byte, i) => (i === at ? byte ^ 0xff : byte)))),
        )
        .filter((bytes) => !isImageMagic(bytes))
        .map((bytes) => upload('bad-image', bytes.toString('base64'), true, `${bytes.length} bytes ${bytes.subarray(0, 8).toString('hex')}`)),
      fc.integer({ min: maxBytes + 1, max: maxBytes + 4096 }).map((length) => {
        const bytes = Buffer.concat([valid, Buffer.alloc(length - valid.length)]);
        return upload('over-size', bytes.toString('base64'), true, `${length} bytes`);
      }),
    ];
  }
  const csv = raw.spec;
  const arbs: fc.Arbitrary<Payload>[] = [empty];
  csv.cells.forEach((cell, column) => {
    if (!cell) return;
    const { node } = fieldOf(cell.schema);
    if (node.kind !== 'string') return;
    for (const arb of badStrings(node, csv.row[column] ?? '')) {
      arbs.push(
        arb.map((bad) => {
          const value = String(bad.value);
          const row = csv.row.map((v, i) => (i === column ? value : v));
          return upload(bad.category, csvText([csv.header, row]), false, `${cell.field} = ${show(value)}`, { key: `rows.2.${cell.field}`, cell: { field: cell.field, value, schema: cell.schema } });
        }),
      );
    }
  });
  arbs.push(
    fc.constantFrom(...csv.required).map((field) => {
      const column = csv.cells.findIndex((cell) => cell?.field === field);
      const drop = (row: string[]) => row.filter((_, i) => i !== column);
      return upload('missing-column', csvText([drop(csv.header), drop(csv.row)]), false, `without ${field}`, { key: 'file' });
    }),
    fc.constant(upload('no-rows', csvText([csv.header]), false, 'header only', { key: 'file' })),
    fc.constantFrom(`${csv.header.join(',')}\r\n"unclosed,${csv.row.join(',')}\r\n`, `a\u0000b\r\n${csv.row.join(',')}`).map((body) => upload('not-csv', body, false, show(body), { key: 'file' })),
    fc
      .oneof(
        fc.uint8Array({ minLength: 8, maxLength: 200 }).map((bytes) => Buffer.from(bytes)),
        fc.uint8Array({ maxLength: 100 }).map((bytes) => Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), Buffer.from(bytes)])),
      )
      .map((bytes) => upload('not-csv', bytes.toString('base64'), true, `${bytes.length} bytes ${bytes.subarray(0, 8).toString('hex')}`, { key: 'file' })),
    fc.constant(0).map(() => upload('over-size', `${csvText([csv.header, csv.row])}${'x'.repeat(3 * 1024 * 1024)}`, false, 'over 3 MiB', { key: 'file' })),
  );
  return arbs;
}

function isImageMagic(bytes: Buffer): boolean {
  const png = bytes.length > 24 && bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  const jpeg = bytes.length > 4 && bytes[0] === 0xff && bytes[1] === 0xd8;
  const webp = bytes.length > 16 && bytes.subarray(0, 4).toString('latin1') === 'RIFF' && bytes.subarray(8, 12).toString('latin1') === 'WEBP';
  return png || jpeg || webp;
}

/** Input an operation does not read: query parameters of an operation without a query schema, a body of one without a body. */
function ignoredMutations(spec: OperationSpec, base: Payload): fc.Arbitrary<Payload>[] {
  const arbs: fc.Arbitrary<Payload>[] = [];
  if (!spec.operation.query) {
    arbs.push(
      fc.tuple(fc.oneof(fc.constantFrom('__proto__', 'constructor', 'limit', 'cursor', 'unit', 'role'), fc.string({ minLength: 1, maxLength: 10 })), fc.string({ maxLength: 20 })).map(([key, value]) => ({
        ...base,
        part: 'ignored' as const,
        category: 'ignored-query',
        key,
        query: own([...Object.entries(base.query ?? {}), [key, value]]) as Record<string, string>,
        shown: `${key}=${show(value)}`,
      })),
    );
  }
  // A body on a GET is not read by anything (and would only make the fuzz render reports and posters).
  if (!spec.operation.body && !spec.baseline.raw && spec.route.method !== 'GET') {
    arbs.push(
      fc.tuple(fc.oneof(fc.jsonValue({ maxDepth: 2 }).map(jsonText), fc.string({ maxLength: 40 })), fc.constantFrom('application/json', 'text/plain', 'application/xml')).map(([body, type]) => ({
        ...base,
        part: 'ignored' as const,
        category: 'ignored-body',
        key: 'body',
        body,
        headers: { ...base.headers, 'content-type': type },
        shown: show(body),
      })),
    );
  }
  return arbs;
}

/** A first-page request of a listing (limit 1), whose answer carries a real cursor to forge; undefined when it has no cursor. */
export function cursorProbe(spec: OperationSpec): Payload | undefined {
  const shape = spec.operation.query ? objectNode(spec.operation.query).shape : {};
  if (!('cursor' in shape)) return undefined;
  const base = basePayload(spec);
  const kept = Object.entries(base.query ?? {}).filter(([key]) => key !== 'limit' && key !== 'cursor');
  return { ...base, query: own('limit' in shape ? [...kept, ['limit', '1']] : kept) as Record<string, string> };
}

/**
 * Forged cursors: a real one (a DynamoDB key as base64url JSON, maybe after a `prefix.` such as a
 * scope index) with one part changed. The schema takes any cursor string of up to 2,048
 * characters, so these are valid requests: the answer may be a 400 naming `cursor`, never a 5xx (a
 * key into another partition, or one DynamoDB refuses).
 */
interface Cursor {
  prefix: string;
  key: Record<string, unknown>;
}

function decodedCursor(cursor: string): Cursor | undefined {
  const dot = cursor.lastIndexOf('.');
  for (const [prefix, body] of [['', cursor], ...(dot >= 0 ? [[cursor.slice(0, dot + 1), cursor.slice(dot + 1)]] : [])] as [string, string][]) {
    try {
      const key: unknown = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
      if (key !== null && typeof key === 'object' && !Array.isArray(key)) return { prefix, key: key as Record<string, unknown> };
    } catch {
      // not this way
    }
  }
  return undefined;
}

/** A payload of the probe with this cursor: raw text as is, a key object encoded after the prefix. */
const forgedCursor =
  (probe: Payload, category: string, prefix: string) =>
  (value: unknown, shown: string): Payload => ({
    ...probe,
    part: 'query',
    category,
    key: 'cursor',
    query: own([...Object.entries(probe.query ?? {}), ['cursor', typeof value === 'string' ? value : `${prefix}${Buffer.from(jsonText(value)).toString('base64url')}`]]) as Record<string, string>,
    shown,
  });

function cursorMutations(probe: Payload, cursor: string): fc.Arbitrary<Payload>[] {
  const decoded = decodedCursor(cursor);
  const names = Object.keys(decoded?.key ?? {});
  if (!decoded || names.length === 0) return [];
  const { prefix, key } = decoded;
  const forged = forgedCursor(probe, 'forged-cursor', prefix);
  const body = cursor.slice(prefix.length);
  const values = fc.oneof(
    fc.integer({ min: 300, max: 500 }).map((n) => ({ value: '满'.repeat(n) as unknown, shown: `${n} × 满` })),
    fc.constantFrom<unknown>('', LONE_SURROGATES[0], 'x', 1, null, {}, [], true).map((value) => ({ value, shown: show(value) })),
    fc.string({ maxLength: 30 }).map((value) => ({ value: value as unknown, shown: show(value) })),
  );
  const arbs = [
    fc.tuple(fc.constantFrom(...names), values).map(([name, { value, shown }]) => forged(setAt(key, [name], value), `${name} = ${shown}`)),
    fc.tuple(fc.constantFrom(...names), fc.constantFrom('X', '#', '\u0000', 'ZZZZ')).map(([name, suffix]) => forged(setAt(key, [name], `${String(key[name])}${suffix}`), `${name} + ${show(suffix)}`)),
    fc.constantFrom(...names).map((name) => forged(deleteAt(key, [name]), `without ${name}`)),
    fc.constantFrom('__proto__', 'x', 'gsi1pk').map((name) => forged(setAt(key, [name], 'x'), `with ${name}`)),
    fc
      .constantFrom('null', '[]', '"x"', '{')
      .map((text) => forged(`${prefix}${Buffer.from(text).toString('base64url')}`, show(text))),
    fc.constantFrom(`${cursor}!`, cursor.slice(0, -2), '%%%', '=', body, `.${body}`).map((text) => forged(text, show(text))),
  ];
  if (prefix !== '') {
    arbs.push(fc.constantFrom('', '-1.', '999999.', 'x.', '1e9.', '0x1.', '..', `${prefix}${prefix}`).map((other) => forged(`${other}${body}`, `prefix ${show(other)}`)));
  }
  return arbs;
}

/** The generator of one operation's bad requests (`cursor`: a real cursor of the listing, to forge). */
export function payloadsOf(spec: OperationSpec, cursor?: string): fc.Arbitrary<Payload> {
  const base = basePayload(spec);
  const probe = cursorProbe(spec);
  const parts: { weight: number; arbs: fc.Arbitrary<Payload>[] }[] = [
    { weight: 3, arbs: paramMutations(spec, base) },
    { weight: 4, arbs: queryMutations(spec, base) },
    { weight: 2, arbs: probe && cursor ? cursorMutations(probe, cursor) : [] },
    { weight: 6, arbs: bodyFieldMutations(spec, base) },
    { weight: 3, arbs: bodyWholeMutations(spec, base) },
    { weight: 1, arbs: headerMutations(spec, base) },
    { weight: 8, arbs: rawMutations(spec, base) },
    { weight: 1, arbs: ignoredMutations(spec, base) },
  ];
  const weighted = parts.filter((part) => part.arbs.length > 0).map((part) => ({ weight: part.weight, arbitrary: fc.oneof(...part.arbs) }));
  if (weighted.length === 0) throw new Error(`${spec.route.operationId}: nothing to fuzz`);
  return fc.oneof(...weighted);
}

/**
 * The same defect in every input of the operation, not left to chance: one very long value
 * (1,200 × 满, 3,600 bytes in UTF-8: past what DynamoDB takes in a key) in each path parameter,
 * each query parameter, each top-level body field and each upload cell; and, for a listing, its
 * real cursor with each part empty or null.
 */
export function sweepOf(spec: OperationSpec, cursor?: string): Payload[] {
  const base = basePayload(spec);
  const long = '满'.repeat(1200);
  const shown = '1200 × 满';
  const out: Payload[] = [];
  for (const name of Object.keys(base.params)) {
    const params = { ...base.params, [name]: encodeSegment(long) };
    out.push({ ...base, part: 'params', category: 'sweep-long', key: name, params, path: pathWith(spec.route, params), shown });
  }
  if (spec.operation.query) {
    for (const key of Object.keys(objectNode(spec.operation.query).shape)) {
      out.push({ ...base, part: 'query', category: 'sweep-long', key, query: applyMutation(base.query ?? {}, { category: 'sweep-long', path: [key], value: long }) as Record<string, string>, shown });
    }
  }
  if (spec.operation.body) {
    const { node } = fieldOf(spec.operation.body);
    for (const key of node.kind === 'object' ? Object.keys(node.shape) : []) {
      out.push({ ...base, part: 'body', category: 'sweep-long', key, body: jsonText(applyMutation(spec.baseline.json, { category: 'sweep-long', path: [key], value: long })), shown });
    }
  }
  // A real cursor with each of its key parts empty, then null (a DynamoDB key part is never either).
  const probe = cursorProbe(spec);
  const decoded = cursor === undefined ? undefined : decodedCursor(cursor);
  if (probe && decoded) {
    const forged = forgedCursor(probe, 'sweep-cursor', decoded.prefix);
    for (const name of Object.keys(decoded.key)) {
      for (const value of ['', null]) out.push(forged(setAt(decoded.key, [name], value), `${name} = ${show(value)}`));
    }
  }
  const raw = spec.baseline.raw?.spec;
  if (raw?.kind === 'csv') {
    raw.cells.forEach((cell, column) => {
      if (!cell) return;
      const row = raw.row.map((value, i) => (i === column ? long : value));
      out.push({ ...base, part: 'raw', category: 'sweep-long', key: `rows.2.${cell.field}`, body: csvText([raw.header, row]), base64: false, shown: `${cell.field} = ${shown}`, cell: { field: cell.field, value: long, schema: cell.schema } });
    });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// The oracle.

export type Verdict =
  | { valid: true; why: string }
  | {
      valid: false;
      /** The status the contract gives this refusal. */
      status: number;
      /** Whether an issue field names the bad input. */
      names: (field: string) => boolean;
      expected: string;
      why: string;
      /** An upload preview answers 200 listing the problem (valid: false) instead of refusing. */
      preview?: { field?: string };
    };

const related = (field: string, key: string) => field === key || field.startsWith(`${key}.`);

/** The verdict of a schema on a value, naming the mutated key (or, for a cross-field rule, the field the schema itself names). */
function schemaVerdict(schema: z.ZodType, value: unknown, key: string, label: string): Verdict | undefined {
  const result = schema.safeParse(value);
  if (result.success) return undefined;
  const schemaFields = toFieldIssues(result.error).map((issue) => issue.field);
  const keyNamed = key === '' || schemaFields.some((field) => related(field, key) || key.startsWith(`${field}.`));
  const names = (field: string) =>
    key === ''
      ? field === 'body' || schemaFields.includes(field)
      : related(field, key) || (key.startsWith(`${field}.`) && schemaFields.includes(field)) || (!keyNamed && schemaFields.includes(field));
  const expected = key === '' ? `body or one of ${JSON.stringify(schemaFields)}` : keyNamed ? `${key} (or a field below it)` : `one of ${JSON.stringify(schemaFields)} (a rule across fields)`;
  return { valid: false, status: 400, names, expected, why: `${label}: ${schemaFields.slice(0, 3).join(', ')}` };
}

const isJsonType = (type: string | undefined) => /^application\/json\s*(;|$)/i.test(type ?? '');
/** Not a key of any schema: the part of the request that was not mutated. */
const UNMUTATED = '\u0000';

export function judge(spec: OperationSpec, payload: Payload): Verdict {
  const { operation } = spec;
  // Path: percent-decoding first (the gateway), then the params schema.
  const decoded: Record<string, string> = {};
  for (const [name, raw] of Object.entries(payload.params)) {
    try {
      decoded[name] = decodeURIComponent(raw);
    } catch {
      return { valid: false, status: 400, names: (field) => field === 'path', expected: 'path', why: 'malformed percent-encoding' };
    }
  }
  // A JSON body is read before the handler runs.
  let json: unknown;
  if (operation.body) {
    const bodyOnly = (status: number, why: string): Verdict => ({ valid: false, status, names: (field) => field === 'body', expected: 'body', why });
    if (!isJsonType(payload.headers['content-type'])) return bodyOnly(415, 'not application/json');
    const bytes = payload.base64 ? Buffer.from(payload.body ?? '', 'base64') : Buffer.from(payload.body ?? '', 'utf8');
    if (bytes.length > (operation.largeBody?.maxBytes ?? MAX_JSON_BODY_BYTES)) return bodyOnly(413, 'over its limit');
    if (payload.base64 && !isUtf8(bytes)) return bodyOnly(400, 'not UTF-8');
    const text = payload.base64 ? bytes.toString('utf8') : (payload.body ?? '');
    if (text.trim() === '') return bodyOnly(400, 'empty');
    try {
      json = JSON.parse(text);
    } catch {
      return bodyOnly(400, 'not JSON');
    }
  }
  const keyIf = (part: Payload['part']) => (payload.part === part ? payload.key : UNMUTATED);
  if (operation.params) {
    const verdict = schemaVerdict(operation.params, decoded, keyIf('params'), 'params');
    if (verdict) return verdict;
  }
  if (operation.query) {
    const verdict = schemaVerdict(operation.query, payload.query ?? {}, keyIf('query'), 'query');
    if (verdict) return verdict;
  }
  if (operation.body) {
    const verdict = schemaVerdict(operation.body, json, keyIf('body'), 'body');
    if (verdict) return verdict;
  }
  for (const [name, header] of Object.entries(operation.headers ?? {})) {
    const value = payload.headers[name.toLowerCase()];
    if (value !== undefined && !header.schema.safeParse(value).success) {
      return { valid: false, status: 400, names: (field) => field === name, expected: name, why: `header ${name}` };
    }
  }
  if (payload.part === 'raw') return judgeUpload(spec, payload);
  return { valid: true, why: 'the schemas accept it' };
}

/** Uploads: the file as a whole, or one cell as the reader yields it (UTF-8 text, BOM dropped, trimmed). */
function judgeUpload(spec: OperationSpec, payload: Payload): Verdict {
  const raw = spec.baseline.raw!.spec;
  const fileField = raw.kind === 'image' ? 'photo' : 'file';
  const preview = raw.kind === 'csv' && raw.preview;
  const fileLevel = (why: string, previewToo: boolean): Verdict => ({
    valid: false,
    status: 400,
    names: (field) => field === fileField || field === 'body',
    expected: fileField,
    why,
    ...(preview && previewToo ? { preview: {} } : {}),
  });
  if (!payload.cell) {
    // Empty, unreadable and oversized files are refused even by a preview; a readable file with a missing
    // column or no rows is listed by a preview (200, valid: false).
    const readable = payload.category === 'missing-column' || payload.category === 'no-rows' || payload.category === 'not-csv';
    return fileLevel(payload.category, readable);
  }
  const seen = payload.cell.value.toWellFormed().replace(/^\uFEFF/, '').trim();
  if (seen.includes('\u0000')) return fileLevel('NUL in the file', false);
  const result = payload.cell.schema.safeParse(seen);
  if (result.success) return { valid: true, why: 'the cell schema accepts it' };
  const field = `rows.2.${payload.cell.field}`;
  return { valid: false, status: 400, names: (name) => name === field, expected: field, why: `cell ${payload.cell.field}`, ...(preview ? { preview: { field: payload.cell.field } } : {}) };
}

// ---------------------------------------------------------------------------------------------
// Sending and checking.

export async function send(gateway: Gateway, method: Route['method'], payload: Payload, token?: string): Promise<Reply> {
  const headers: Record<string, string> = { ...payload.headers };
  if (token) headers.authorization = `Bearer ${token}`;
  const event = httpEvent('GET', payload.path, {
    headers,
    ...(payload.query ? { query: payload.query } : {}),
    ...(payload.body !== undefined ? { body: payload.body, isBase64Encoded: payload.base64 ?? false } : {}),
  });
  event.requestContext.http.method = method;
  try {
    return await call(gateway, event);
  } catch (error) {
    // What API Gateway answers when a handler throws past its error middleware.
    const text = `handler threw ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`;
    return { status: 500, headers: {}, text, json: undefined };
  }
}

/** The usual error shape: `{ error: { code, message, issues: [{ field, message }] } }`, each message starting with its field. */
export function shapeProblems(reply: Reply): string[] {
  const problems: string[] = [];
  if (!/^application\/json/.test(String(reply.headers['content-type'] ?? ''))) problems.push(`content-type ${String(reply.headers['content-type'])}`);
  const body = reply.json as { error?: { code?: unknown; message?: unknown; issues?: { field?: unknown; message?: unknown }[] } } | undefined;
  if (!body || typeof body !== 'object' || Object.keys(body).join() !== 'error' || !body.error) return [...problems, 'the body is not { error }'];
  const { code, message, issues } = body.error;
  if (typeof code !== 'string') problems.push('error.code is not a string');
  if (typeof message !== 'string') problems.push('error.message is not a string');
  if (!Array.isArray(issues) || issues.length === 0) return [...problems, 'error.issues is missing or empty'];
  for (const issue of issues) {
    if (typeof issue.field !== 'string' || typeof issue.message !== 'string') problems.push(`issue ${JSON.stringify(issue)} lacks field or message`);
    else if (!issue.message.startsWith(`${issue.field}:`)) problems.push(`issue message "${issue.message.slice(0, 60)}" does not start with its field`);
  }
  if (typeof message === 'string' && typeof issues[0]?.field === 'string' && !message.startsWith(`${issues[0].field}:`)) problems.push('error.message does not start with the first field');
  return problems;
}

export function issueFields(reply: Reply): string[] {
  const issues = (reply.json as { error?: { issues?: { field?: unknown }[] } } | undefined)?.error?.issues;
  return Array.isArray(issues) ? issues.map((issue) => String(issue.field)) : [];
}

/** What is wrong with the answer to one payload (empty: nothing). */
export function answerProblems(verdict: Verdict, reply: Reply): string[] {
  if (reply.status >= 500) return [`${reply.status} (never a 5xx)`];
  if (verdict.valid) return [];
  if (verdict.preview && reply.status === 200) {
    const answer = reply.json as { valid?: unknown; rows?: { errors?: { field?: string }[] }[] } | undefined;
    if (answer?.valid !== false) return ['a preview of an invalid file says valid'];
    const field = verdict.preview.field;
    if (field && !(answer.rows ?? []).some((row) => (row.errors ?? []).some((error) => error.field === field))) return [`the preview names no error of ${field}`];
    return [];
  }
  if (reply.status >= 200 && reply.status < 300) return [`${reply.status} for a request the schema refuses (${verdict.why})`];
  const problems: string[] = [];
  if (reply.status !== verdict.status) problems.push(`status ${reply.status}, the contract says ${verdict.status} (${verdict.why})`);
  const shape = shapeProblems(reply);
  problems.push(...shape);
  if (shape.length === 0) {
    const fields = issueFields(reply);
    if (!fields.some(verdict.names)) problems.push(`issues name ${JSON.stringify(fields.slice(0, 4))}, not ${verdict.expected}`);
  }
  return problems;
}

/** Lone surrogates cannot be written as UTF-8; shown in reports as \\uXXXX. */
export const describeLone = (text: string) => LONE_SURROGATES.reduce((out, unit) => out.split(unit).join(`\\u${unit.charCodeAt(0).toString(16)}`), text);
