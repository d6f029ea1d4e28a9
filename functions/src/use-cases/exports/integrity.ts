import { createHash, type Hash } from 'node:crypto';
import type { SatisfactionReport } from '#shared/contracts/reports.js';

export const sha256Hex = (bytes: Buffer | string): string => createHash('sha256').update(bytes).digest('hex');

/**
 * 数据校验码: the SHA-256 of the report's canonical JSON without `extractedAt` — exactly the bytes
 * of the submit-rating use case's `canonical()` (sorted keys, undefined left out) — printed inside
 * every file made from it. It covers the query, the definitions and the numbers only, so two
 * downloads of the same data carry the same code (the file's own SHA-256 still differs per file:
 * it holds the time it was made). The JSON API returns the same object, so anyone holding the API
 * answer can recompute it as `sha256(canonical(report minus extractedAt))`.
 *
 * Computed by walking the object and feeding the hash in 64 KB pieces instead of building the
 * string: a 50,000-window report's canonical JSON is ~80 MB, and building it with joins took
 * ~400 MB of transient memory (see the `exports` benchmark).
 */
export function reportDataHash(report: SatisfactionReport): string {
  return canonicalSha256({ ...report, extractedAt: undefined });
}

export function canonicalSha256(value: unknown): string {
  const hash = createHash('sha256');
  const sink = { hash, pending: '' };
  writeCanonical(sink, value);
  hash.update(sink.pending);
  return hash.digest('hex');
}

interface Sink {
  hash: Hash;
  pending: string;
}

function emit(sink: Sink, text: string): void {
  sink.pending += text;
  if (sink.pending.length >= 65_536) {
    sink.hash.update(sink.pending);
    sink.pending = '';
  }
}

function writeCanonical(sink: Sink, value: unknown): void {
  if (Array.isArray(value)) {
    emit(sink, '[');
    value.forEach((item, i) => {
      if (i > 0) emit(sink, ',');
      writeCanonical(sink, item);
    });
    emit(sink, ']');
    return;
  }
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    emit(sink, '{');
    entries.forEach(([k, v], i) => {
      emit(sink, `${i > 0 ? ',' : ''}${JSON.stringify(k)}:`);
      writeCanonical(sink, v);
    });
    emit(sink, '}');
    return;
  }
  emit(sink, JSON.stringify(value));
}
