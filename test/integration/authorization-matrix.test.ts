import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import * as z from 'zod';
import { operations } from '../../shared/src/contracts/api.js';
import type { Role } from '../../shared/src/contracts/auth.js';
import type { Principal } from '../../functions/src/auth/principal.js';
import { ENROLLMENT_OPERATIONS } from '../../functions/src/middleware/bearer-auth.js';
import { routes, type Route } from '../../functions/src/routes.js';
import { demoCounty } from '../../infra/local/demo-county.js';
import { seedDemo } from '../../infra/local/seed.js';
import { createGateway } from '../../infra/local/gateway.js';
import { isolatedTables, type IsolatedTables } from '../support/isolated-tables.js';
import { request, scanAll } from './accounts-helpers.js';
import type { Reply } from './fixtures.js';

/**
 * The role × route matrix (invariant 4, drill A-1). Data-driven: it walks the route table, so a
 * route someone adds is covered without editing this file. For every bearer route:
 * - no token → 401;
 * - staff and auditor (outside their own few routes) are refused: 401, 403 or 404;
 * - every scoped role of unit A (市场监管局) asks for objects of unit B (人社局) through every path
 *   and query parameter, with the real ids of B: no object of B in any response, no item of any
 *   table changed, and every 403 / 404 in the audit log.
 * Routes tagged `auth` act only on the caller's own account (no id to pass) and are tested in
 * accounts-login.test.ts.
 */

const endpoint = inject('dynamoEndpoint');
const gateway = createGateway();
let t: IsolatedTables;

const county = demoCounty();
const A = 'lj-scjg';
const B = 'lj-rs';
const inB = (unitId: string) => county.units.find((u) => u.id === unitId)?.path.includes(B) ?? false;
const foreign = {
  units: county.units.filter((u) => u.path.includes(B)),
  windows: county.windows.filter((w) => inB(w.unitId)),
  staff: county.staff.filter((s) => inB(s.unitId)),
  halls: county.halls.filter((h) => county.windows.filter((w) => w.hallId === h.id).every((w) => inB(w.unitId))),
};
/** Real ids of B's objects: what an attacker from A would try. */
const foreignIds = [...new Set([...foreign.units.map((u) => u.id), ...foreign.windows.map((w) => w.code), ...foreign.staff.map((s) => s.id), ...foreign.halls.map((h) => h.id)])];
/** What must never appear in an answer to A: B's ids and names (staff names can repeat across units, so ids and unit/window names). */
const leakMarkers = [...foreignIds, ...foreign.units.map((u) => u.name), ...foreign.windows.map((w) => w.name)];

const scopedRoles: Role[] = ['unit-admin', 'committee', 'staff', 'auditor'];
const principal = (role: Role): Principal => ({ username: `matrix.${role}`, role, unitId: A });
const tokens = new Map<Role, string>();

const today = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
const monthAgo = new Date(Date.now() + 8 * 3600_000 - 29 * 86_400_000).toISOString().slice(0, 10);
const DATE_KEYS = new Set(['from', 'to']);
const FALLBACKS = ['1', 'pdf', 'svg', 'csv', today];

const crossScopeRoutes = routes.filter((r) => r.auth === 'bearer' && operations[r.operationId].tag !== 'auth');

function queryKeys(route: Route): string[] {
  const query = (operations[route.operationId] as { query?: z.ZodType }).query;
  return query instanceof z.ZodObject ? Object.keys(query.shape) : [];
}

/** One request per foreign id: it goes into every path parameter and every id-like query key. */
function attempts(route: Route): { path: string; query?: Record<string, string>; body?: unknown }[] {
  const params = [...route.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);
  const keys = queryKeys(route);
  // `format` is filled like an id key: left out where it has a default (posters), a valid value where required (report exports).
  const idKeys = keys.filter((k) => !DATE_KEYS.has(k) && !['cursor', 'limit', 'action', 'lang'].includes(k));
  if (params.length === 0 && idKeys.length === 0) return [{ path: route.path, ...(keys.some((k) => DATE_KEYS.has(k)) ? { query: { from: monthAgo, to: today } } : {}), ...(hasBody(route) ? { body: {} } : {}) }];
  const op = operations[route.operationId] as { params?: z.ZodObject; query?: z.ZodType };
  const paramShape = (op.params?.shape ?? {}) as Record<string, z.ZodType>;
  const queryShape = (op.query instanceof z.ZodObject ? op.query.shape : {}) as Record<string, z.ZodType>;
  // An id goes where its schema accepts it; other keys (a version number, a format) get a plain valid value.
  const fill = (schema: z.ZodType | undefined, id: string) => [id, ...FALLBACKS].find((v) => !schema || schema.safeParse(v).success) ?? id;
  return foreignIds.map((id) => {
    const query: Record<string, string> = {};
    for (const key of keys) if (DATE_KEYS.has(key)) query[key] = key === 'from' ? monthAgo : today;
    for (const key of idKeys) {
      const schema = queryShape[key];
      // A key with a default (size, format) is left out unless the id itself fits it.
      if (schema && !schema.safeParse(id).success && schema.safeParse(undefined).success) continue;
      query[key] = fill(schema, id);
    }
    return {
      path: route.path.replace(/\{(\w+)\}/g, (_m, name: string) => encodeURIComponent(fill(paramShape[name], id))),
      ...(Object.keys(query).length ? { query } : {}),
      ...(hasBody(route) ? { body: SAMPLE_BODIES[route.operationId] ?? {} } : {}),
    };
  });
}
const hasBody = (route: Route) => (operations[route.operationId] as { body?: unknown }).body !== undefined;
/**
 * Valid bodies for writes whose `{}` would be refused as bad input before the scope check, so the
 * cross-scope attempt really reaches it (and must still change nothing).
 */
const SAMPLE_BODIES: Partial<Record<string, unknown>> = {
  createHall: { name: '越权大厅', address: '越权路1号' },
  archiveHall: { archived: true },
};

const refused = (status: number) => status === 401 || status === 403 || status === 404;
const ownRoutes: Partial<Record<Role, string[]>> = { auditor: ['listAudit', 'exportAudit'], staff: [] };

beforeAll(async () => {
  t = await isolatedTables(endpoint);
  t.install();
  await seedDemo(t.doc, t.runtime, t.runtime.sealer, { opsTable: t.tables.ops, days: 3 });
  for (const role of scopedRoles) tokens.set(role, (await t.runtime.tokens.issue(principal(role), new Date())).token);
}, 180_000);
afterAll(() => t?.close());

describe('every bearer route', () => {
  it('answers 401 without a token', async () => {
    for (const route of routes.filter((r) => r.auth === 'bearer')) {
      const path = route.path.replace(/\{(\w+)\}/g, 'x');
      const reply = await request(gateway, route.method, path, hasBody(route) ? { body: {} } : {});
      expect(reply.status, `${route.method} ${route.path}`).toBe(401);
    }
  });

  it('refuses an enrollment-only token (second factor not enrolled) with 403 everywhere but the two enrollment routes', async () => {
    // Prepare: what the password step gives a unit admin without a factor.
    const { token } = await t.runtime.tokens.issueEnrollment(principal('unit-admin'), new Date());
    const bearerRoutes = routes.filter((r) => r.auth === 'bearer');
    const isEnrollment = (route: Route) => ENROLLMENT_OPERATIONS.some((op) => op.method === route.method && op.path === route.path);
    const accepted: string[] = [];

    // Act
    for (const route of bearerRoutes) {
      const path = route.path.replace(/\{(\w+)\}/g, (_m, name: string) => (name === 'code' ? 'ABCD2345' : name === 'username' ? principal('unit-admin').username : A));
      const reply = await request(gateway, route.method, path, { token, ...(hasBody(route) ? { body: {} } : {}) });
      const label = `${route.method} ${route.path} → ${reply.status}`;
      if (isEnrollment(route)) {
        // Past authentication: the enrollment use case answers (no account here: 404 / 409, or 400 for the empty body).
        expect([400, 404, 409], label).toContain(reply.status);
        accepted.push(route.operationId);
        continue;
      }
      expect(reply.status, label).toBe(403);
      expect(reply.json.error.code, label).toBe('MFA_ENROLLMENT_REQUIRED');
      expect(reply.json.error.message, label).toMatch(/second factor/);
    }

    // Assess: the walk covered every bearer route, and only the enrollment ones let the token in.
    expect(bearerRoutes.length).toBeGreaterThan(20);
    expect(accepted.sort()).toEqual(['confirmTotpEnrollment', 'startTotpEnrollment']);
  });

  it('refuses staff everywhere and the auditor outside the audit log (401, 403 or 404)', async () => {
    for (const role of ['staff', 'auditor'] as const) {
      for (const route of crossScopeRoutes.filter((r) => !ownRoutes[role]!.includes(r.operationId))) {
        // Bad ids may be refused as bad input (400) first; at least one attempt per route meets the role check.
        const statuses: number[] = [];
        for (const attempt of attempts(route)) {
          const reply = await request(gateway, route.method, attempt.path, { token: tokens.get(role)!, ...attempt });
          expect(reply.status >= 400 && reply.status < 500, `${role} ${route.method} ${attempt.path} → ${reply.status}`).toBe(true);
          statuses.push(reply.status);
        }
        // A write whose body ({}) is refused as bad input before any role check writes nothing either.
        if (!hasBody(route)) expect(statuses.some(refused), `${role} ${route.method} ${route.path}: ${statuses.join(',')}`).toBe(true);
      }
    }
  });
});

describe('a unit A account asking for objects of unit B', () => {
  it('leaks nothing, changes nothing, and audits every refusal (≥ 200 requests)', async () => {
    // Prepare
    const tablesBefore = await Promise.all([scanAll(t.doc, t.tables.ops), scanAll(t.doc, t.tables.contacts)]);
    const auditBefore = await scanAll(t.doc, t.tables.audit);
    const refusals = new Map<string, number>();
    const leaks: string[] = [];
    const serverErrors: string[] = [];
    let sent = 0;
    const refusedRoutes = new Map<string, number>();

    // Act
    for (const role of scopedRoles) {
      for (const route of crossScopeRoutes) {
        for (const attempt of attempts(route)) {
          const reply: Reply = await request(gateway, route.method, attempt.path, { token: tokens.get(role)!, ...attempt });
          sent++;
          const label = `${role} ${route.method} ${attempt.path}?${new URLSearchParams(attempt.query ?? {})} → ${reply.status}`;
          if (reply.status >= 500) serverErrors.push(label);
          if (reply.status === 403 || reply.status === 404) {
            refusals.set(role, (refusals.get(role) ?? 0) + 1);
            refusedRoutes.set(`${role} ${route.operationId}`, (refusedRoutes.get(`${role} ${route.operationId}`) ?? 0) + 1);
          }
          // The auditor's own log is global by design (it records the attempts themselves).
          if (role === 'auditor' && ownRoutes.auditor!.includes(route.operationId)) continue;
          const hit = leakMarkers.find((marker) => reply.text.includes(marker));
          if (hit && reply.status < 400) leaks.push(`${label} contains ${hit}`);
        }
      }
    }

    // Assess
    expect(sent).toBeGreaterThanOrEqual(200);
    expect(serverErrors).toEqual([]);
    expect(leaks).toEqual([]);
    const tablesAfter = await Promise.all([scanAll(t.doc, t.tables.ops), scanAll(t.doc, t.tables.contacts)]);
    expect(tablesAfter).toEqual(tablesBefore);
    const auditAfter = await scanAll(t.doc, t.tables.audit);
    const before = new Set(auditBefore.map((e) => e.id));
    const added = auditAfter.filter((e) => !before.has(e.id));
    for (const role of scopedRoles) {
      const audited = added.filter((e) => e.actor === principal(role).username && (e.result === 'denied' || e.result === 'not-found')).length;
      expect(audited, `${role}: refusals audited; refused per route: ${JSON.stringify([...refusedRoutes])}; audited: ${JSON.stringify(added.filter((e) => e.actor === principal(role).username).map((e) => `${e.action}:${e.result}`))}`).toBeGreaterThanOrEqual(refusals.get(role) ?? 0);
    }
  });
});
