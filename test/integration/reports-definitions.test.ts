import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { RateDefinitionList } from '../../shared/src/contracts/ops-reports.js';
import { RateDefinitionSet, SatisfactionReport } from '../../shared/src/contracts/reports.js';
import { chinaDay } from '../../shared/src/domain/china-time.js';
import type { Principal } from '../../functions/src/auth/principal.js';
import { keys } from '../../functions/src/data/keys.js';
import { createGateway } from '../../infra/local/gateway.js';
import { pinnedClock } from '../support/clock.js';
import { isolatedTables, type IsolatedTables } from '../support/isolated-tables.js';
import { request, scanAll } from './accounts-helpers.js';
import { putReportTree, rateAll, recount, TREE, WINDOWS } from './reports-fixtures.js';

/**
 * Rate definitions are data: a system admin adds a local set (which levels count as 好评 / 满意),
 * it never changes afterwards, every scoped reader lists it after the national one, and a report
 * computed with it counts exactly its levels in the raw ratings.
 */

const endpoint = inject('dynamoEndpoint');
const gateway = createGateway();
let t: IsolatedTables;
/** The runtime's clock: the ratings of beforeAll and the report of the last test are on its day. */
const now = pinnedClock();
const tokens: Record<string, string> = {};
const principals = {
  systemAdmin: { username: 'def.sysadmin', role: 'system-admin', unitId: TREE.root.id },
  committee: { username: 'def.committee', role: 'committee', unitId: TREE.root.id },
  staff: { username: 'def.staff', role: 'staff', unitId: TREE.a.id },
} satisfies Record<string, Principal>;

beforeAll(async () => {
  t = await isolatedTables(endpoint, { now });
  t.install();
  await putReportTree(t.runtime);
  await rateAll(gateway, 9);
  for (const [name, principal] of Object.entries(principals)) tokens[name] = (await t.runtime.tokens.issue(principal, new Date())).token;
}, 120_000);
afterAll(() => t?.close());

const strict = { id: 'strict-2026', name: '某市严格口径', goodLevels: [5, 4], satisfiedLevels: [5] };
const create = (who: keyof typeof principals, body: unknown) => request(gateway, 'POST', '/api/rate-definitions', { token: tokens[who]!, body });

describe('rate definition registry', () => {
  it('lists only the built-in national set at first', async () => {
    const reply = await request(gateway, 'GET', '/api/rate-definitions', { token: tokens.committee! });
    expect(reply.status).toBe(200);
    const body = RateDefinitionList.parse(reply.json);
    expect(body.definitions.map((d) => d.id)).toEqual(['national']);
    expect(body.definitions[0]).toMatchObject({ builtIn: true, good: { levels: [5, 4, 3] }, satisfied: { levels: [5, 4] } });
  });

  it('adds a local set once, then refuses to change it or to shadow the national one', async () => {
    // Act
    const first = await create('systemAdmin', strict);
    const again = await create('systemAdmin', { ...strict, goodLevels: [5, 4, 3] });
    const national = await create('systemAdmin', { ...strict, id: 'national' });

    // Assess
    expect(first.status, first.text).toBe(201);
    expect(RateDefinitionSet.parse(first.json)).toMatchObject({
      id: 'strict-2026',
      builtIn: false,
      good: { levels: [5, 4], formula: { zh: '好评率 =（非常满意 + 满意）÷ 有效评价数（不含可疑评价和申诉成立的评价）' } },
      satisfied: { levels: [5] },
    });
    expect(again.status).toBe(409);
    expect(national.status).toBe(409);
    const stored = (await scanAll(t.doc, t.tables.ops)).filter((item) => String(item.pk).startsWith('RATEDEF'));
    expect(stored.map((item) => `${item.pk}/${item.sk}`).sort()).toEqual([`${keys.rateDefinition('strict-2026').pk}/META`, 'RATEDEFS/RATEDEF#strict-2026']);
    expect(stored.every((item) => JSON.stringify(item.goodLevels) === '[5,4]')).toBe(true);
    const list = RateDefinitionList.parse((await request(gateway, 'GET', '/api/rate-definitions', { token: tokens.committee! })).json);
    expect(list.definitions.map((d) => d.id)).toEqual(['national', 'strict-2026']);
  });

  it.each([
    [{ ...strict, id: 'x1', goodLevels: [6] }, 'goodLevels'],
    [{ ...strict, id: 'x2', goodLevels: [] }, 'goodLevels'],
    [{ ...strict, id: 'x3', satisfiedLevels: [5, 5] }, 'satisfiedLevels'],
    [{ ...strict, id: 'x4', satisfiedLevels: [3] }, 'satisfiedLevels'],
    [{ ...strict, id: 'Bad Id' }, 'id'],
    [{ ...strict, id: 'x5', name: '' }, 'name'],
    [{ ...strict, id: 'x6', extra: 1 }, 'extra'],
  ])('refuses %j with 400 naming %s and stores nothing', async (body, field) => {
    const reply = await create('systemAdmin', body);
    expect(reply.status, reply.text).toBe(400);
    const fields: string[] = reply.json.error.issues.map((issue: { field: string }) => issue.field);
    expect(fields.some((f) => f === field || f.startsWith(`${field}.`)), fields.join()).toBe(true);
    const stored = (await scanAll(t.doc, t.tables.ops)).filter((item) => String(item.pk).startsWith('RATEDEF#x'));
    expect(stored).toEqual([]);
  });

  it('lets only a system admin add one (403, audited), and refuses the list to staff', async () => {
    const reply = await create('committee', { ...strict, id: 'by-committee' });
    expect(reply.status).toBe(403);
    expect((await request(gateway, 'GET', '/api/rate-definitions', { token: tokens.staff! })).status).toBe(403);
    const audit = await scanAll(t.doc, t.tables.audit);
    expect(audit.filter((e) => e.actor === 'def.committee' && e.action === 'rate-definition.create' && e.result === 'denied')).toHaveLength(1);
    expect(audit.filter((e) => e.actor === 'def.sysadmin' && e.action === 'rate-definition.create' && e.result === 'ok')).toHaveLength(1);
  });

  it('computes a report with the chosen set and prints it', async () => {
    const day = chinaDay(now());
    const reply = await request(gateway, 'GET', '/api/reports/satisfaction', { token: tokens.committee!, query: { month: day.slice(0, 7), definition: 'strict-2026' } });
    expect(reply.status, reply.text).toBe(200);
    const body = SatisfactionReport.parse(reply.json);
    const raw = await recount(t.doc, t.tables.ops, Object.keys(WINDOWS).filter((code) => code !== 'rqone001'), day);
    expect(body.definitions.id).toBe('strict-2026');
    expect(body.summary.goodRate!.numerator).toBe(raw.filter((r) => r.level >= 4).length);
    expect(body.summary.satisfiedRate!.numerator).toBe(raw.filter((r) => r.level === 5).length);
    expect(body.summary.satisfiedRate!.definition.formula.zh).toBe('满意率 =（非常满意）÷ 有效评价数（不含可疑评价和申诉成立的评价）');
    expect(body.notes.map((n) => n.zh)).toContain('好评率 =（非常满意 + 满意）÷ 有效评价数（不含可疑评价和申诉成立的评价）');
  });
});
