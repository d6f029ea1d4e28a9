import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Principal } from '../../functions/src/auth/principal.js';
import { CaseStateError } from '../../functions/src/data/cases/cases.js';
import { sweepOverdueCases } from '../../functions/src/use-cases/cases/sweep.js';
import { submitRating } from '../../functions/src/use-cases/submit-rating.js';
import { createGateway } from '../../infra/local/gateway.js';
import { seedWriter } from '../../infra/local/seed.js';
import type { CaseView } from '../../shared/src/contracts/cases/cases.js';
import { NATIONAL_SURVEY } from '../../shared/src/domain/national-survey.js';
import { isolatedTables, type IsolatedTables } from '../support/isolated-tables.js';
import { callerAs } from './fixtures.js';

/**
 * The overdue sweep (issue 15 §1; decision 0028) on DynamoDB Local: a case still 待核实 the day after
 * its due day is escalated to its unit's parent — in the parent's escalated queue, flagged in its
 * own, the step on the case by `system`, audited — once, however often the sweep runs; a case due
 * today is not overdue; a top-level unit's overdue case has no one above and stays flagged in its
 * own queue; a step after the escalation moves the parent's entry with the case; a step taken on
 * the case as read before the escalation is refused.
 */
const endpoint = inject('dynamoEndpoint');
const gateway = createGateway();
let t: IsolatedTables;
// A Monday (10:00 China time), its verification due the next working day, and the day after that.
const MONDAY = new Date('2026-11-02T02:00:00Z');
const DUE = '2026-11-03';
const SWEEP_DAY = new Date('2026-11-04T02:00:00Z');
let now = MONDAY;

const PROVINCE: Principal = { username: 'sweep.province', role: 'unit-admin', unitId: 'sp' };
const COUNTY: Principal = { username: 'sweep.county', role: 'unit-admin', unitId: 'sc' };
const BUREAU: Principal = { username: 'sweep.bureau', role: 'unit-admin', unitId: 'sb' };
const SIBLING: Principal = { username: 'sweep.sibling', role: 'unit-admin', unitId: 'ss' };
const tokens = new Map<string, string>();
const as = callerAs(gateway, tokens);

const badRating = async (windowCode: string) => (await submitRating(t.runtime, { windowCode, level: 1, reasons: ['SLOW'] }, {})).id;
const sweep = () => sweepOverdueCases(t.runtime);
const ids = (page: { items: { caseId: string }[] }) => page.items.map((item) => item.caseId);

beforeAll(async () => {
  t = await isolatedTables(endpoint);
  t.runtime.now = () => now;
  t.install();
  for (const principal of [PROVINCE, COUNTY, BUREAU, SIBLING]) tokens.set(principal.username, (await t.runtime.tokens.issue(principal, new Date())).token);
  const write = seedWriter(t.runtime);
  await write.putUnit({ id: 'sp', name: '某省', parentId: null, path: ['sp'] });
  await write.putUnit({ id: 'sc', name: '某县', parentId: 'sp', path: ['sp', 'sc'] });
  await write.putUnit({ id: 'sb', name: '某县人社局', parentId: 'sc', path: ['sp', 'sc', 'sb'] });
  await write.putUnit({ id: 'ss', name: '某县医保局', parentId: 'sc', path: ['sp', 'sc', 'ss'] });
  await write.putHall({ id: 'sweep-hall', unitId: 'sc', name: '县政务大厅', address: '人民路1号' });
  const survey = { surveyId: NATIONAL_SURVEY.surveyId, surveyVersion: NATIONAL_SURVEY.version };
  await write.putWindow({ code: 'swpb0001', unitId: 'sb', hallId: 'sweep-hall', name: '社保窗口', staffOnDutyIds: [], active: true, ...survey });
  await write.putWindow({ code: 'swpp0001', unitId: 'sp', hallId: 'sweep-hall', name: '省直窗口', staffOnDutyIds: [], active: true, ...survey });
});

afterAll(() => t?.close());

describe('the overdue sweep', () => {
  it('escalates a case the day after its due day to the parent unit, once, audited; leaves a case due today and a top-level one', async () => {
    now = MONDAY;
    const late = await badRating('swpb0001');
    const topLevel = await badRating('swpp0001');
    expect((await as(BUREAU, 'GET', `/api/cases/${late}`)).json).toMatchObject({ state: 'pending', due: DUE });
    // Rated the Tuesday: due the Wednesday, the sweep's day — not overdue on it.
    now = new Date('2026-11-03T02:00:00Z');
    const fresh = await badRating('swpb0001');
    now = SWEEP_DAY;
    expect((await as(BUREAU, 'GET', `/api/cases/${fresh}`)).json).toMatchObject({ due: '2026-11-04', overdue: false });

    const first = await sweep();
    expect(first).toMatchObject({ today: '2026-11-04', units: 4, overdue: 2, escalated: 1, topLevel: 1, skipped: 0 });

    // The county's escalated queue: the bureau's case, with its unit named; the province's has none.
    const escalated = await as(COUNTY, 'GET', '/api/cases', undefined, { unitId: 'sc', escalated: 'true' });
    expect(escalated.status).toBe(200);
    expect(escalated.json.items).toEqual([expect.objectContaining({ caseId: late, unitId: 'sb', unitName: '某县人社局', windowName: '社保窗口', state: 'pending', overdue: true, escalated: true })]);
    expect(ids((await as(PROVINCE, 'GET', '/api/cases', undefined, { unitId: 'sp', escalated: 'true' })).json)).toEqual([]);
    // The bureau's own queue still lists it, flagged; the fresh case is neither overdue nor escalated.
    const own = (await as(BUREAU, 'GET', '/api/cases', undefined, { unitId: 'sb', state: 'pending' })).json.items as { caseId: string; overdue: boolean; escalated?: boolean }[];
    expect(own.find((item) => item.caseId === late)).toMatchObject({ overdue: true, escalated: true });
    expect(own.find((item) => item.caseId === fresh)).toMatchObject({ overdue: false });
    expect(own.find((item) => item.caseId === fresh)!.escalated).toBeUndefined();
    // The case says where it went, and its record has the sweep's step.
    const view = (await as(BUREAU, 'GET', `/api/cases/${late}`)).json as CaseView;
    expect(view).toMatchObject({ escalatedTo: 'sc', escalatedToName: '某县', escalatedAt: SWEEP_DAY.toISOString(), overdue: true });
    expect(view.events).toEqual([{ at: SWEEP_DAY.toISOString(), by: 'system', from: 'pending', to: 'pending', note: `超期未办（期限 ${DUE}），已上报上级单位`, escalatedTo: 'sc' }]);
    // The top-level unit's case: overdue in its own queue, escalated nowhere.
    const top = (await as(PROVINCE, 'GET', `/api/cases/${topLevel}`)).json as CaseView;
    expect(top).toMatchObject({ overdue: true, events: [] });
    expect(top.escalatedTo).toBeUndefined();
    const { entries } = await t.runtime.audit.search({ fromDay: '2026-11-04', toDay: '2026-11-04', action: 'case.escalate' });
    expect(entries.map((entry) => [entry.actor, entry.objectId, entry.unitId, entry.result, entry.detail])).toEqual([['system', late, 'sb', 'ok', `pending due ${DUE} → escalated to sc`]]);

    // Again, and an hour later: nothing twice.
    expect(await sweep()).toMatchObject({ overdue: 1, escalated: 0, topLevel: 1 });
    expect((await as(BUREAU, 'GET', `/api/cases/${late}`)).json.events).toHaveLength(1);
  });

  it('moves the parent’s entry with the case, and refuses a step taken on the case as read before the escalation', async () => {
    now = MONDAY;
    const caseId = await badRating('swpb0001');
    const asRead = (await t.runtime.cases.get(caseId))!;
    now = SWEEP_DAY;
    expect((await sweep()).escalated).toBe(1);
    // A step on the case as read before the sweep: the sweep came first.
    const next = { ...asRead, state: 'explained' as const, updatedAt: now.toISOString() };
    delete next.due;
    await expect(t.runtime.cases.transition(asRead, next, { at: now.toISOString(), by: 'sweep.bureau', from: 'pending', to: 'explained', note: '说明' }, 1)).rejects.toBeInstanceOf(CaseStateError);
    // Through the route, on the case as it is now: the parent's entry follows it to 限期整改.
    const worked = await as(BUREAU, 'POST', `/api/cases/${caseId}/transitions`, { to: 'deadline', note: '限期五个工作日整改' });
    expect(worked.status).toBe(200);
    expect(worked.json).toMatchObject({ state: 'deadline', escalatedTo: 'sc', overdue: false });
    expect(ids((await as(COUNTY, 'GET', '/api/cases', undefined, { unitId: 'sc', escalated: 'true', state: 'deadline' })).json)).toEqual([caseId]);
    expect(ids((await as(COUNTY, 'GET', '/api/cases', undefined, { unitId: 'sc', escalated: 'true', state: 'pending' })).json)).not.toContain(caseId);
    // The county works escalated cases too: it may take the next step.
    expect((await as(COUNTY, 'POST', `/api/cases/${caseId}/transitions`, { to: 'fixed', note: '县里督办完成' })).status).toBe(200);
  });

  it('names bad input and keeps another unit’s escalated queue out of scope', async () => {
    const both = await as(COUNTY, 'GET', '/api/cases', undefined, { unitId: 'sc', escalated: 'true', window: 'swpb0001' });
    expect(both.status).toBe(400);
    expect(JSON.stringify(both.json)).toContain('window');
    const wrong = await as(COUNTY, 'GET', '/api/cases', undefined, { unitId: 'sc', escalated: 'yes' });
    expect(wrong.status).toBe(400);
    expect(JSON.stringify(wrong.json)).toContain('escalated');
    expect((await as(SIBLING, 'GET', '/api/cases', undefined, { unitId: 'sc', escalated: 'true' })).status).toBe(404);
  });
});
