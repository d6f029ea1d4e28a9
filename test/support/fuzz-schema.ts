import fc from 'fast-check';
import type { z } from 'zod';

/**
 * The zod side of the contract fuzz (test/integration/fuzz-routes.test.ts): read an operation's
 * params, query, body and header schemas into a small tree (what kind of value, which limits,
 * which keys, strict or not), and derive from it, around a VALID baseline value, one defect at a
 * time: a wrong type, a missing required key, an extra key on a strict object, a number out of
 * range, an over-long string, a bad enum value, a string off its pattern, unicode edge cases
 * (lone surrogates, control characters), prototype keys, arrays where objects are expected, deep
 * nesting. Whether a defect really makes the request invalid is never decided here: the test asks
 * the schema itself (safeParse) about the exact value the server will see.
 */

export type Path = (string | number)[];
export const dotted = (path: Path): string => path.map(String).join('.');

export type Node =
  | { kind: 'string'; min?: number; max?: number; patterns: RegExp[] }
  | { kind: 'number'; min?: number; max?: number; int: boolean; coerce: boolean }
  | { kind: 'boolean' }
  | { kind: 'choice'; values: readonly unknown[] }
  | { kind: 'array'; element: Field; min?: number; max?: number }
  | { kind: 'object'; shape: Record<string, Field>; strict: boolean }
  | { kind: 'record'; value: Field }
  | { kind: 'union'; options: Field[] }
  | { kind: 'unknown' };
export type NodeOf<K extends Node['kind']> = Extract<Node, { kind: K }>;

/** A value's schema with what surrounds it: may it be absent (optional, default), may it be null. */
export interface Field {
  node: Node;
  required: boolean;
  nullable: boolean;
}

type Def = { type: string; [key: string]: any };
const defOf = (schema: unknown): Def => (schema as { _zod: { def: Def } })._zod.def;
const checksOf = (def: Def): Def[] => ((def.checks ?? []) as unknown[]).map(defOf);

/** Unwrap optional / default / nullable / pipe (the input side; a guard of `unknown` is skipped for what it guards). */
export function fieldOf(schema: z.ZodType): Field {
  let required = true;
  let nullable = false;
  let current: unknown = schema;
  for (;;) {
    const def = defOf(current);
    if (def.type === 'optional' || def.type === 'default' || def.type === 'prefault') {
      required = false;
      current = def.innerType;
    } else if (def.type === 'nullable') {
      nullable = true;
      current = def.innerType;
    } else if (def.type === 'readonly' || def.type === 'catch' || def.type === 'nonoptional') {
      current = def.innerType;
    } else if (def.type === 'pipe') {
      current = defOf(def.in).type === 'unknown' ? def.out : def.in;
    } else break;
  }
  return { node: nodeOf(current), required, nullable };
}

function nodeOf(schema: unknown): Node {
  const def = defOf(schema);
  const checks = checksOf(def);
  const find = (name: string) => checks.find((check) => check.check === name);
  switch (def.type) {
    case 'string':
      return {
        kind: 'string',
        min: find('min_length')?.minimum,
        max: find('max_length')?.maximum,
        patterns: checks.filter((check) => check.check === 'string_format' && check.pattern).map((check) => check.pattern as RegExp),
      };
    case 'number':
      return {
        kind: 'number',
        min: find('greater_than')?.value,
        max: find('less_than')?.value,
        int: String(def.format ?? '').includes('int') || checks.some((check) => check.check === 'number_format' && String(check.format).includes('int')),
        coerce: Boolean(def.coerce),
      };
    case 'boolean':
      return { kind: 'boolean' };
    case 'enum':
      return { kind: 'choice', values: Object.values(def.entries as Record<string, unknown>) };
    case 'literal':
      return { kind: 'choice', values: def.values as unknown[] };
    case 'array':
      return { kind: 'array', element: fieldOf(def.element), min: find('min_length')?.minimum, max: find('max_length')?.maximum };
    case 'object': {
      const shape: Record<string, Field> = {};
      for (const [key, value] of Object.entries(def.shape as Record<string, z.ZodType>)) shape[key] = fieldOf(value);
      return { kind: 'object', shape, strict: def.catchall !== undefined && defOf(def.catchall).type === 'never' };
    }
    case 'record':
      return { kind: 'record', value: fieldOf(def.valueType) };
    case 'union':
      return { kind: 'union', options: (def.options as z.ZodType[]).map(fieldOf) };
    default:
      return { kind: 'unknown' };
  }
}

// ---------------------------------------------------------------------------------------------
// JSON values that JSON.stringify cannot write as wanted.

/** Written into the JSON text as is: deep nesting, 1e400, -0, 5.0. */
export class RawJson {
  constructor(readonly text: string) {}
}

/** JSON text of a value; own keys such as `__proto__` stay plain keys, RawJson is written verbatim. */
export function jsonText(value: unknown): string {
  if (value instanceof RawJson) return value.text;
  if (Array.isArray(value)) return `[${value.map(jsonText).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    return `{${Object.keys(record)
      .map((key) => `${JSON.stringify(key)}:${jsonText(record[key])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** An object with exactly these own keys (`__proto__` included, as JSON.parse makes it). */
export function own(entries: [string, unknown][]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of entries) Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
  return out;
}

const isRecord = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object' && !Array.isArray(value) && !(value instanceof RawJson);
const entriesOf = (value: Record<string, unknown>): [string, unknown][] => Object.keys(value).map((key) => [key, value[key]]);

/** A copy of `base` with the value at `path` replaced (containers made on the way when absent). */
export function setAt(base: unknown, path: Path, value: unknown): unknown {
  if (path.length === 0) return value;
  const [head, ...rest] = path as [string | number, ...Path];
  if (typeof head === 'number') {
    const copy = Array.isArray(base) ? [...(base as unknown[])] : [];
    copy[head] = setAt(copy[head], rest, value);
    return copy;
  }
  const entries = isRecord(base) ? entriesOf(base) : [];
  const at = entries.findIndex(([key]) => key === head);
  const next: [string, unknown] = [head, setAt(at >= 0 ? entries[at]![1] : undefined, rest, value)];
  if (at >= 0) entries[at] = next;
  else entries.push(next);
  return own(entries);
}

/** A copy of `base` without the key at `path`. */
export function deleteAt(base: unknown, path: Path): unknown {
  const [head, ...rest] = path as [string | number, ...Path];
  if (rest.length === 0) {
    if (Array.isArray(base)) return base.filter((_, index) => index !== head);
    return isRecord(base) ? own(entriesOf(base).filter(([key]) => key !== head)) : base;
  }
  if (Array.isArray(base)) return base.map((item, index) => (index === head ? deleteAt(item, rest) : item));
  return isRecord(base) ? own(entriesOf(base).map(([key, value]) => [key, key === head ? deleteAt(value, rest) : value])) : base;
}

const valueAt = (base: unknown, key: string | number): unknown =>
  Array.isArray(base) && typeof key === 'number' ? base[key] : isRecord(base) && Object.hasOwn(base, key) ? base[String(key)] : undefined;

// ---------------------------------------------------------------------------------------------
// Bad values, by kind. Each carries its category (what the fuzz reports and counts).

export interface Bad {
  category: string;
  value: unknown;
}

export const LONE_SURROGATES = ['\ud800', '\udbff', '\udc00', '\udfff', '\ud83d'];
export const CONTROLS = ['\u0000', '\u0001', '\u0007', '\b', '\t', '\n', '\u000b', '\f', '\r', '\u000e', '\u001b', '\u001f', '\u007f', '\u0080', '\u0085', '\u009b', '\u009f'];
/** Unicode that is text (mostly valid where free text is): BOM, bidi override, zero-width, line separators, non-characters, astral. */
export const ODD_UNICODE = ['\ufeff', '\u202e', '\u200b', '\u2028', '\u2029', '\ufffe', '\uffff', 'e\u0301', '😀', '𠀀', '１２', '\u3000', 'Ａ', '\u00a0'];
export const PROTO_KEYS = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'valueOf', '__defineGetter__', '__lookupGetter__'];
const INJECTIONS = ['<script>alert(1)</script>', "' OR '1'='1", '${jndi:ldap://x}', '=HYPERLINK("x")', '../../etc/passwd', '%00', '{{7*7}}', 'null', 'undefined', 'NaN'];

const insertAt = (text: string, piece: string, at: number) => {
  const index = text.length === 0 ? 0 : at % (text.length + 1);
  return `${text.slice(0, index)}${piece}${text.slice(index)}`;
};
const repeatTo = (seed: string, length: number) => seed.repeat(Math.ceil(length / Math.max(1, seed.length))).slice(0, length);
const tag = (category: string) => (value: unknown): Bad => ({ category, value });

/** Strings that break one rule of a string schema, or sit on its edge; `seed` is the baseline value. */
export function badStrings(node: NodeOf<'string'>, seed: string): fc.Arbitrary<Bad>[] {
  const base = seed === '' ? 'x' : seed;
  const max = node.max ?? 64;
  const arbs: fc.Arbitrary<Bad>[] = [
    fc.integer({ min: max + 1, max: max + 40 }).map((length) => ({ category: 'over-long', value: repeatTo(base, length) })),
    fc.tuple(fc.integer({ min: 1000, max: 5000 }), fc.constantFrom('x', '满', 'ab1')).map(([length, unit]) => ({ category: 'over-long', value: unit.repeat(length) })),
    fc.tuple(fc.constantFrom(...LONE_SURROGATES), fc.nat()).map(([piece, at]) => ({ category: 'lone-surrogate', value: insertAt(base, piece, at) })),
    fc.tuple(fc.constantFrom(...CONTROLS), fc.nat()).map(([piece, at]) => ({ category: 'control-char', value: insertAt(base, piece, at) })),
    fc.tuple(fc.constantFrom(...ODD_UNICODE), fc.nat()).map(([piece, at]) => ({ category: 'unicode', value: insertAt(base, piece, at) })),
    fc.string({ unit: 'binary', maxLength: 24 }).map(tag('unicode')),
    fc.constantFrom('', ' ', '   ', '\u3000', ' \t ').map(tag('empty')),
  ];
  if (node.patterns.length > 0 || node.max !== undefined) {
    const nearMisses = [
      base.toUpperCase(),
      base.toLowerCase(),
      `${base} `,
      ` ${base}`,
      `${base}#1`,
      `${base}/x`,
      `${base}.`,
      `${base},${base}`,
      base.slice(1),
      base.slice(0, -1),
      base.replace(/\d/, (digit) => String.fromCharCode(0xff10 + Number(digit))),
      `${base}\u200b`,
      `${base}%`,
      ...INJECTIONS,
    ].filter((candidate) => candidate !== base);
    arbs.push(fc.constantFrom(...nearMisses).map(tag('bad-format')));
    arbs.push(fc.string({ maxLength: 40 }).map(tag('bad-format')));
  }
  return arbs;
}

/** Numbers (JSON) out of range, not whole, not finite once parsed, or not numbers at all. */
function badNumbers(node: NodeOf<'number'>, seed: unknown): fc.Arbitrary<Bad>[] {
  const min = node.min ?? 0;
  const max = node.max ?? 1_000_000;
  const base = typeof seed === 'number' ? seed : min;
  return [
    fc
      .constantFrom<unknown>(min - 1, max + 1, -1, 0, min + 0.5, 1e308, -1e308, Number.MAX_SAFE_INTEGER + 2, 2 ** 64, 1e21, new RawJson('1e400'), new RawJson('-1e400'), new RawJson('-0'), new RawJson(`${base}.0`), new RawJson(`${base}e0`))
      .map(tag('out-of-range')),
    fc.double({ noNaN: true, noDefaultInfinity: true }).filter((x) => !Number.isInteger(x) || x < min || x > max).map(tag('out-of-range')),
    fc.constantFrom<unknown>(String(base), ` ${base}`, `${base}abc`, true, false, null, [base], { value: base }, '').map(tag('wrong-type')),
  ];
}

/** Numbers as query strings: what a coerced number schema makes of them is its business. */
function badNumberStrings(node: NodeOf<'number'>, seed: unknown): fc.Arbitrary<Bad>[] {
  const min = node.min ?? 0;
  const max = node.max ?? 1_000_000;
  return [
    fc.constantFrom(String(min - 1), String(max + 1), '-1', '0', `${min}.5`, '1e400', '-1e400', '9'.repeat(400), String(Number.MAX_SAFE_INTEGER + 2), '-0').map(tag('out-of-range')),
    fc.constantFrom('abc', '', ' ', 'NaN', 'Infinity', '-Infinity', '0x10', '0b11', '1e2', '１０', '10abc', '+5', ` ${seed ?? 5} `, '5,5', '٣', 'true', '[]', '{}').map(tag('wrong-type')),
    fc.string({ maxLength: 12 }).map(tag('wrong-type')),
  ];
}

function badChoices(node: NodeOf<'choice'>, json: boolean): fc.Arbitrary<Bad>[] {
  const strings = node.values.filter((value): value is string => typeof value === 'string');
  const numbers = node.values.filter((value): value is number => typeof value === 'number');
  const variants: unknown[] = ['', 'x', 'other'];
  for (const value of strings) variants.push(value.toUpperCase(), value.toLowerCase(), `${value} `, ` ${value}`, value.slice(0, -1), `${value}\u0000`, `${value},${value}`, `${value}s`);
  for (const value of numbers) variants.push(String(value), `${value} `);
  const arbs = [fc.constantFrom(...variants.filter((value) => !node.values.includes(value))).map(tag('bad-enum'))];
  if (numbers.length > 0) {
    // Numeric literals (a level 1–5) are a range: just outside it, between its steps, far beyond it.
    const low = Math.min(...numbers);
    const high = Math.max(...numbers);
    const outside = [low - 1, high + 1, low + 0.5, -high, 1e308, new RawJson('1e400'), new RawJson(`${high}.0`)].map((value) => (json ? value : String(value instanceof RawJson ? value.text : value)));
    arbs.push(fc.constantFrom(...outside).map(tag('out-of-range')));
  }
  if (json) arbs.push(fc.constantFrom<unknown>(null, true, [node.values[0]], { value: node.values[0] }).map(tag('wrong-type')));
  return arbs;
}

const deepArray = fc.integer({ min: 50, max: 3000 }).map((depth) => ({ category: 'deep-nesting', value: new RawJson(`${'['.repeat(depth)}"x"${']'.repeat(depth)}`) }));
const deepObject = fc.integer({ min: 50, max: 2000 }).map((depth) => ({ category: 'deep-nesting', value: new RawJson(`${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`) }));

/** Bad JSON values for one field, `seed` being its baseline value (maybe absent). */
export function badJson(field: Field, seed: unknown): fc.Arbitrary<Bad>[] {
  const { node } = field;
  const arbs: fc.Arbitrary<Bad>[] = [deepArray];
  if (!field.nullable) arbs.push(fc.constant({ category: 'wrong-type', value: null }));
  switch (node.kind) {
    case 'string':
      arbs.push(...badStrings(node, typeof seed === 'string' ? seed : ''));
      arbs.push(fc.constantFrom<unknown>(0, 12345, true, ['x'], { value: 'x' }, 1.5).map(tag('wrong-type')));
      if (typeof seed === 'string') arbs.push(fc.constantFrom<unknown>([seed], { value: seed }).map(tag('wrong-type')));
      break;
    case 'number':
      arbs.push(...badNumbers(node, seed));
      break;
    case 'boolean':
      arbs.push(fc.constantFrom<unknown>('true', 'false', 1, 0, 'yes', '', [true], {}).map(tag('wrong-type')));
      break;
    case 'choice':
      arbs.push(...badChoices(node, true));
      break;
    case 'array': {
      arbs.push(fc.constantFrom<unknown>({}, 'x', 1, true, { 0: 'x', length: 1 }).map(tag('wrong-type')));
      const sample = Array.isArray(seed) && seed.length > 0 ? seed[0] : undefined;
      if (node.max !== undefined && sample !== undefined) {
        arbs.push(fc.integer({ min: node.max + 1, max: node.max + 5 }).map((length) => ({ category: 'too-many-items', value: Array.from({ length }, () => sample) })));
      }
      if (sample !== undefined) arbs.push(fc.constant({ category: 'duplicate-items', value: [sample, sample] }));
      if ((node.min ?? 0) > 0) arbs.push(fc.constant({ category: 'empty', value: [] }));
      break;
    }
    case 'object':
    case 'record':
      arbs.push(deepObject);
      arbs.push(fc.constantFrom<unknown>('x', 1, true, []).map(tag('wrong-type')));
      arbs.push(fc.constant({ category: 'array-for-object', value: [isRecord(seed) ? seed : {}] }));
      break;
    case 'union':
      arbs.push(fc.constantFrom<unknown>({}, true, { value: 1 }).map(tag('wrong-type')));
      for (const option of field.node.kind === 'union' ? field.node.options : []) {
        if (option.node.kind === 'string') arbs.push(...badStrings(option.node, typeof seed === 'string' ? seed : ''));
      }
      break;
    case 'unknown':
      break;
  }
  return arbs;
}

/** Bad values of a query parameter or a path segment (always strings). */
export function badText(field: Field, seed: string | undefined): fc.Arbitrary<Bad>[] {
  const { node } = field;
  switch (node.kind) {
    case 'number':
      return badNumberStrings(node, seed);
    case 'choice':
      return badChoices(node, false);
    case 'string':
      return badStrings(node, seed ?? '');
    default:
      return badStrings({ kind: 'string', patterns: [] }, seed ?? '');
  }
}

// ---------------------------------------------------------------------------------------------
// Mutations of a whole value: one defect somewhere inside it.

export interface Mutation {
  category: string;
  /** Where the defect is (the path of the mutated key; [] for the value as a whole). */
  path: Path;
  /** The new value there, or absent: the key is deleted. */
  value?: unknown;
  deleted?: boolean;
}

const MAX_DEPTH = 3;

/** Keys a strict object does not know: prototype keys, near-misses of its own keys, random names. */
function extraKeys(shape: Record<string, Field>): fc.Arbitrary<{ category: string; key: string }> {
  const known = Object.keys(shape);
  const near = known.flatMap((key) => [key.toUpperCase(), `${key} `, `${key}_`, key.charAt(0).toUpperCase() + key.slice(1)]);
  const candidates = [...near, 'id', 'role', 'unitId', 'isAdmin', 'admin', 'principal', 'createdAt', 'path'].filter((key) => !known.includes(key));
  return fc.oneof(
    fc.constantFrom(...PROTO_KEYS).map((key) => ({ category: 'prototype-key', key })),
    fc.constantFrom(...candidates).map((key) => ({ category: 'extra-key', key })),
    fc
      .string({ minLength: 1, maxLength: 16 })
      .filter((key) => !known.includes(key))
      .map((key) => ({ category: 'extra-key', key })),
  );
}

/** Every kind of single defect of a JSON value of schema `field`, around its baseline value `base`. */
export function jsonMutations(field: Field, base: unknown, path: Path = [], depth = 0): fc.Arbitrary<Mutation>[] {
  const arbs: fc.Arbitrary<Mutation>[] = badJson(field, base).map((arb) => arb.map((bad) => ({ ...bad, path })));
  if (depth >= MAX_DEPTH) return arbs;
  const { node } = field;
  if (node.kind === 'object') {
    for (const [key, child] of Object.entries(node.shape)) {
      const childBase = valueAt(base, key);
      arbs.push(...jsonMutations(child, childBase, [...path, key], depth + 1));
      if (child.required && childBase !== undefined) arbs.push(fc.constant({ category: 'missing-required', path: [...path, key], deleted: true }));
    }
    if (node.strict) {
      arbs.push(
        fc.tuple(extraKeys(node.shape), fc.oneof(fc.jsonValue({ maxDepth: 2 }), fc.constant(base ?? {}), fc.constant({ role: 'system-admin', isAdmin: true }))).map(([{ category, key }, value]) => ({
          category,
          path: [...path, key],
          value,
        })),
      );
    }
  } else if (node.kind === 'array') {
    const items = Array.isArray(base) ? base : [];
    arbs.push(...jsonMutations(node.element, items[0], [...path, 0], depth + 1));
    if (items.length > 1) arbs.push(...jsonMutations(node.element, items.at(-1), [...path, items.length - 1], depth + 1));
  } else if (node.kind === 'record') {
    arbs.push(fc.tuple(fc.constantFrom(...PROTO_KEYS), fc.jsonValue({ maxDepth: 1 })).map(([key, value]) => ({ category: 'prototype-key', path: [...path, key], value })));
    arbs.push(fc.tuple(fc.string({ maxLength: 12 }), fc.jsonValue({ maxDepth: 1 })).map(([key, value]) => ({ category: 'bad-format', path: [...path, key], value })));
    arbs.push(...jsonMutations(node.value, undefined, [...path, 'q1'], depth + 1));
  }
  return arbs;
}

/** The baseline with one mutation applied. */
export function applyMutation(base: unknown, mutation: Mutation): unknown {
  return mutation.deleted ? deleteAt(base, mutation.path) : setAt(base, mutation.path, mutation.value);
}

/** Mutations of a flat string map (a query string) whose schema is `node`. */
export function textMapMutations(node: NodeOf<'object'>, base: Record<string, string>): fc.Arbitrary<Mutation>[] {
  const arbs: fc.Arbitrary<Mutation>[] = [];
  for (const [key, child] of Object.entries(node.shape)) {
    const seed = Object.hasOwn(base, key) ? base[key] : undefined;
    arbs.push(...badText(child, seed).map((arb) => arb.map((bad) => ({ ...bad, path: [key] }))));
    if (child.required && seed !== undefined) arbs.push(fc.constant({ category: 'missing-required', path: [key], deleted: true }));
    if (seed !== undefined) arbs.push(fc.constant({ category: 'repeated-key', path: [key], value: `${seed},${seed}` }));
  }
  if (node.strict) {
    arbs.push(fc.tuple(extraKeys(node.shape), fc.string({ maxLength: 12 })).map(([{ category, key }, value]) => ({ category, path: [key], value })));
  }
  return arbs;
}
