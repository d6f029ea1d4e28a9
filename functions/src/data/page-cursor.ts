import { ValidationError } from '../errors.js';

/** One page of a paginated listing; `cursor` is opaque to clients and absent on the last page. */
export interface Page<T> {
  items: T[];
  cursor?: string;
}

export function encodeCursor(key: Record<string, unknown> | undefined): string | undefined {
  return key ? Buffer.from(JSON.stringify(key)).toString('base64url') : undefined;
}

/**
 * Decode a client-supplied cursor and check that it continues the same query: a cursor is a
 * DynamoDB key, and a forged one pointing into another partition would otherwise make DynamoDB
 * fail (a 5xx) or page from somewhere the query was not asked about.
 */
export function decodeCursor(
  cursor: string | undefined,
  expect: Record<string, string | ((value: string) => boolean)>,
): Record<string, unknown> | undefined {
  if (cursor === undefined || cursor === '') return undefined;
  let key: unknown;
  try {
    key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw ValidationError.forField('cursor', 'is not a cursor of this list');
  }
  if (!key || typeof key !== 'object' || Array.isArray(key)) throw ValidationError.forField('cursor', 'is not a cursor of this list');
  const record = key as Record<string, unknown>;
  const allowed = new Set(['pk', 'sk', ...Object.keys(expect)]);
  for (const [name, value] of Object.entries(record)) {
    // DynamoDB refuses an empty key attribute (a 5xx if it reached it): a forged empty part is bad input.
    if (!allowed.has(name) || typeof value !== 'string' || value.length === 0 || value.length > 1024) throw ValidationError.forField('cursor', 'is not a cursor of this list');
  }
  for (const [name, rule] of Object.entries(expect)) {
    const value = record[name];
    const ok = typeof value === 'string' && (typeof rule === 'string' ? value === rule : rule(value));
    if (!ok) throw ValidationError.forField('cursor', 'is not a cursor of this list');
  }
  if (typeof record.pk !== 'string' || typeof record.sk !== 'string') throw ValidationError.forField('cursor', 'is not a cursor of this list');
  return record;
}
