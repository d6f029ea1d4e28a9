import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { SatisfactionReport } from '../../shared/src/contracts/reports.js';
import { chinaDay } from '../../shared/src/domain/china-time.js';
import type { Principal } from '../../functions/src/auth/principal.js';
import { createGateway } from '../../infra/local/gateway.js';
import { pinnedClock } from '../support/clock.js';
import { isolatedTables, type IsolatedTables } from '../support/isolated-tables.js';
import { request, scanAll } from './accounts-helpers.js';
import { postRating } from './fixtures.js';
import { putReportTree, rateAll, recount, STAFF, TREE } from './reports-fixtures.js';

/**
 * A staff member's own aggregate: the account's personId is the 工号 of a staff record of its
 * unit; the report counts the ratings whose resident named that person (docs/decisions/0012-attribution.md), never
 * single ratings, and hides a total under 5 like any other small group.
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
  linked: { username: 'li.min', role: 'staff', unitId: TREE.a.id },
  unlinked: { username: 'nobody', role: 'staff', unitId: TREE.a.id },
  committee: { username: 'own.committee', role: 'committee', unitId: TREE.root.id },
} satisfies Record<string, Principal>;

beforeAll(async () => {
  t = await isolatedTables(endpoint, { now });
  t.install();
  await putReportTree(t.runtime);
  for (const [username, personId] of [['li.min', STAFF.staffNo], ['nobody', 'Z999']] as const) {
    await t.runtime.accounts.put({ username, displayName: username, role: 'staff', unitId: TREE.a.id, passwordHash: 'unused', personId });
  }
  for (const [name, principal] of Object.entries(principals)) tokens[name] = (await t.runtime.tokens.issue(principal, new Date())).token;
}, 120_000);
afterAll(() => t?.close());

const mine = (who: keyof typeof principals, query: Record<string, string> = {}) => request(gateway, 'GET', '/api/reports/me', { token: tokens[who]!, query: { month, ...query } });

describe('GET /api/reports/me', () => {
  it('hides a total under 5: three ratings show as "<5" with no numbers', async () => {
    for (const level of [5, 1, 4]) expect((await postRating(gateway, { windowCode: 'rpaone01', level, staffId: STAFF.id })).status).toBe(201);
    const body = SatisfactionReport.parse((await mine('linked')).json);
    expect(body.summary).toMatchObject({ suppressed: 'small-group', n: null, counts: null, goodRate: null });
    expect(body.topReasons).toEqual([]);
    expect(body.assessment.points).toBeNull();
  });

  it('shows the person’s aggregate, equal to a recount of the ratings that named them, and how many ratings named anybody', async () => {
    // Prepare: 20 + 3 more ratings at 甲局's first window (李敏 on duty, named by 10 of the 20), others elsewhere.
    await rateAll(gateway, 11);
    const all = await recount(t.doc, t.tables.ops, ['rpaone01', 'rpatwo01'], day);
    const raw = all.filter((r) => r.servedBy === STAFF.id);

    // Act
    const reply = await mine('linked');

    // Assess
    expect(reply.status, reply.text).toBe(200);
    const body = SatisfactionReport.parse(reply.json);
    expect(body.scope.name).toBe('李敏（工号 A001）');
    expect(raw).toHaveLength(13);
    expect(body.summary.n).toBe(raw.length);
    // 甲局's windows had 26 ratings; the 13 that named anybody named 李敏.
    expect(all).toHaveLength(26);
    expect(body.attribution).toMatchObject({ ratings: { n: 26, suppressed: null }, attributed: { n: 13, suppressed: null } });
    expect(body.attribution.text.zh).toBe('本期范围内共 26 条评价，其中 13 条由评价人指明了工作人员；您的统计只含指明您本人的评价。');
    expect(body.summary.satisfiedRate!.numerator).toBe(raw.filter((r) => r.level >= 4).length);
    expect(body.byWindow.map((c) => c.key)).toEqual(['rpaone01']);
    // Never other people, never service items or reasons next to a person's counts.
    expect(body.byStaff).toEqual([]);
    expect(body.byServiceItem).toEqual([]);
    expect(body.topReasons).toEqual([]);
  });

  it('says clearly when the account is linked to no staff record (404, audited)', async () => {
    const reply = await mine('unlinked');
    expect(reply.status).toBe(404);
    expect(reply.json.error.issues[0].field).toBe('personId');
    expect(reply.json.error.message).toContain('工号');
    const audit = await scanAll(t.doc, t.tables.audit);
    expect(audit.filter((e) => e.actor === 'nobody' && e.action === 'report.own' && e.result === 'not-found')).toHaveLength(1);
  });

  it('keeps a staff member to their own unit and refuses other roles', async () => {
    expect((await mine('linked', { unit: 'rp-b' })).status).toBe(404);
    expect((await mine('linked', { window: 'rpbone01' })).status).toBe(404);
    expect((await mine('committee')).status).toBe(403);
    const audit = await scanAll(t.doc, t.tables.audit);
    expect(audit.filter((e) => e.actor === 'li.min' && e.result === 'denied').length).toBe(2);
    expect(audit.filter((e) => e.actor === 'own.committee' && e.action === 'report.own' && e.result === 'denied')).toHaveLength(1);
  });
});
