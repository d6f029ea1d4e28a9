import { TOTP } from 'otpauth';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { operations } from '../../shared/src/contracts/api.js';
import type { Role } from '../../shared/src/contracts/auth.js';
import { routes } from '../../functions/src/routes.js';
import { ROLES, may } from './authorization-expectations.js';
import { A, createWorld, PASSWORD, REQUESTS, uniq, type AuditItem, type Req, type World } from './authorization-requests.js';
import type { Reply } from './fixtures.js';

/**
 * Every successful administrative write leaves exactly ONE audit entry, with result `ok`, naming
 * the caller and its role: each bearer operation whose method is POST, PUT, PATCH or DELETE, done by
 * every role the product rules allow (authorization-expectations.ts), in its scope, with a valid
 * body (authorization-requests.ts), on brand-new objects. The walk is over the route table: a write
 * operation without a request fails here. The caller's own TOTP enrollment (tag `auth`, no object to
 * name) is walked step by step, and so is the two-step login that follows it: public routes, but
 * they change state and are what the audit log is for.
 */

const endpoint = inject('dynamoEndpoint');
let w: World;
const startedAt = performance.now();
let sent = 0;

let worldSeconds = '';
beforeAll(async () => {
  w = await createWorld(endpoint);
  worldSeconds = ((performance.now() - startedAt) / 1000).toFixed(1);
}, 180_000);

afterAll(() => {
  console.log(`audit of writes: ${sent} requests (and ${w?.stats.fixtures ?? 0} fixture requests) in ${((performance.now() - startedAt) / 1000).toFixed(1)} s, of which ${worldSeconds} s to seed the county and make the shared objects`);
  w?.close();
});

const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const writes = routes.filter((route) => route.auth === 'bearer' && WRITE_METHODS.has(route.method));
/** Writes on the caller's own account: no object to name, so not in REQUESTS; each has its own case below. */
const OWN_ACCOUNT_WRITES = ['startTotpEnrollment', 'confirmTotpEnrollment', 'logout'];

const describeEntries = (entries: AuditItem[]) =>
  entries.map((e) => `${e.actor}/${e.role} ${e.action} ${e.objectType}:${e.objectId} ${e.result}${e.detail ? ` (${e.detail})` : ''}`);

/** One successful request and the audit entries it wrote: exactly one, `ok`, by this caller in its role. */
function expectOneOk(label: string, reply: Reply, audit: AuditItem[], actor: { username: string; role: string }) {
  expect(reply.status, `${label}: ${reply.text.slice(0, 200)}`).toBeGreaterThanOrEqual(200);
  expect(reply.status, `${label}: ${reply.text.slice(0, 200)}`).toBeLessThan(300);
  expect(describeEntries(audit), `${label}: audit entries written by the request`).toHaveLength(1);
  const [entry] = audit;
  expect({ result: entry!.result, actor: entry!.actor }, `${label}: ${describeEntries(audit)}`).toEqual({ result: 'ok', actor: actor.username });
  // Who did it includes in which role: the log is read without the accounts table at hand.
  expect(entry!.role, `${label}: the entry names the caller's role; ${describeEntries(audit)}`).toBe(actor.role);
  expect(entry!.action, label).toMatch(/^[a-z][a-z.-]*$/);
}

describe('the walk', () => {
  it('has a valid request for every write operation of the route table', () => {
    expect(writes.length).toBeGreaterThan(25);
    const missing = writes.filter((route) => !REQUESTS[route.operationId] && !OWN_ACCOUNT_WRITES.includes(route.operationId)).map((route) => route.operationId);
    expect(missing, 'write operations without a request in REQUESTS (authorization-requests.ts)').toEqual([]);
    const ownAccount = writes.filter((route) => operations[route.operationId].tag === 'auth').map((route) => route.operationId);
    expect(ownAccount.sort(), 'own-account writes (tag auth), each with its own case below').toEqual([...OWN_ACCOUNT_WRITES].sort());
  });
});

describe('every successful administrative write leaves exactly one audit entry, result ok', () => {
  for (const route of writes.filter((r) => !OWN_ACCOUNT_WRITES.includes(r.operationId))) {
    const allowed = ROLES.filter((role) => REQUESTS[route.operationId] && may(role, route.operationId));
    it(`${route.operationId} (${route.method} ${route.path}) by ${allowed.join(', ') || 'nobody'}`, async () => {
      const spec = REQUESTS[route.operationId];
      if (!spec) throw new Error(`${route.operationId} has no valid request in REQUESTS (authorization-requests.ts)`);
      expect(allowed.length, `${route.operationId}: no role may do it`).toBeGreaterThan(0);
      for (const role of allowed) {
        const req = await spec.build(w.fresh('in'));
        sent++;
        const { reply, audit } = await w.send(req, w.token(role));
        expectOneOk(`${role} ${route.operationId}`, reply, audit, w.principal(role));
      }
    });
  }
});

describe('the caller’s own second factor, and the two-step login that uses it: one ok entry per step', () => {
  // A unit admin account without a second factor, with a token of its own; each step uses the one before.
  const username = `aw.enrol${uniq()}`;
  const role: Role = 'unit-admin';
  const actor = { username, role };
  let token: string;
  let totp: TOTP;
  let challenge: string;
  let session: string;
  const step = (req: Req, bearer?: string) => {
    sent++;
    return w.send(req, bearer);
  };

  beforeAll(async () => {
    await w.admin('POST', '/api/accounts', { username, displayName: '审计测试', personId: username, role, unitId: A, password: PASSWORD });
    token = (await w.t.runtime.tokens.issueEnrollment({ username, role, unitId: A }, new Date())).token;
  });

  it('startTotpEnrollment (POST /api/auth/totp/enrollment)', async () => {
    const { reply, audit } = await step({ method: 'POST', path: '/api/auth/totp/enrollment' }, token);
    expectOneOk('startTotpEnrollment', reply, audit, actor);
    totp = new TOTP({ secret: reply.json.secret as string, algorithm: 'SHA1', digits: 6, period: 30 });
  });

  it('confirmTotpEnrollment (POST /api/auth/totp/enrollment/confirm)', async () => {
    const { reply, audit } = await step({ method: 'POST', path: '/api/auth/totp/enrollment/confirm', json: { code: totp.generate() } }, token);
    expectOneOk('confirmTotpEnrollment', reply, audit, actor);
  });

  it('login, password step (POST /api/auth/login)', async () => {
    const { reply, audit } = await step({ method: 'POST', path: '/api/auth/login', json: { username, password: PASSWORD } });
    expectOneOk('login (password step)', reply, audit, actor);
    expect(reply.json.mfaRequired).toBe(true);
    challenge = reply.json.challenge as string;
  });

  it('login, TOTP step (POST /api/auth/login/totp)', async () => {
    // The next 30-second step: inside the ±1 step window, and not the one the confirmation used.
    const code = totp.generate({ timestamp: Date.now() + 30_000 });
    const { reply, audit } = await step({ method: 'POST', path: '/api/auth/login/totp', json: { challenge, code } });
    expectOneOk('loginTotp', reply, audit, actor);
    expect(reply.json.token).toEqual(expect.any(String));
    session = reply.json.token as string;
  });

  it('logout (POST /api/auth/logout)', async () => {
    const { reply, audit } = await step({ method: 'POST', path: '/api/auth/logout' }, session);
    expectOneOk('logout', reply, audit, actor);
  });
});
