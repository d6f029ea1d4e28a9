import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Principal } from '../../functions/src/auth/principal.js';
import { submitRating } from '../../functions/src/use-cases/submit-rating.js';
import { createGateway } from '../../infra/local/gateway.js';
import { seedWriter } from '../../infra/local/seed.js';
import type { CaseView } from '../../shared/src/contracts/cases/cases.js';
import { addWorkingDays } from '../../shared/src/domain/cases/working-days.js';
import { chinaDay } from '../../shared/src/domain/china-time.js';
import { NATIONAL_SURVEY } from '../../shared/src/domain/national-survey.js';
import { isolatedTables, type IsolatedTables } from '../support/isolated-tables.js';
import { callerAs } from './fixtures.js';

/**
 * Working a 差评 case through the routes (issue 15 §1–2; decision 0028): the unit's queue, a case
 * from 待核实 to 已办结 with a reopening on the way, every illegal step a 409 naming the state, an
 * appeal decided only by a superior unit and never by the account that appealed, bad input named,
 * another unit's case the same 404 as a missing one, every step audited.
 */
const endpoint = inject('dynamoEndpoint');
const gateway = createGateway();
let t: IsolatedTables;
let now = new Date();
const today = () => chinaDay(now);

const COUNTY: Principal = { username: 'county.admin', role: 'unit-admin', unitId: 'cp' };
const BUREAU: Principal = { username: 'bureau.admin', role: 'unit-admin', unitId: 'cb' };
const BUREAU_TWO: Principal = { username: 'bureau.second', role: 'unit-admin', unitId: 'cb' };
const SIBLING: Principal = { username: 'sibling.admin', role: 'unit-admin', unitId: 'cs' };
const COMMITTEE: Principal = { username: 'bureau.committee', role: 'committee', unitId: 'cb' };
const tokens = new Map<string, string>();
const as = callerAs(gateway, tokens);

async function badRating(level: 1 | 2 = 1): Promise<string> {
  const { id } = await submitRating(t.runtime, { windowCode: 'casew001', level, reasons: ['SLOW'], comment: '排队一个多小时' }, {});
  return id;
}

beforeAll(async () => {
  t = await isolatedTables(endpoint);
  t.runtime.now = () => now;
  t.install();
  for (const principal of [COUNTY, BUREAU, BUREAU_TWO, SIBLING, COMMITTEE]) tokens.set(principal.username, (await t.runtime.tokens.issue(principal, new Date())).token);
  const write = seedWriter(t.runtime);
  await write.putUnit({ id: 'cp', name: '临江县', parentId: null, path: ['cp'] });
  await write.putUnit({ id: 'cb', name: '临江县人社局', parentId: 'cp', path: ['cp', 'cb'] });
  await write.putUnit({ id: 'cs', name: '临江县医保局', parentId: 'cp', path: ['cp', 'cs'] });
  await write.putHall({ id: 'case-hall', unitId: 'cb', name: '人社大厅', address: '人民路1号' });
  await write.putWindow({ code: 'casew001', unitId: 'cb', hallId: 'case-hall', name: '社保综合窗口', staffOnDutyIds: [], active: true, surveyId: NATIONAL_SURVEY.surveyId, surveyVersion: NATIONAL_SURVEY.version });
});

afterAll(() => t?.close());

const step = (who: Principal, caseId: string, to: string, note = '已核实') => as(who, 'POST', `/api/cases/${caseId}/transitions`, { to, note });

describe('working a case', () => {
  it('takes a case from 待核实 through 立行立改, 已整改, 已回访, a reopening, 解释说明 to 已办结', async () => {
    const caseId = await badRating();
    const opened = await as(BUREAU, 'GET', `/api/cases/${caseId}`);
    expect(opened.status).toBe(200);
    expect(opened.json).toMatchObject({
      caseId,
      unitId: 'cb',
      windowCode: 'casew001',
      windowName: '社保综合窗口',
      day: today(),
      level: 1,
      state: 'pending',
      due: addWorkingDays(today(), 1).day,
      overdue: false,
      reasons: ['SLOW'],
      comment: '排队一个多小时',
      named: false,
      reopened: 0,
      next: ['immediate', 'deadline', 'explained', 'appealing'],
      events: [],
    });
    const fixing = await step(BUREAU, caseId, 'immediate', '窗口增派一人，当天恢复正常');
    expect(fixing.status).toBe(200);
    expect(fixing.json).toMatchObject({ state: 'immediate', due: addWorkingDays(today(), 1).day, next: ['fixed'] });
    expect((fixing.json as CaseView).events).toEqual([{ at: now.toISOString(), by: 'bureau.admin', from: 'pending', to: 'immediate', note: '窗口增派一人，当天恢复正常', due: addWorkingDays(today(), 1).day }]);
    // Not every step: 立行立改 goes to 已整改 only.
    const skipped = await step(BUREAU, caseId, 'closed');
    expect(skipped.status).toBe(409);
    expect(skipped.json.error.message).toContain('the case is immediate (立行立改): it cannot go to closed (已办结)');
    for (const to of ['fixed', 'called-back']) expect((await step(BUREAU, caseId, to)).status).toBe(200);
    // The call back found the resident unhappy: 待核实 again, counted, a new verification deadline.
    const reopened = await step(BUREAU, caseId, 'pending', '回访：群众对处理结果不满意');
    expect(reopened.json).toMatchObject({ state: 'pending', reopened: 1, due: addWorkingDays(today(), 1).day });
    for (const to of ['explained', 'closed']) expect((await step(BUREAU, caseId, to)).status).toBe(200);
    const closed = (await as(BUREAU, 'GET', `/api/cases/${caseId}`)).json as CaseView;
    expect(closed).toMatchObject({ state: 'closed', next: [], reopened: 1 });
    expect(closed.due).toBeUndefined();
    expect(closed.events.map((event) => `${event.from}>${event.to}`)).toEqual([
      'pending>immediate',
      'immediate>fixed',
      'fixed>called-back',
      'called-back>pending',
      'pending>explained',
      'explained>closed',
    ]);
    expect((await step(BUREAU, caseId, 'pending')).status).toBe(409);
    const { entries } = await t.runtime.audit.search({ fromDay: today(), toDay: today(), action: 'case.transition' });
    const mine = entries.filter((entry) => entry.objectId === caseId);
    expect(mine.filter((entry) => entry.result === 'ok').map((entry) => entry.detail)).toEqual(
      expect.arrayContaining(['pending → immediate', 'explained → closed (final)']),
    );
    // The note is the case's, not the log's.
    expect(JSON.stringify(mine)).not.toContain('窗口增派一人');
  });

  it('lists the unit’s queue by state, moves a case between states, and marks it 超期 once its due day has passed', async () => {
    const caseId = await badRating(2);
    const pending = await as(BUREAU, 'GET', '/api/cases', undefined, { unitId: 'cb', state: 'pending' });
    expect(pending.status).toBe(200);
    expect(pending.json.items.map((item: { caseId: string }) => item.caseId)).toContain(caseId);
    expect((await as(BUREAU, 'GET', '/api/cases', undefined, { unitId: 'cb', state: 'pending', overdue: 'true' })).json.items).toEqual([]);
    // A week later, China time: past its due day, still 待核实.
    now = new Date(now.getTime() + 7 * 86_400_000);
    try {
      const late = await as(COMMITTEE, 'GET', '/api/cases', undefined, { unitId: 'cb', state: 'pending', overdue: 'true' });
      expect(late.json.items.find((item: { caseId: string }) => item.caseId === caseId)).toMatchObject({ overdue: true, windowName: '社保综合窗口' });
      const window = await as(BUREAU, 'GET', '/api/cases', undefined, { unitId: 'cb', window: 'casew001' });
      expect(window.json.items.some((item: { caseId: string }) => item.caseId === caseId)).toBe(true);
      expect((await step(BUREAU, caseId, 'deadline', '需协调系统厂商，限期五个工作日')).json).toMatchObject({ state: 'deadline', overdue: false, due: addWorkingDays(today(), 5).day });
      const moved = await as(BUREAU, 'GET', '/api/cases', undefined, { unitId: 'cb', state: 'pending' });
      expect(moved.json.items.some((item: { caseId: string }) => item.caseId === caseId)).toBe(false);
    } finally {
      now = new Date();
    }
  });

  it('has an appeal decided by the superior unit only, never by the case’s own unit or the account that appealed', async () => {
    const caseId = await badRating();
    expect((await step(BUREAU, caseId, 'appealing', '评价人当天未到窗口办理，疑为误评')).status).toBe(200);
    for (const who of [BUREAU, BUREAU_TWO]) {
      const own = await step(who, caseId, 'appeal-upheld', '本单位自审');
      expect(own.status).toBe(403);
      expect(own.json.error.message).toContain('superior unit');
    }
    // Another unit's administrator, and the committee: not theirs to decide.
    expect((await step(SIBLING, caseId, 'appeal-upheld', '越权')).status).toBe(404);
    expect((await step(COMMITTEE, caseId, 'appeal-rejected', '越权')).status).toBe(403);
    const decided = await step(COUNTY, caseId, 'appeal-upheld', '经核查监控记录，评价人未到窗口，申诉成立');
    expect(decided.status).toBe(200);
    expect(decided.json).toMatchObject({ state: 'appeal-upheld', next: [] });
    const { entries } = await t.runtime.audit.search({ fromDay: today(), toDay: today(), action: 'case.transition' });
    // Refused and audited once each: the bureau's two accounts, the sibling (out of scope), the committee (no cases:review).
    expect(entries.filter((entry) => entry.objectId === caseId && entry.result === 'denied').map((entry) => entry.actor).sort()).toEqual(['bureau.admin', 'bureau.committee', 'bureau.second', 'sibling.admin']);
  });

  it('names bad input, and answers another unit’s case as a missing one', async () => {
    const caseId = await badRating();
    const unknown = await step(BUREAU, caseId, 'teleported');
    expect(unknown.status).toBe(400);
    expect(JSON.stringify(unknown.json)).toContain('to');
    const empty = await step(BUREAU, caseId, 'immediate', '');
    expect(empty.status).toBe(400);
    expect(JSON.stringify(empty.json)).toContain('note');
    expect((await as(BUREAU, 'GET', '/api/cases/not-a-case')).status).toBe(400);
    expect((await as(SIBLING, 'GET', `/api/cases/${caseId}`)).status).toBe(404);
    expect((await as(SIBLING, 'GET', `/api/cases/${'f'.repeat(32)}`)).status).toBe(404);
    const overdueAlone = await as(BUREAU, 'GET', '/api/cases', undefined, { unitId: 'cb', overdue: 'true' });
    expect(overdueAlone.status).toBe(400);
    expect(JSON.stringify(overdueAlone.json)).toContain('overdue');
    expect((await as(BUREAU, 'GET', '/api/cases', undefined, { unitId: 'cb', window: 'zzzz0000' })).status).toBe(400);
    expect((await as(BUREAU, 'GET', '/api/cases', undefined, { unitId: 'cb', cursor: 'bm90IGEgY3Vyc29y' })).status).toBe(400);
    // Nothing changed by the refusals.
    expect((await as(BUREAU, 'GET', `/api/cases/${caseId}`)).json).toMatchObject({ state: 'pending', events: [] });
  });
});
