import * as z from 'zod';

/**
 * The one text type of the API (issue 11, 3.4). Every free-text field people type — names, titles,
 * labels, comments, answers, display names — is shown to residents and committees, printed on
 * posters and written into CSV, XLSX and PDF exports, so it refuses what no person means to type:
 *
 * - control characters: C0 (U+0000–U+001F) except, in multi-line text, TAB, LF and CR; DEL
 *   (U+007F); C1 (U+0080–U+009F). NUL breaks CSV and PDF tooling, ESC and CSI start terminal
 *   escape sequences in anything that prints a log;
 * - lone UTF-16 surrogates ("\ud800" is valid JSON but no Unicode text): they have no UTF-8 form,
 *   so DynamoDB, the exports and every other system downstream would choke on them.
 *
 * Nothing else changes: CJK, emoji, the full-width space and every other character are text.
 * Identifiers with their own pattern (codes, ids, dates, hashes, tokens) and passwords are not
 * free text and do not use this type.
 */

/**
 * Text without the refused control characters, as patterns (so that the OpenAPI document shows them):
 * single-line refuses all of C0, DEL and C1; multi-line the same but TAB, LF and CR.
 */
const SINGLE_LINE = /^[^\u0000-\u001F\u007F-\u009F]*$/;
const MULTI_LINE = /^[^\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]*$/;

export const TEXT_MESSAGES = {
  control: 'must not contain control characters',
  unicode: 'must be valid Unicode text',
  required: 'is required',
  tooLong: (max: number) => `must be at most ${max} characters`,
  tooShort: (min: number) => `must be at least ${min} characters`,
} as const;

export interface TextOptions {
  /** Fewest characters (after trimming, when trimmed); default 0. */
  min?: number;
  /** Most characters (UTF-16 code units, as `String.length` counts them). */
  max: number;
  /** TAB, LF and CR allowed (comments, answers, duties); default single-line. */
  multiline?: boolean;
  /** Trim surrounding white space (the full-width space included) before checking; default true. */
  trim?: boolean;
  /** Message for too short when min is 1; default "is required". */
  empty?: string;
}

/** A string schema for free text: optional trim, the field's length limits, no control characters, no lone surrogates. */
export function text(options: TextOptions) {
  const { min = 0, max, multiline = false, trim = true, empty = TEXT_MESSAGES.required } = options;
  let schema = z.string();
  if (trim) schema = schema.trim();
  if (min > 0) schema = schema.min(min, { error: min === 1 ? empty : TEXT_MESSAGES.tooShort(min) });
  return schema
    .max(max, { error: TEXT_MESSAGES.tooLong(max) })
    .regex(multiline ? MULTI_LINE : SINGLE_LINE, { error: TEXT_MESSAGES.control })
    .refine((value) => value.isWellFormed(), { error: TEXT_MESSAGES.unicode });
}

/**
 * Keys no record may have: JSON.parse makes `__proto__` an own key, which zod's record then drops
 * without a word; `constructor` and `prototype` are the other two names that reach into prototypes.
 */
export const RESERVED_KEYS: readonly string[] = ['__proto__', 'constructor', 'prototype'];

/**
 * A record keyed by the sender (e.g. answers by question id) that refuses the reserved keys with an
 * issue naming `<field>.<key>`; every other key and value is then checked by the record itself.
 *
 * zod's record drops an own `__proto__` without a word, so a guard reads the keys of the input
 * first and the record runs only when the guard passes. Not a preprocess (a transform would hide
 * the examples of the whole body from the OpenAPI document) and not an intersection (that would
 * let keys the record refuses through); the guard carries the record's JSON Schema, so the
 * document shows the record.
 */
export function safeRecord<K extends z.core.$ZodRecordKey, V extends z.core.SomeType>(key: K, value: V) {
  const record = z.record(key, value);
  const { $schema: _dialect, ...documented } = z.toJSONSchema(record, { io: 'input', unrepresentable: 'any' });
  const noReservedKeys = z
    .unknown()
    .superRefine((input, ctx) => {
      if (input === null || typeof input !== 'object' || Array.isArray(input)) return;
      for (const name of Object.keys(input)) {
        if (RESERVED_KEYS.includes(name)) ctx.addIssue({ code: 'custom', path: [name], input, message: 'is not allowed as a key' });
      }
    })
    .meta(documented);
  return noReservedKeys.pipe(record);
}
