import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createGateway } from '../../infra/local/gateway.js';
import { demoCounty } from '../../infra/local/demo-county.js';
import { isolatedTables, type IsolatedTables } from '../support/isolated-tables.js';
import { request, scanAll } from './accounts-helpers.js';
import { seedWriter } from '../../infra/local/seed.js';

/**
 * GET /api/windows pages with `limit` and `cursor` (bad values: 400 naming the field), and the
 * results routes audit their refusals like every other route.
 */

const endpoint = inject('dynamoEndpoint');
const gateway = createGateway();
let t: IsolatedTables;
const tokens: Record<'admin' | 'county' | 'staff', string> = { admin: '', county: '', staff: '' };
const county = demoCounty();

beforeAll(async () => {
  t = await isolatedTables(endpoint);
  t.install();
  // The demo county's tree and windows, without ratings: seedDemo's rating transactions reuse
  // seeded ClientRequestTokens, which collide with another file seeding the same DynamoDB Local.
  for (const unit of county.units) await seedWriter(t.runtime).putUnit(unit);
  for (const hall of county.halls) await seedWriter(t.runtime).putHall(hall);
  for (const window of county.windows) await seedWriter(t.runtime).putWindow(window);
  const now = new Date();
  tokens.admin = (await t.runtime.tokens.issue({ username: 'pages.admin', role: 'system-admin', unitId: 'jn-qh-lj' }, now)).token;
  tokens.county = (await t.runtime.tokens.issue({ username: 'pages.rs', role: 'unit-admin', unitId: 'lj-rs' }, now)).token;
  tokens.staff = (await t.runtime.tokens.issue({ username: 'pages.staff', role: 'staff', unitId: 'lj-rs' }, now)).token;
}, 180_000);
afterAll(() => t?.close());

async function allPages(token: string, limit: number): Promise<{ codes: string[]; pages: number }> {
  const codes: string[] = [];
  let cursor: string | undefined;
  let pages = 0;
  do {
    const reply = await request(gateway, 'GET', '/api/windows', { token, query: { limit: String(limit), ...(cursor ? { cursor } : {}) } });
    expect(reply.status, JSON.stringify(reply.json)).toBe(200);
    expect(reply.json.windows.length).toBeLessThanOrEqual(limit);
    codes.push(...reply.json.windows.map((w: { code: string }) => w.code));
    cursor = reply.json.cursor;
    pages++;
  } while (cursor && pages < 100);
  return { codes, pages };
}

describe('GET /api/windows', () => {
  it('pages through every window of the scope exactly once by following cursors', async () => {
    // Act
    const whole = await request(gateway, 'GET', '/api/windows', { token: tokens.admin });
    const paged = await allPages(tokens.admin, 5);
    const scoped = await allPages(tokens.county, 2);

    // Assess
    expect(whole.json.cursor).toBeUndefined();
    const all = whole.json.windows.map((w: { code: string }) => w.code).sort();
    expect(all).toHaveLength(county.windows.length);
    expect(paged.pages).toBeGreaterThan(1);
    expect([...paged.codes].sort()).toEqual(all);
    const inRs = county.windows.filter((w) => county.units.find((u) => u.id === w.unitId)?.path.includes('lj-rs')).map((w) => w.code);
    expect(inRs.length).toBeGreaterThan(2);
    expect([...scoped.codes].sort()).toEqual([...inRs].sort());
  });

  it('answers a bad limit or cursor, or an unknown parameter, with 400 naming it', async () => {
    const cases: [Record<string, string>, string][] = [
      [{ limit: '0' }, 'limit'],
      [{ limit: '1001' }, 'limit'],
      [{ limit: 'many' }, 'limit'],
      [{ cursor: 'not-a-cursor' }, 'cursor'],
      [{ cursor: '0.bm90LWpzb24' }, 'cursor'],
      [{ cursor: `0.${Buffer.from(JSON.stringify({ pk: 'ACCOUNT#admin', sk: 'META' })).toString('base64url')}` }, 'cursor'],
      [{ cursor: 'x'.repeat(3000) }, 'cursor'],
      [{ page: '2' }, 'page'],
    ];
    for (const [query, field] of cases) {
      const reply = await request(gateway, 'GET', '/api/windows', { token: tokens.admin, query });
      expect(reply.status, JSON.stringify(query)).toBe(400);
      expect(reply.json.error.issues.map((i: { field: string }) => i.field), JSON.stringify(query)).toContain(field);
    }
  });
});

describe('refusals of the results routes', () => {
  it('audits a role without results:read, and a window out of scope answered like a missing one', async () => {
    // Prepare: a window of 市场监管局, outside 人社局's subtree.
    const foreign = county.windows.find((w) => county.units.find((u) => u.id === w.unitId)?.path.includes('lj-scjg'))!;
    const query = { window: foreign.code, from: '2026-01-01', to: '2026-01-31' };

    // Act
    const outOfScope = await request(gateway, 'GET', '/api/results/satisfaction', { token: tokens.county, query });
    const missing = await request(gateway, 'GET', '/api/results/satisfaction', { token: tokens.county, query: { ...query, window: 'zzzz2345' } });
    const staffList = await request(gateway, 'GET', '/api/windows', { token: tokens.staff });

    // Assess
    expect(outOfScope.status).toBe(404);
    expect(outOfScope.json.error).toEqual(missing.json.error);
    expect(outOfScope.text).not.toContain(foreign.name);
    expect(staffList.status).toBe(403);
    const audit = (await scanAll(t.doc, t.tables.audit)) as { actor: string; action: string; result: string; objectId: string; unitId?: string }[];
    expect(audit).toContainEqual(expect.objectContaining({ actor: 'pages.rs', action: 'results.satisfaction', objectId: foreign.code, result: 'denied', unitId: foreign.unitId }));
    expect(audit).toContainEqual(expect.objectContaining({ actor: 'pages.rs', action: 'results.satisfaction', objectId: 'zzzz2345', result: 'not-found' }));
    expect(audit).toContainEqual(expect.objectContaining({ actor: 'pages.staff', action: 'results.list-windows', result: 'denied' }));
  });
});
