import type { z } from 'zod';
import { operations, WindowList } from '#shared/contracts/api.js';
import { ErrorBody } from '#shared/contracts/errors.js';
import { RatingCreated } from '#shared/contracts/rating.js';
import { SatisfactionResult, type SatisfactionQuery } from '#shared/contracts/results.js';
import { WindowCard } from '#shared/contracts/window-card.js';
import { webConfig } from './config';

/**
 * THE client of the Manyi API. One function per operation of `operations` (shared/contracts/api.ts);
 * success bodies are parsed with the shared schemas. It never throws for an answer of the API:
 * a 4xx (or 5xx, or an unreachable API) comes back as `{ ok: false, status, error }` so that each
 * page decides what a resident or an administrator sees.
 */
export type ApiResult<T> = { ok: true; status: number; data: T } | { ok: false; status: number; error: ErrorBody };

/** A rating as the resident entered it; the API validates it (SubmitRatingInput) and names bad fields. */
export interface RatingRequestBody {
  windowCode: string;
  level?: number | string;
  indicators?: Record<string, number | string>;
  reasons?: string[];
  comment?: string;
  serviceItem?: string;
  staffId?: string;
  contactPhone?: string;
  consentToCallback?: boolean;
}

const TIMEOUT_MS = 10_000;

function errorBody(code: string, message: string): ErrorBody {
  return { error: { code, message } };
}

export function fillPath(template: string, params: Record<string, string>): string {
  return template.replace(/\{(\w+)\}/g, (_whole, name: string) => encodeURIComponent(params[name] ?? ''));
}

export interface Call {
  method: 'GET' | 'POST' | 'PUT';
  path: string;
  query?: Record<string, string>;
  body?: unknown;
  token?: string;
  headers?: Record<string, string>;
  /** Longer than the default 10 s for a job call that works for its time budget (阳光测评 send: 20 s). */
  timeoutMs?: number;
}

export async function call<S extends z.ZodType>(schema: S, request: Call): Promise<ApiResult<z.infer<S>>> {
  const search = request.query ? `?${new URLSearchParams(request.query)}` : '';
  const headers: Record<string, string> = { accept: 'application/json', ...request.headers };
  if (request.body !== undefined) headers['content-type'] = 'application/json';
  if (request.token) headers.authorization = `Bearer ${request.token}`;

  let response: Response;
  try {
    response = await fetch(`${webConfig().API_BASE_URL}${request.path}${search}`, {
      method: request.method,
      headers,
      ...(request.body !== undefined ? { body: JSON.stringify(request.body) } : {}),
      signal: AbortSignal.timeout(request.timeoutMs ?? TIMEOUT_MS),
    });
  } catch (cause) {
    const reason = cause instanceof Error ? cause.name : 'unknown';
    console.error(`[web] API ${request.method} ${request.path} unreachable (${reason})`);
    return { ok: false, status: 503, error: errorBody('API_UNREACHABLE', 'the API could not be reached') };
  }

  const json: unknown = await response.json().catch(() => undefined);
  if (response.ok) {
    const parsed = schema.safeParse(json);
    if (parsed.success) return { ok: true, status: response.status, data: parsed.data };
    // A contract mismatch is our bug, not the visitor's: log where (paths only, never values).
    const paths = parsed.error.issues.map((issue) => issue.path.join('.') || '(root)').join(', ');
    console.error(`[web] API ${request.method} ${request.path} answered ${response.status} outside its contract at: ${paths}`);
    return { ok: false, status: 502, error: errorBody('BAD_API_RESPONSE', 'the API answered outside its contract') };
  }
  const error = ErrorBody.safeParse(json);
  return {
    ok: false,
    status: response.status,
    error: error.success ? error.data : errorBody(`HTTP_${response.status}`, response.statusText || 'request failed'),
  };
}

export function getWindowCard(code: string): Promise<ApiResult<WindowCard>> {
  const op = operations.getWindowCard;
  return call(WindowCard, { method: op.method, path: fillPath(op.path, { code }) });
}

/** The Idempotency-Key makes a double submit (two taps, a resent form) store one rating. */
/**
 * `requester`: the forwarded client and device headers (server/requester.ts); `token`: the visitor's
 * session, if any — the API refuses a rating from a signed-in account (self-rating).
 */
export function submitRating(body: RatingRequestBody, idempotencyKey: string, requester: Record<string, string> = {}, token?: string): Promise<ApiResult<RatingCreated>> {
  const op = operations.submitRating;
  return call(RatingCreated, { method: op.method, path: op.path, body, headers: { ...requester, 'idempotency-key': idempotencyKey }, ...(token ? { token } : {}) });
}

/** One page of the caller's windows; pass the previous page's `cursor` for the next one. */
export function listWindows(token: string, page: { cursor?: string; limit?: number } = {}): Promise<ApiResult<WindowList>> {
  const op = operations.listWindows;
  const query: Record<string, string> = {};
  if (page.cursor) query.cursor = page.cursor;
  if (page.limit) query.limit = String(page.limit);
  return call(WindowList, { method: op.method, path: op.path, token, ...(Object.keys(query).length ? { query } : {}) });
}

export function satisfaction(token: string, query: SatisfactionQuery): Promise<ApiResult<SatisfactionResult>> {
  const op = operations.satisfaction;
  return call(SatisfactionResult, { method: op.method, path: op.path, query: { ...query }, token });
}
