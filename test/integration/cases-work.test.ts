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

const PHONE = '13900001111';
/** A 1×1 PNG: an image as photoType recognises one. */
const PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==';

/** A 差评 of the bureau's window; `named`: with a number left for the 回访 (实名差评). */
async function badRating(level: 1 | 2 = 1, named = false): Promise<string> {
  const contact = named ? { contactPhone: PHONE, consentToCallback: true } : {};
  const { id } = await submitRating(t.runtime, { windowCode: 'casew001', level, reasons: ['SLOW'], comment: '排队一个多小时', ...contact }, {});
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
  it('takes a 实名差评 from 待核实 through 立行立改, 已整改, an unhappy 回访 that reopens it, 解释说明 and a satisfied 回访 to 已办结, its number deleted', async () => {
    const caseId = await badRating(1, true);
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
      named: true,
      reopened: 0,
      next: ['immediate', 'deadline', 'explained', 'appealing'],
      events: [],
    });
    // The case never carries the number: only 查看联系方式 shows it.
    expect(opened.text).not.toContain(PHONE);
    const fixing = await step(BUREAU, caseId, 'immediate', '窗口增派一人，当天恢复正常');
    expect(fixing.status).toBe(200);
    expect(fixing.json).toMatchObject({ state: 'immediate', due: addWorkingDays(today(), 1).day, next: ['fixed'] });
    expect((fixing.json as CaseView).events).toEqual([{ at: now.toISOString(), by: 'bureau.admin', from: 'pending', to: 'immediate', note: '窗口增派一人，当天恢复正常', due: addWorkingDays(today(), 1).day }]);
    // Not every step: 立行立改 goes to 已整改 only.
    const skipped = await step(BUREAU, caseId, 'closed');
    expect(skipped.status).toBe(409);
    expect(skipped.json.error.message).toContain('the case is immediate (立行立改): it cannot go to closed (已办结)');
    expect((await step(BUREAU, caseId, 'fixed')).json).toMatchObject({ state: 'fixed', next: ['called-back'] });
    // A 实名差评 is called back before it closes; the 回访 says what it found.
    const unCalled = await step(BUREAU, caseId, 'closed');
    expect(unCalled.status).toBe(409);
    expect(unCalled.json.error.message).toContain('a 实名差评 is called back before it closes');
    const noOutcome = await step(BUREAU, caseId, 'called-back', '已电话回访');
    expect(noOutcome.status).toBe(400);
    expect(noOutcome.json.error.issues).toEqual([expect.objectContaining({ field: 'outcome' })]);
    // 查看联系方式: the number, to the bureau, audited without it.
    const shown = await as(BUREAU, 'POST', `/api/cases/${caseId}/contact`);
    expect(shown.status).toBe(200);
    expect(shown.json).toMatchObject({ caseId, phone: PHONE });
    expect(shown.headers['cache-control']).toBe('no-store');
    const { entries: reveals } = await t.runtime.audit.search({ fromDay: today(), toDay: today(), action: 'case.contact' });
    expect(reveals.filter((entry) => entry.objectId === caseId).map((entry) => [entry.actor, entry.result])).toEqual([['bureau.admin', 'ok']]);
    expect(JSON.stringify(reveals)).not.toContain(PHONE);
    // The resident is unhappy with the result: 已回访, then 待核实 again at once, counted.
    const unhappy = await as(BUREAU, 'POST', `/api/cases/${caseId}/transitions`, { to: 'called-back', note: '群众认为仍需排队过久', outcome: 'unsatisfied' });
    expect(unhappy.status).toBe(200);
    expect(unhappy.json).toMatchObject({ state: 'pending', reopened: 1, callback: 'unsatisfied', due: addWorkingDays(today(), 1).day });
    expect((unhappy.json as CaseView).events.slice(-2)).toEqual([
      expect.objectContaining({ from: 'fixed', to: 'called-back', note: '群众认为仍需排队过久', outcome: 'unsatisfied' }),
      expect.objectContaining({ from: 'called-back', to: 'pending', by: 'bureau.admin' }),
    ]);
    expect((await step(BUREAU, caseId, 'explained', '已向群众说明高峰时段分流安排')).status).toBe(200);
    const satisfied = await as(BUREAU, 'POST', `/api/cases/${caseId}/transitions`, { to: 'called-back', note: '回访满意', outcome: 'satisfied' });
    expect(satisfied.json).toMatchObject({ state: 'called-back', callback: 'satisfied', next: ['closed'] });
    const reopenAgain = await step(BUREAU, caseId, 'pending');
    expect(reopenAgain.status).toBe(409);
    expect(reopenAgain.json.error.message).toContain('the 回访 is recorded: the case closes');
    const contactId = (await t.runtime.cases.get(caseId))!.contactId!;
    expect(await t.runtime.cases.contact(contactId)).toBeDefined();
    expect((await step(BUREAU, caseId, 'closed', '办结')).status).toBe(200);
    const closed = (await as(BUREAU, 'GET', `/api/cases/${caseId}`)).json as CaseView;
    expect(closed).toMatchObject({ state: 'closed', next: [], reopened: 1, named: true, contactPurged: true });
    expect(closed.due).toBeUndefined();
    expect(closed.events.map((event) => `${event.from}>${event.to}`)).toEqual([
      'pending>immediate',
      'immediate>fixed',
      'fixed>called-back',
      'called-back>pending',
      'pending>explained',
      'explained>called-back',
      'called-back>closed',
    ]);
    // Closed: the contact store no longer holds the number, and 查看联系方式 says why.
    expect(await t.runtime.cases.contact(contactId)).toBeUndefined();
    const gone = await as(BUREAU, 'POST', `/api/cases/${caseId}/contact`);
    expect(gone.status).toBe(409);
    expect(gone.json.error.message).toContain('deleted when the case finished');
    expect((await step(BUREAU, caseId, 'pending')).status).toBe(409);
    const { entries } = await t.runtime.audit.search({ fromDay: today(), toDay: today(), action: 'case.transition' });
    const mine = entries.filter((entry) => entry.objectId === caseId);
    expect(mine.filter((entry) => entry.result === 'ok').map((entry) => entry.detail)).toEqual(
      expect.arrayContaining(['pending → immediate', 'fixed → called-back (回访: unsatisfied)', 'called-back → closed (final); contact deleted']),
    );
    // The note is the case's, not the log's.
    expect(JSON.stringify(mine)).not.toContain('窗口增派一人');
  });

  it('closes an anonymous case without a 回访, and shows no number: there is none', async () => {
    const caseId = await badRating(2);
    for (const to of ['immediate', 'fixed']) expect((await step(BUREAU, caseId, to)).status).toBe(200);
    const called = await as(BUREAU, 'POST', `/api/cases/${caseId}/transitions`, { to: 'called-back', note: '回访', outcome: 'satisfied' });
    expect(called.status).toBe(409);
    expect(called.json.error.message).toContain('an anonymous case has no one to call back');
    const none = await as(BUREAU, 'POST', `/api/cases/${caseId}/contact`);
    expect(none.status).toBe(409);
    expect(none.json.error.message).toContain('anonymous');
    const stray = await as(BUREAU, 'POST', `/api/cases/${caseId}/transitions`, { to: 'closed', note: '办结', outcome: 'satisfied' });
    expect(stray.status).toBe(400);
    expect(stray.json.error.issues).toEqual([expect.objectContaining({ field: 'outcome' })]);
    expect((await step(BUREAU, caseId, 'closed', '办结')).json).toMatchObject({ state: 'closed', named: false });
  });

  it('shows a 实名差评’s number to those who work the case only, and never while it is under appeal', async () => {
    const caseId = await badRating(1, true);
    expect((await as(COMMITTEE, 'POST', `/api/cases/${caseId}/contact`)).status).toBe(403);
    expect((await as(SIBLING, 'POST', `/api/cases/${caseId}/contact`)).status).toBe(404);
    expect((await step(BUREAU, caseId, 'appealing', '疑为恶意评价')).status).toBe(200);
    for (const who of [BUREAU, COUNTY]) {
      const refused = await as(who, 'POST', `/api/cases/${caseId}/contact`);
      expect(refused.status).toBe(409);
      expect(refused.json.error.message).toContain('under appeal');
    }
    const { entries } = await t.runtime.audit.search({ fromDay: today(), toDay: today(), action: 'case.contact' });
    expect(entries.filter((entry) => entry.objectId === caseId).map((entry) => `${entry.actor} ${entry.result}`).sort()).toEqual([
      'bureau.admin invalid',
      'bureau.committee denied',
      'county.admin invalid',
      'sibling.admin denied',
    ]);
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

  it('keeps a photo of the fix with its step, shows it to those who read the case, and refuses what is no image', async () => {
    const caseId = await badRating(2);
    const svg = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>').toString('base64');
    const refused = await as(BUREAU, 'POST', `/api/cases/${caseId}/transitions`, { to: 'immediate', note: '已整改', attachment: svg });
    expect(refused.status).toBe(400);
    expect(refused.json.error.issues).toEqual([expect.objectContaining({ field: 'attachment' })]);
    const large = await as(BUREAU, 'POST', `/api/cases/${caseId}/transitions`, { to: 'immediate', note: '已整改', attachment: Buffer.alloc(210 * 1024).toString('base64') });
    expect(large.status).toBe(400);
    expect(JSON.stringify(large.json)).toContain('attachment');
    expect((await as(BUREAU, 'GET', `/api/cases/${caseId}`)).json).toMatchObject({ state: 'pending', events: [] });

    const stepped = await as(BUREAU, 'POST', `/api/cases/${caseId}/transitions`, { to: 'immediate', note: '已增设叫号屏，附现场照片', attachment: PNG });
    expect(stepped.status).toBe(200);
    expect((stepped.json as CaseView).events[0]).toMatchObject({ to: 'immediate', attachment: { contentType: 'image/png', bytes: Buffer.from(PNG, 'base64').length } });
    const photo = await as(COMMITTEE, 'GET', `/api/cases/${caseId}/attachments/1`);
    expect(photo.status).toBe(200);
    expect(photo.headers['content-type']).toBe('image/png');
    expect(photo.headers['x-content-type-options']).toBe('nosniff');
    expect(photo.text).toBe(PNG);
    const none = await as(BUREAU, 'GET', `/api/cases/${caseId}/attachments/2`);
    expect(none.status).toBe(404);
    expect(JSON.stringify(none.json)).toContain('step');
    expect((await as(SIBLING, 'GET', `/api/cases/${caseId}/attachments/1`)).status).toBe(404);
    const { entries } = await t.runtime.audit.search({ fromDay: today(), toDay: today(), action: 'case.attachment' });
    expect(entries.filter((entry) => entry.objectId === caseId).map((entry) => `${entry.actor} ${entry.result}`).sort()).toEqual(['bureau.admin not-found', 'bureau.committee ok', 'sibling.admin denied']);
  });
});
