import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { SatisfactionReport, type ReportCell } from '../../shared/src/contracts/reports.js';
import { chinaDay } from '../../shared/src/domain/china-time.js';
import { countLevels, totalCount } from '../../shared/src/domain/level-counts.js';
import type { Principal } from '../../functions/src/auth/principal.js';
import { runSatisfactionReport } from '../../functions/src/use-cases/reports/satisfaction-report.js';
import { createGateway } from '../../infra/local/gateway.js';
import { pinnedClock } from '../support/clock.js';
import { isolatedTables, type IsolatedTables } from '../support/isolated-tables.js';
import { request, scanAll } from './accounts-helpers.js';
import { putReportTree, rateAll, recount, STAFF, TREE, WINDOWS, type WindowCode } from './reports-fixtures.js';

/**
 * The committee report through the real handler on DynamoDB Local: every shown number equals a
 * recount of the raw ratings submitted through the rating handler; small groups are hidden in the
 * API itself; out-of-scope units and windows answer like unknown ones and are audited; a bad query
 * is a 400 naming its field.
 */

const endpoint = inject('dynamoEndpoint');
const gateway = createGateway();
let t: IsolatedTables;
/** The runtime's clock: ratings land on its day and the report reads its month, whatever the wall clock does. */
const now = pinnedClock();
const day = chinaDay(now());
const month = day.slice(0, 7);
const tokens: Record<string, string> = {};
const principals = {
  committee: { username: 'rp.committee', role: 'committee', unitId: TREE.root.id },
  unitAdminA: { username: 'rp.admin.a', role: 'unit-admin', unitId: TREE.a.id },
  systemAdmin: { username: 'rp.sysadmin', role: 'system-admin', unitId: TREE.root.id },
  staff: { username: 'rp.staff', role: 'staff', unitId: TREE.a.id },
  auditor: { username: 'rp.auditor', role: 'auditor', unitId: TREE.root.id },
} satisfies Record<string, Principal>;

const codesOf = (unitId: string) => (Object.keys(WINDOWS) as WindowCode[]).filter((code) => (WINDOWS[code].unit.path as readonly string[]).includes(unitId));

beforeAll(async () => {
  t = await isolatedTables(endpoint, { now });
  t.install();
  await putReportTree(t.runtime);
  await rateAll(gateway);
  for (const [name, principal] of Object.entries(principals)) tokens[name] = (await t.runtime.tokens.issue(principal, new Date())).token;
}, 120_000);
afterAll(() => t?.close());

const report = (who: keyof typeof principals, query: Record<string, string> = {}) =>
  request(gateway, 'GET', '/api/reports/satisfaction', { token: tokens[who]!, query: { month, ...query } });

function expectCounts(cell: ReportCell, levels: number[]) {
  const counts = countLevels(levels as (1 | 2 | 3 | 4 | 5)[]);
  expect(cell.suppressed, cell.key).toBeNull();
  expect(cell.n, cell.key).toBe(totalCount(counts));
  expect(cell.counts, cell.key).toEqual({ '1': counts[1], '2': counts[2], '3': counts[3], '4': counts[4], '5': counts[5] });
  expect(cell.goodRate!.numerator, cell.key).toBe(counts[5] + counts[4] + counts[3]);
  expect(cell.satisfiedRate!.numerator, cell.key).toBe(counts[5] + counts[4]);
}

const expectHidden = (cell: ReportCell | undefined, reason: 'small-group' | 'complementary') =>
  expect(cell, JSON.stringify(cell)).toMatchObject({ suppressed: reason, n: null, counts: null, goodRate: null, satisfiedRate: null, meanScore: null });

describe('GET /api/reports/satisfaction', () => {
  it('shows for a county exactly what a recount of the raw ratings gives, with small groups hidden', async () => {
    // Act
    const reply = await report('committee');
    const raw = await recount(t.doc, t.tables.ops, codesOf(TREE.root.id), day);

    // Assess
    expect(reply.status, reply.text).toBe(200);
    const body = SatisfactionReport.parse(reply.json);
    expect(body.scope).toMatchObject({ unitId: 'rp', name: '临河县' });
    expect(body.period).toMatchObject({ kind: 'month', from: `${month}-01` });
    expect(body.definitions.id).toBe('national');
    expectCounts(body.summary, raw.map((r) => r.level));
    expect(body.summary.n).toBe(45);
    expectCounts(body.trend[0]!, raw.map((r) => r.level));
    // 本级 12 and 甲局 23 shown; 乙局 (2) is a small group, so 丙局 (8), the smallest shown, goes too.
    const unit = (key: string) => body.byUnit.find((c) => c.key === key);
    // 本级 first, then the child units in pinyin order of their names: 丙 (bǐng), 甲 (jiǎ), 乙 (yǐ).
    expect(body.byUnit.map((c) => c.key)).toEqual(['self', 'rp-c', 'rp-a', 'rp-b']);
    expectCounts(unit('self')!, raw.filter((r) => r.code === 'rpself01').map((r) => r.level));
    expectCounts(unit('rp-a')!, raw.filter((r) => codesOf('rp-a').includes(r.code as WindowCode)).map((r) => r.level));
    expectHidden(unit('rp-b'), 'small-group');
    expectHidden(unit('rp-c'), 'complementary');
    // Windows: 甲局's second window has 3 ratings, so its first goes with it; 乙局's and 丙局's windows follow their hidden units.
    const window = (code: string) => body.byWindow.find((c) => c.key === code);
    expectCounts(window('rpself01')!, raw.filter((r) => r.code === 'rpself01').map((r) => r.level));
    expectHidden(window('rpatwo01'), 'small-group');
    expectHidden(window('rpaone01'), 'complementary');
    expectHidden(window('rpbone01'), 'small-group');
    expectHidden(window('rpcone01'), 'complementary');
    expect(body.byWindow.some((c) => c.key === 'rqone001')).toBe(false);
    // Staff (李敏, named by every other resident of 甲局's first window) and service items add up from the same ratings.
    const staffLevels = raw.filter((r) => r.servedBy === STAFF.id).map((r) => r.level);
    expect(staffLevels).toHaveLength(10);
    expectCounts(body.byStaff.find((c) => c.key === STAFF.id)!, staffLevels);
    expect(body.byStaff.find((c) => c.key === STAFF.id)!.label).toBe('李敏');
    // Only those 10 of the 45 named anybody, and the report says so.
    expect(body.attribution).toMatchObject({ ratings: { n: 45, suppressed: null }, attributed: { n: 10, suppressed: null } });
    expect(body.attribution.text.zh).toBe('本期 45 条评价中 10 条由评价人指明了工作人员；人员统计只含指明的评价。');
    const items = body.byServiceItem.filter((c) => c.suppressed === null);
    expect(items.map((c) => c.key).sort()).toEqual(['', '社保登记']);
    for (const item of items) expectCounts(item, raw.filter((r) => (r.serviceItem ?? '') === item.key).map((r) => r.level));
    // 差评 reasons: counted from the raw ratings, most frequent first.
    const reasonCounts = new Map<string, number>();
    for (const r of raw) for (const code of r.reasons) reasonCounts.set(code, (reasonCounts.get(code) ?? 0) + 1);
    expect(Object.fromEntries(body.topReasons.map((r) => [r.code, r.count]))).toEqual(Object.fromEntries(reasonCounts));
    expect(body.topReasons[0]!.label.zh).toMatch(/态度生硬|效率低/);
    // Nothing to rank under the default minimum of 30; the county's 45 ratings earn points.
    expect(body.rankings.units.rows).toEqual([]);
    expect(body.rankings.units.unranked.map((u) => u.key).sort()).toEqual(['rp-a', 'rp-b', 'rp-c']);
    expect(body.assessment.points).toEqual(expect.any(Number));
  });

  it('ranks and assesses with a lower minimum n, printing the arithmetic', async () => {
    const reply = await report('committee', { minN: '5', weight: '40', zeroAt: '50', fullAt: '90' });
    const body = SatisfactionReport.parse(reply.json);
    const rate = body.summary.satisfiedRate!.value!;
    const expected = Math.round(40 * Math.min(Math.max((rate - 0.5) / 0.4, 0), 1) * 100) / 100;
    expect(body.assessment.points).toBe(expected);
    expect(body.assessment.scheme).toEqual({ weight: 40, basis: 'satisfied', zeroAt: 0.5, fullAt: 0.9 });
    expect(body.assessment.arithmetic.zh).toContain('满意率');
    // Only 甲局 is shown among child units; 乙局 and 丙局 are hidden, so never ranked.
    expect(body.rankings.units.rows.map((r) => r.key)).toEqual(['rp-a']);
    expect(body.rankings.units.unranked).toEqual(expect.arrayContaining([expect.objectContaining({ key: 'rp-b', reason: 'suppressed' })]));
  });

  it('drills down to a unit and to one window, with the same numbers', async () => {
    const unitReply = await report('committee', { unit: 'rp-a' });
    const raw = await recount(t.doc, t.tables.ops, codesOf('rp-a'), day);
    const unitBody = SatisfactionReport.parse(unitReply.json);
    expectCounts(unitBody.summary, raw.map((r) => r.level));
    expect(unitBody.byUnit.map((c) => c.key)).toEqual(['self']);

    const windowReply = await report('unitAdminA', { window: 'rpaone01' });
    const body = SatisfactionReport.parse(windowReply.json);
    expect(body.scope.window).toEqual({ code: 'rpaone01', name: expect.any(String) });
    expectCounts(body.summary, raw.filter((r) => r.code === 'rpaone01').map((r) => r.level));
    expect(body.byWindow.map((c) => c.key)).toEqual(['rpaone01']);
  });

  it('reads at most W × D totals items', async () => {
    const run = await runSatisfactionReport(t.runtime, principals.committee, SatisfactionReportQuery({ month }), now());
    expect(run.windowsRead).toBe(5);
    // One item per window that has ratings today; never a raw rating.
    expect(run.itemsRead).toBe(5);
    expect(run.itemsRead).toBeLessThanOrEqual(run.windowsRead * 31);
  });

  it('answers an out-of-scope unit or window exactly like an unknown one, and audits both', async () => {
    // Act
    const foreignUnit = await report('unitAdminA', { unit: 'rp-b' });
    const unknownUnit = await report('unitAdminA', { unit: 'rp-nowhere' });
    const otherTree = await report('committee', { unit: 'rq' });
    const foreignWindow = await report('unitAdminA', { window: 'rpbone01' });
    const unknownWindow = await report('unitAdminA', { window: 'zzzzzzzz' });

    // Assess
    for (const reply of [foreignUnit, unknownUnit, otherTree]) {
      expect(reply.status).toBe(404);
      expect(reply.json).toEqual(unknownUnit.json);
    }
    expect(foreignWindow.status).toBe(404);
    expect(foreignWindow.json).toEqual(unknownWindow.json);
    expect(JSON.stringify(foreignUnit.json) + JSON.stringify(foreignWindow.json)).not.toMatch(/乙局|rpbone01/);
    const audit = (await scanAll(t.doc, t.tables.audit)).filter((e) => e.action === 'report.read');
    const result = (actor: string, objectId: string) => audit.filter((e) => e.actor === actor && e.objectId === objectId).map((e) => e.result);
    expect(result('rp.admin.a', 'rp-b')).toEqual(['denied']);
    expect(result('rp.admin.a', 'rp-nowhere')).toEqual(['not-found']);
    expect(result('rp.committee', 'rq')).toEqual(['denied']);
    expect(result('rp.admin.a', 'rpbone01')).toEqual(['denied']);
    expect(result('rp.admin.a', 'zzzzzzzz')).toEqual(['not-found']);
  });

  it('refuses staff and the auditor (403, audited) and asks a system admin to name a unit', async () => {
    expect((await report('staff')).status).toBe(403);
    expect((await report('auditor')).status).toBe(403);
    const sys = await report('systemAdmin');
    expect(sys.status).toBe(400);
    expect(sys.json.error.issues[0].field).toBe('unit');
    const audit = (await scanAll(t.doc, t.tables.audit)).filter((e) => e.action === 'report.read');
    expect(audit.filter((e) => e.actor === 'rp.staff' && e.result === 'denied')).toHaveLength(1);
    expect(audit.filter((e) => e.actor === 'rp.auditor' && e.result === 'denied')).toHaveLength(1);
    // A system admin sees any tree, the other county included.
    expect((await report('systemAdmin', { unit: 'rq' })).status).toBe(200);
  });

  it.each([
    [{ period: 'quarter' }, 'quarter'],
    [{ period: 'custom', from: '2026-01-01' }, 'to'],
    [{ period: 'custom', from: '2026-01-01', to: '2027-06-01' }, 'to'],
    [{ period: 'week' }, 'period'],
    [{ month: '2026-13' }, 'month'],
    [{ minN: 'abc' }, 'minN'],
    [{ minN: '2' }, 'minN'],
    [{ channel: 'sms' }, 'channel'],
    [{ scoreMap: '100,80' }, 'scoreMap'],
    [{ zeroAt: '90', fullAt: '80' }, 'fullAt'],
    [{ zeroAt: '100' }, 'zeroAt'],
    [{ definition: 'nowhere' }, 'definition'],
    [{ definition: 'Bad Id!' }, 'definition'],
    [{ window: 'x' }, 'window'],
    [{ colour: 'red' }, 'colour'],
  ])('answers a bad query %j with 400 naming %s', async (query, field) => {
    const reply = await report('committee', query as Record<string, string>);
    expect(reply.status, reply.text).toBe(400);
    expect(reply.json.error.issues.map((issue: { field: string }) => issue.field)).toContain(field);
  });
});

function SatisfactionReportQuery(query: Record<string, string>) {
  return { period: 'month', channel: 'all', definition: 'national', minN: 30, ...query } as const;
}
