import { randomBytes } from 'node:crypto';
import type { Context } from 'aws-lambda';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { operations } from '#shared/contracts/api.js';
import { httpEvent } from '../../../test/support/http-events.js';
import { resetConfig } from '../config.js';
import { httpHandler } from './http-handler.js';
import { json } from './http.js';
import { configuredOriginSecrets, ORIGIN_HEADER, originVerified } from './origin-guard.js';

/**
 * Origin verification (decision 0014): with a secret configured (AWS) every route refuses a request
 * that does not carry it, before anything else runs; without one (local mode) nothing changes.
 */
const context = { awsRequestId: 'test', getRemainingTimeInMillis: () => 10_000 } as unknown as Context;
const SECRET = randomBytes(32).toString('base64url');
const body = (result: { body?: string | undefined }) => JSON.parse(result.body ?? '{}') as any;

const seen = vi.fn<(headers: Record<string, string | undefined>) => void>();
const health = httpHandler(operations.health, async (event) => {
  seen({ ...event.headers });
  return json(200, { ok: true });
});
const listAccounts = httpHandler(operations.listAccounts, async () => json(200, { ok: true }));

const saved = { ...process.env };
function configure(variables: Record<string, string | undefined>): void {
  for (const name of ['ORIGIN_SECRET', 'ORIGIN_SECRET_ARN']) delete process.env[name];
  for (const [name, value] of Object.entries(variables)) if (value !== undefined) process.env[name] = value;
  resetConfig();
}
beforeEach(() => seen.mockClear());
afterEach(() => configure({}));
afterAll(() => {
  process.env = saved;
  resetConfig();
});

describe('with an origin secret configured', () => {
  beforeEach(() => configure({ ORIGIN_SECRET: SECRET }));

  it('refuses a request without the origin header with 403 in the usual error shape, naming the header, before the handler runs', async () => {
    const result = await health(httpEvent('GET', '/api/health'), context);
    expect(result.statusCode).toBe(403);
    expect(body(result)).toEqual({
      error: { code: 'FORBIDDEN', message: expect.stringContaining(ORIGIN_HEADER), issues: [{ field: ORIGIN_HEADER, message: expect.stringContaining(ORIGIN_HEADER) }] },
    });
    expect(seen).not.toHaveBeenCalled();
  });

  it('refuses a wrong value, an empty one and the right one with anything around it', async () => {
    for (const value of ['wrong', '', `${SECRET} `, SECRET.slice(1), `${SECRET}${SECRET}`]) {
      const result = await health(httpEvent('GET', '/api/health', { headers: { [ORIGIN_HEADER]: value } }), context);
      expect(result.statusCode, JSON.stringify(value)).toBe(403);
    }
    expect(seen).not.toHaveBeenCalled();
  });

  it('accepts the right value and keeps it from the handler', async () => {
    const result = await health(httpEvent('GET', '/api/health', { headers: { [ORIGIN_HEADER]: SECRET, accept: 'application/json' } }), context);
    expect(result.statusCode).toBe(200);
    expect(seen).toHaveBeenCalledTimes(1);
    expect(seen.mock.calls[0]![0]).toEqual({ accept: 'application/json' });
  });

  it('refuses before the bearer token is looked at (403, not 401)', async () => {
    const result = await listAccounts(httpEvent('GET', '/api/accounts', { headers: { authorization: 'Bearer not-a-token' } }), context);
    expect(result.statusCode).toBe(403);
    expect(body(result).error.issues[0].field).toBe(ORIGIN_HEADER);
  });
});

describe('without an origin secret (local mode)', () => {
  it('lets every request through, as before', async () => {
    configure({});
    expect(configuredOriginSecrets()).toBeUndefined();
    const result = await health(httpEvent('GET', '/api/health'), context);
    expect(result.statusCode).toBe(200);
    expect(seen).toHaveBeenCalledTimes(1);
  });

  it('refuses to start with a secret too short to be one', async () => {
    configure({ ORIGIN_SECRET: 'short' });
    const result = await health(httpEvent('GET', '/api/health'), context);
    expect(result.statusCode).toBe(500);
    expect(seen).not.toHaveBeenCalled();
  });
});

describe('originVerified', () => {
  it('accepts exactly one of the accepted values', () => {
    expect(originVerified(SECRET, [SECRET])).toBe(true);
    expect(originVerified(SECRET, ['previous-value-of-the-secret-xxxxxxxx', SECRET])).toBe(true);
    expect(originVerified(SECRET.toUpperCase(), [SECRET])).toBe(SECRET.toUpperCase() === SECRET);
    expect(originVerified(undefined, [SECRET])).toBe(false);
    expect(originVerified('', [''])).toBe(false);
    expect(originVerified(SECRET, [])).toBe(false);
  });
});
