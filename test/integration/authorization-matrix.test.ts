import { isDeepStrictEqual } from 'node:util';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { operations } from '../../shared/src/contracts/api.js';
import type { Role } from '../../shared/src/contracts/auth.js';
import { routes, type Route } from '../../functions/src/routes.js';
import { MAY, ROLES, may } from './authorization-expectations.js';
import { createWorld, matrixRoutes, REQUESTS, requestText, send, tableChanges, type AuditItem, type Req, type World } from './authorization-requests.js';
import type { Reply } from './fixtures.js';

/**
 * The role × operation matrix (invariant 4, drill A-1): EVERY bearer operation of the route table ×
 * EVERY role × an object in the caller's scope and one out of it (and, where a request names a
 * second object, an in-scope object with an out-of-scope second one), with VALID requests
 * (authorization-requests.ts), against an expectation table written from the product rules
 * (authorization-expectations.ts), never imported from functions/src. Each case asserts:
 * - the status: 2xx where the role may do it (in scope; anywhere for the system admin), 403 where
 *   the role lacks the permission, 404 out of scope, answered exactly like an id that does not exist
 *   (the same request with the out-of-scope ids swapped for unknown ones is sent and compared);
 * - EXACTLY ONE audit entry for every refusal (403, 404, or an out-of-scope row of an import),
 *   counted from the audit table around that one request; the unknown-id request is held to the same;
 * - no answer to a scoped caller carries an id or name of the foreign unit B it did not send itself;
 * - the refused requests of an operation change no item of the ops and contacts tables.
 * Callers: one principal per role, all in unit A (市场监管局); B is 人社局. Requests that must succeed
 * get brand-new objects, so a successful write never spoils a later case. Routes tagged `auth` act
 * on the caller's own account (TOTP enrollment): they keep the 401 and enrollment-token checks below
 * (and audit-writes.test.ts, accounts-login.test.ts); public routes are outside this matrix.
 */

const endpoint = inject('dynamoEndpoint');
let w: World;
const startedAt = performance.now();
let sent = 0;
/** Every place the code disagrees with the expectation table, printed at the end. */
const disagreements: string[] = [];

type Variant = 'in' | 'out' | 'cross';
type Expect = 'ok' | 'forbidden' | 'hidden' | 'like-unknown';
interface Case {
  role: Role;
  variant: Variant;
  expect: Expect;
}
const EXPECTED: Record<Expect, string> = { ok: '2xx', forbidden: '403', hidden: '404, like an unknown id', 'like-unknown': 'the answer to an unknown id' };

let worldSeconds = '';
beforeAll(async () => {
  w = await createWorld(endpoint);
  worldSeconds = ((performance.now() - startedAt) / 1000).toFixed(1);
}, 180_000);

afterAll(() => {
  const seconds = ((performance.now() - startedAt) / 1000).toFixed(1);
  console.log(
    `authorization matrix: ${sent} requests (and ${w?.stats.fixtures ?? 0} fixture requests) in ${seconds} s, of which ${worldSeconds} s to seed the county and make the shared objects and ${((w?.stats.snapshotMs ?? 0) / 1000).toFixed(1)} s to read the tables (${w?.stats.items} items at the end) before and after each operation's refusals\n` +
      (disagreements.length ? `disagreements with the expectation table:\n${disagreements.map((line) => `  ${line}`).join('\n')}` : 'no disagreements'),
  );
  w?.close();
});

/** The cases of one operation: every role × in scope, out of scope, and an out-of-scope second object. */
function casesOf(operationId: string): Case[] {
  const spec = REQUESTS[operationId]!;
  const variants: Variant[] = spec.scope === 'caller' ? ['in'] : spec.cross ? ['in', 'out', 'cross'] : ['in', 'out'];
  const cases: Case[] = [];
  for (const role of ROLES) {
    for (const variant of variants) {
      if (!may(role, operationId)) cases.push({ role, variant, expect: 'forbidden' });
      else if (variant === 'in') cases.push({ role, variant, expect: 'ok' });
      // No scope limit: B's objects are the system admin's as well. (A second object of B is then refused for
      // reasons of structure — a hall off the window's path, staff of another unit — not of scope: not a case here.)
      else if (role === 'system-admin') {
        if (variant === 'out') cases.push({ role, variant, expect: 'ok' });
      } else if (variant === 'cross') cases.push({ role, variant, expect: spec.cross!.expect });
      else cases.push({ role, variant, expect: spec.scope === 'import' ? 'like-unknown' : 'hidden' });
    }
  }
  return cases;
}

function measured(req: Req, role: Role): Promise<{ reply: Reply; audit: AuditItem[] }> {
  sent++;
  return w.send(req, w.token(role));
}

/** An id or name of B that the caller did not send itself. The auditor's log is global by design. */
function leak(role: Role, operationId: string, req: Req, reply: Reply): string | undefined {
  if (role === 'system-admin' || (role === 'auditor' && (operationId === 'listAudit' || operationId === 'exportAudit'))) return undefined;
  const sentText = requestText(req);
  for (const marker of w.leakMarkers) if (!sentText.includes(marker) && reply.text.includes(marker)) return marker;
  return undefined;
}

/** The same request with every out-of-scope id swapped for an id that exists nowhere. */
async function asUnknown(req: Req): Promise<Req> {
  let text = JSON.stringify(req);
  for (const [ghost, out] of (await w.ghostToOut()).sort((a, b) => b[1].length - a[1].length)) text = text.split(out).join(ghost);
  return JSON.parse(text) as Req;
}

/** The answer to the unknown ids with each put back to its out-of-scope twin: what "exactly like" compares. */
async function asIfOut(reply: Reply): Promise<{ status: number; body: unknown }> {
  let text = reply.text;
  for (const [ghost, out] of (await w.ghostToOut()).sort((a, b) => b[0].length - a[0].length)) text = text.split(ghost).join(out);
  try {
    return { status: reply.status, body: JSON.parse(text) };
  } catch {
    return { status: reply.status, body: text };
  }
}

/** Where two texts part. */
function difference(unknown: string, actual: string): string {
  let at = 0;
  while (at < unknown.length && unknown[at] === actual[at]) at++;
  return `…${unknown.slice(Math.max(0, at - 40), at)}… unknown id: "${unknown.slice(at, at + 80)}", out of scope: "${actual.slice(at, at + 80)}"`;
}

const entriesText = (entries: AuditItem[]) =>
  JSON.stringify(entries.map((e) => `${e.actor} ${e.action} ${e.objectType}:${e.objectId} ${e.result}${e.detail ? ` (${e.detail})` : ''}`));

describe('the request table and the expectation table', () => {
  it('cover every bearer operation of the route table, and nothing else', () => {
    const ids = matrixRoutes().map((route) => route.operationId as string);
    expect(ids.length).toBeGreaterThan(40);
    expect(ids.filter((id) => !REQUESTS[id]), 'operations without a valid request in REQUESTS (authorization-requests.ts)').toEqual([]);
    expect(ids.filter((id) => !MAY[id]), 'operations without an expectation in MAY (authorization-expectations.ts)').toEqual([]);
    expect(Object.keys(REQUESTS).filter((id) => !ids.includes(id)), 'REQUESTS entries that are no bearer operation').toEqual([]);
    expect(Object.keys(MAY).filter((id) => !ids.includes(id)), 'MAY entries that are no bearer operation').toEqual([]);
  });
});

describe('every bearer route', () => {
  const placeholder = (route: Route): Req => ({
    method: route.method,
    path: route.path.replace(/\{(\w+)\}/g, 'x'),
    ...((operations[route.operationId] as { body?: unknown }).body !== undefined ? { json: {} } : {}),
  });
  const validRequest = async (route: Route) => {
    const spec = REQUESTS[route.operationId];
    return spec ? spec.build(w.shared.in) : placeholder(route);
  };

  it('answers 401 without a token', async () => {
    for (const route of routes.filter((r) => r.auth === 'bearer')) {
      const req = await validRequest(route);
      sent++;
      const reply = await send(w.gateway, req);
      expect(reply.status, `${route.method} ${req.path}`).toBe(401);
    }
  });

  it('refuses an enrollment-only token (second factor not enrolled) with 403 everywhere but the two enrollment routes and logout', async () => {
    // Prepare: what the password step gives a unit admin without a factor.
    const { token } = await w.t.runtime.tokens.issueEnrollment(w.principal('unit-admin'), new Date());
    const bearerRoutes = routes.filter((r) => r.auth === 'bearer');
    const accepted: string[] = [];

    // Act
    for (const route of bearerRoutes) {
      const req = await validRequest(route);
      sent++;
      const reply = await send(w.gateway, req, token);
      const label = `${route.method} ${route.path} → ${reply.status}`;
      // The admin shell's getSession is for a full session only: it refuses like any other route.
      if (operations[route.operationId].tag === 'auth' && route.operationId !== 'getSession') {
        // Past authentication: the enrollment use case answers (no account here: 404 / 409, or 400 for
        // the empty body); a logout ends whatever sessions the account has (200).
        expect(route.operationId === 'logout' ? [200] : [400, 404, 409], label).toContain(reply.status);
        accepted.push(route.operationId);
        continue;
      }
      expect(reply.status, label).toBe(403);
      expect(reply.json.error.code, label).toBe('MFA_ENROLLMENT_REQUIRED');
      expect(reply.json.error.message, label).toMatch(/second factor/);
    }

    // Assess: the walk covered every bearer route, and only the enrollment ones and logout let the token in.
    expect(bearerRoutes.length).toBeGreaterThan(20);
    expect(accepted.sort()).toEqual(['confirmTotpEnrollment', 'logout', 'startTotpEnrollment']);
  });
});

describe('role × operation × scope: the status, one audit entry per refusal, nothing of B in any answer, nothing changed by a refusal', () => {
  for (const route of matrixRoutes()) {
    it(`${route.operationId} (${route.method} ${route.path})`, async () => {
      const operationId = route.operationId as string;
      const spec = REQUESTS[operationId];
      if (!spec) throw new Error(`${operationId} has no valid request in REQUESTS (authorization-requests.ts)`);
      const cases = casesOf(operationId);
      const failures: string[] = [];
      const disagree = (c: Case, got: number, audit: number, detail: string) => {
        const line = `${operationId} | ${c.role} | ${c.variant} | expected ${EXPECTED[c.expect]} | got ${got} | ${audit} audit entries | ${detail}`;
        failures.push(line);
        disagreements.push(line);
      };

      // The refusals first, on the shared objects; afterwards no item may have changed.
      const before = await w.snapshot();
      for (const c of cases.filter((candidate) => candidate.expect !== 'ok')) {
        const req = c.variant === 'cross' ? await spec.cross!.build(w.shared.in, w.shared.out) : await spec.build(w.shared[c.variant === 'in' ? 'in' : 'out']);
        const { reply, audit } = await measured(req, c.role);
        const problems: string[] = [];
        const caller = w.principal(c.role).username;
        if (audit.length !== 1 || audit[0]!.actor !== caller) problems.push(`audit entries ${entriesText(audit)}`);
        if (c.expect === 'forbidden') {
          if (reply.status !== 403) problems.push(`answer ${reply.text.slice(0, 160)}`);
          else if (audit.length === 1 && audit[0]!.result !== 'denied') problems.push(`audited as ${audit[0]!.result}, not denied`);
        } else {
          // Out of scope: exactly the answer to ids that do not exist (a refusal too, audited once).
          const ghostReq = await asUnknown(req);
          const ghost = await measured(ghostReq, c.role);
          const unknown = await asIfOut(ghost.reply);
          if (c.expect === 'hidden' && reply.status !== 404) problems.push(`answer ${reply.text.slice(0, 160)}`);
          if (unknown.status !== reply.status) problems.push(`an unknown id answers ${unknown.status}, this one ${reply.status}`);
          else if (!isDeepStrictEqual(reply.json ?? reply.text, unknown.body)) {
            problems.push(`answered unlike an unknown id: ${difference(JSON.stringify(unknown.body), JSON.stringify(reply.json ?? reply.text))}`);
          }
          if (c.expect === 'hidden' && audit.length === 1 && audit[0]!.result !== 'denied') problems.push(`audited as ${audit[0]!.result}, not denied`);
          if (ghost.audit.length !== 1 || ghost.audit[0]!.actor !== caller) problems.push(`the unknown id wrote audit entries ${entriesText(ghost.audit)}`);
          const ghostLeak = leak(c.role, operationId, ghostReq, ghost.reply);
          if (ghostLeak) problems.push(`the answer to an unknown id contains ${ghostLeak}`);
        }
        const leaked = leak(c.role, operationId, req, reply);
        if (leaked) problems.push(`the answer contains ${leaked} of unit B`);
        if (problems.length) disagree(c, reply.status, audit.length, problems.join('; '));
      }
      const changes = tableChanges(before, await w.snapshot());
      if (changes.length) failures.push(`refused requests changed ${changes.length} items: ${changes.slice(0, 8).join(', ')}`);

      // Then what the role may do: 2xx, on brand-new objects for writes.
      for (const c of cases.filter((candidate) => candidate.expect === 'ok')) {
        const side = c.variant === 'in' ? 'in' : 'out';
        const req = await spec.build(route.method === 'GET' ? w.shared[side] : w.fresh(side));
        const { reply, audit } = await measured(req, c.role);
        const problems: string[] = [];
        if (reply.status < 200 || reply.status > 299) problems.push(`answer ${reply.text.slice(0, 200)}`);
        const leaked = leak(c.role, operationId, req, reply);
        if (leaked) problems.push(`the answer contains ${leaked} of unit B`);
        if (problems.length) disagree(c, reply.status, audit.length, problems.join('; '));
      }

      expect(failures).toEqual([]);
    });
  }
});
