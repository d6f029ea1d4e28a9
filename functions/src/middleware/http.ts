import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import type { z } from 'zod';
import { toFieldIssues } from '#shared/contracts/errors.js';
import { IdempotencyKey } from '#shared/contracts/rating.js';
import type { ClientPrincipal } from '../auth/client-credentials.js';
import type { Principal } from '../auth/principal.js';
import { ValidationError } from '../errors.js';

/** What the middlewares add to a request before the handler runs. */
export interface HttpEvent extends APIGatewayProxyEventV2 {
  /** Parsed JSON body (still untrusted: parse it with the operation's schema). */
  jsonBody?: unknown;
  /** Set by bearerAuth, on bearer routes only: handlers see it through BearerEvent. */
  principal?: Principal;
  /** Set by clientAuth, on client routes only (a 接入系统 credential): handlers see it through ClientEvent. */
  client?: ClientPrincipal;
}

/** A bearer route's handler runs only after bearerAuth verified the token, so the caller is known. */
export interface BearerEvent extends HttpEvent {
  principal: Principal;
}

/** A client route's handler runs only after clientAuth verified the 接入系统 credential. */
export interface ClientEvent extends Omit<HttpEvent, 'principal'> {
  client: ClientPrincipal;
}

/** A public route has no caller: reading a principal there is a type error, not an `undefined`. */
export type PublicEvent = Omit<HttpEvent, 'principal' | 'client'>;
export type HttpResult = APIGatewayProxyStructuredResultV2;
export type { Context };

const JSON_HEADERS = {
  'content-type': 'application/json; charset=utf-8',
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
};

export function json(statusCode: number, body: unknown, headers: Record<string, string> = {}): HttpResult {
  return { statusCode, headers: { ...JSON_HEADERS, ...headers }, body: JSON.stringify(body) };
}

/** Parse untrusted input with a zod schema; failures become a 400 naming every bad field. */
export function parse<T extends z.ZodType>(schema: T, value: unknown): z.infer<T> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issues = toFieldIssues(result.error);
  throw new ValidationError(issues.map((issue) => issue.message).join('; '), { issues });
}

/** Header lookup; API Gateway v2 lower-cases header names, the local gateway does too. */
export function header(event: APIGatewayProxyEventV2, name: string): string | undefined {
  return event.headers?.[name.toLowerCase()];
}

/** The request's Idempotency-Key, if it sent one: a key of the wrong shape is a 400 naming the header. */
export function idempotencyKeyOf(event: APIGatewayProxyEventV2): string | undefined {
  const key = header(event, 'idempotency-key');
  if (key !== undefined && !IdempotencyKey.safeParse(key).success) throw ValidationError.forField('Idempotency-Key', 'must be 8–128 visible ASCII characters');
  return key;
}
