import { randomBytes } from 'node:crypto';
import type { Context } from 'aws-lambda';
import { afterAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { operations } from '#shared/contracts/api.js';
import { httpEvent } from '../../../test/support/http-events.js';
import type { Principal } from '../auth/principal.js';
import { createLocalTokens } from '../auth/tokens.js';
import { createDocumentClient } from '../data/client.js';
import { createAesContactSealer } from '../data/contact-sealer.js';
import { createOutboxSender } from '../data/sampling-invitations.js';
import { createDataLayer } from '../data/index.js';
import { localBurst, localSignIn, localThrottle, randomId, setRuntime, type Runtime } from '../runtime.js';
import { httpHandler } from './http-handler.js';
import { json } from './http.js';

const who: Principal = { username: 'li.qiang', role: 'unit-admin', unitId: 'lj-rs' };
const context: Context = {
  callbackWaitsForEmptyEventLoop: false,
  functionName: 'test',
  functionVersion: '$LATEST',
  invokedFunctionArn: 'arn:aws:lambda:local:000000000000:function:test',
  memoryLimitInMB: '256',
  awsRequestId: 'test',
  logGroupName: '/aws/lambda/test',
  logStreamName: 'test',
  getRemainingTimeInMillis: () => 10_000,
  done: () => undefined,
  fail: () => undefined,
  succeed: () => undefined,
};

// A real runtime over a client that is never called: these routes reach no use case, so no network.
const doc = createDocumentClient({ region: 'local', endpoint: 'http://127.0.0.1:9' });
function runtimeWithTokens() {
  const data = createDataLayer(doc, { ops: 'ops', contacts: 'contacts', audit: 'audit', ballots: 'ballots', totals: 'totals' });
  const tokens = createLocalTokens(randomBytes(32).toString('hex'), 8);
  const now = () => new Date();
  const sealer = createAesContactSealer(randomBytes(32).toString('base64'));
  const throttle = localThrottle(doc, 'ops', randomBytes(32));
  const runtime: Runtime = { ...data, sealer, tokens, signIn: localSignIn(data, tokens, now), throttle, burst: localBurst(doc, 'ops'), now, randomId, sms: createOutboxSender(doc, 'ops', randomId, now) };
  return { runtime, tokens };
}

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const body = (result: { body?: string | undefined }) => JSON.parse(result.body ?? '{}') as unknown;

// Built before any runtime is installed, as a Lambda module is: the verifier must be read per request.
const seen = vi.fn<(principal: Principal) => void>();
const listAccounts = httpHandler(operations.listAccounts, async (event) => {
  const principal: Principal = event.principal; // non-optional by type: no `!` needed
  seen(principal);
  return json(200, { ok: true });
});
const startEnrollment = httpHandler(operations.startTotpEnrollment, async (event) => json(200, event.principal));
const publicCalls = vi.fn<(hasPrincipal: boolean) => void>();
const health = httpHandler(operations.health, async (event) => {
  // @ts-expect-error a public route has no caller, so its event has no principal to read
  void event.principal;
  publicCalls('principal' in event);
  return json(200, { ok: true });
});

let current = runtimeWithTokens();
beforeEach(() => {
  seen.mockClear();
  publicCalls.mockClear();
  current = runtimeWithTokens();
  setRuntime(current.runtime);
});
afterAll(() => {
  setRuntime(undefined);
  doc.destroy();
});

describe('httpHandler on a bearer operation', () => {
  it('answers 401 before the handler runs without a token or with a bad one', async () => {
    for (const headers of [{}, { authorization: 'Basic abc' }, bearer('not-a-token')]) {
      const result = await listAccounts(httpEvent('GET', '/api/accounts', { headers }), context);
      expect(result.statusCode).toBe(401);
      expect(body(result)).toMatchObject({ error: { code: 'UNAUTHORIZED' } });
    }
    expect(seen).not.toHaveBeenCalled();
  });

  it('gives the handler the principal of a valid token', async () => {
    const { token } = await current.tokens.issue(who, new Date());
    const result = await listAccounts(httpEvent('GET', '/api/accounts', { headers: bearer(token) }), context);
    expect(result.statusCode).toBe(200);
    expect(seen).toHaveBeenCalledWith(who);
  });

  it('asks the runtime installed at request time, not the one at load', async () => {
    const { token } = await current.tokens.issue(who, new Date());
    setRuntime(runtimeWithTokens().runtime);
    const result = await listAccounts(httpEvent('GET', '/api/accounts', { headers: bearer(token) }), context);
    expect(result.statusCode).toBe(401);
    expect(seen).not.toHaveBeenCalled();
  });

  it('lets an enrollment-only token through to the enrollment routes only', async () => {
    const { token } = await current.tokens.issueEnrollment(who, new Date());
    const refused = await listAccounts(httpEvent('GET', '/api/accounts', { headers: bearer(token) }), context);
    expect(refused.statusCode).toBe(403);
    expect(body(refused)).toMatchObject({ error: { code: 'MFA_ENROLLMENT_REQUIRED' } });
    const allowed = await startEnrollment(httpEvent('POST', '/api/auth/totp/enrollment', { headers: bearer(token) }), context);
    expect(allowed.statusCode).toBe(200);
    expect(body(allowed)).toEqual({ ...who, enrollmentOnly: true });
  });
});

describe('httpHandler on a public operation', () => {
  it('calls the handler without a principal, even with no runtime installed', async () => {
    setRuntime(undefined);
    const result = await health(httpEvent('GET', '/api/health', { headers: bearer('ignored') }), context);
    expect(result.statusCode).toBe(200);
    expect(publicCalls).toHaveBeenCalledWith(false);
  });
});
