import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Principal } from '../../functions/src/auth/principal.js';
import { submitRating } from '../../functions/src/use-cases/submit-rating.js';
import { createGateway } from '../../infra/local/gateway.js';
import { seedWriter } from '../../infra/local/seed.js';
import { ProposalPage, ProposalView } from '../../shared/src/contracts/cases/accountability.js';
import { addDays, lastCompleteMonth } from '../../shared/src/domain/china-time.js';
import { NATIONAL_SURVEY } from '../../shared/src/domain/national-survey.js';
import { isolatedTables, type IsolatedTables } from '../support/isolated-tables.js';
import { callerAs } from './fixtures.js';

/**
 * 问责建议 on DynamoDB Local (issue 15 §3; decision 0028): the reports of two months propose the
 * window last in its hall both months and the unit whose 按期整改率 is under 80%; a committee
 * member confirms one — its notice is in the register — and dismisses the other, each once, with a
 * reason; a subject the reports do not propose is 404, a unit administrator may read but not decide.
 */
const endpoint = inject('dynamoEndpoint');
const gateway = createGateway();
let t: IsolatedTables;
const MONTH = lastCompleteMonth(new Date());
const BEFORE = addDays(`${MONTH}-01`, -1).slice(0, 7);
let now = new Date();

const COMMITTEE: Principal = { username: 'proposals.committee', role: 'committee', unitId: 'pp' };
const ADMIN: Principal = { username: 'proposals.admin', role: 'unit-admin', unitId: 'pp' };
const BUREAU: Principal = { username: 'proposals.bureau', role: 'unit-admin', unitId: 'pp-b' };
const tokens = new Map<string, string>();
const as = callerAs(gateway, tokens);

/** Noon (China) of the 10th of a month, plus `days`. */
const at = (month: string, days = 0) => new Date(new Date(`${month}-10T04:00:00Z`).getTime() + days * 86_400_000);
async function rate(windowCode: string, level: 1 | 2 | 3 | 4 | 5, when: Date): Promise<string> {
  now = when;
  return (await submitRating(t.runtime, { windowCode, level, ...(level <= 2 ? { reasons: ['SLOW'] } : {}) }, {})).id;
}
const query = { unitId: 'pp', month: MONTH, minN: '5' };

beforeAll(async () => {
  t = await isolatedTables(endpoint);
  t.runtime.now = () => now;
  t.install();
  for (const principal of [COMMITTEE, ADMIN, BUREAU]) tokens.set(principal.username, (await t.runtime.tokens.issue(principal, new Date())).token);
  const write = seedWriter(t.runtime);
  await write.putUnit({ id: 'pp', name: '建议县', parentId: null, path: ['pp'] });
  await write.putUnit({ id: 'pp-a', name: '建议县人社局', parentId: 'pp', path: ['pp', 'pp-a'] });
  await write.putUnit({ id: 'pp-b', name: '建议县医保局', parentId: 'pp', path: ['pp', 'pp-b'] });
  await write.putHall({ id: 'pp-h1', unitId: 'pp-a', name: '人社大厅', address: '人民路1号' });
  await write.putHall({ id: 'pp-h2', unitId: 'pp-b', name: '医保大厅', address: '人民路2号' });
  const window = (code: string, unitId: string, hallId: string, name: string) =>
    write.putWindow({ code, unitId, hallId, name, staffOnDutyIds: [], active: true, surveyId: NATIONAL_SURVEY.surveyId, surveyVersion: NATIONAL_SURVEY.version });
  await window('ppwin001', 'pp-a', 'pp-h1', '社保1号窗口');
  await window('ppwin002', 'pp-a', 'pp-h1', '社保2号窗口');
  await window('ppwin003', 'pp-a', 'pp-h1', '社保3号窗口');
  await window('ppwin004', 'pp-b', 'pp-h2', '医保窗口');
  // Both months: window 1 all 基本满意 (满意率 0), window 2 all 非常满意, window 3 all 满意; six each.
  for (const month of [BEFORE, MONTH]) {
    for (let i = 0; i < 6; i++) {
      await rate('ppwin001', 3, at(month, 0));
      await rate('ppwin002', 5, at(month, 0));
      await rate('ppwin003', 4, at(month, 0));
    }
  }
  // The 医保局: five 差评 in the month, one fixed on time, four ten days late.
  const cases = [];
  for (let i = 0; i < 5; i++) cases.push(await rate('ppwin004', 1, at(MONTH, 0)));
  for (const [i, caseId] of cases.entries()) {
    now = at(MONTH, 0);
    expect((await as(BUREAU, 'POST', `/api/cases/${caseId}/transitions`, { to: 'immediate', note: '立即整改' })).status).toBe(200);
    now = at(MONTH, i === 0 ? 0 : 10);
    expect((await as(BUREAU, 'POST', `/api/cases/${caseId}/transitions`, { to: 'fixed', note: '已整改' })).status).toBe(200);
  }
  now = new Date();
});

afterAll(() => t?.close());

describe('accountability proposals', () => {
  it('proposes the window last in its hall two months running and the unit under the 按期整改率 threshold, with the numbers', async () => {
    const reply = await as(COMMITTEE, 'GET', '/api/accountability-proposals', undefined, query);
    expect(reply.status, reply.text).toBe(200);
    const page = ProposalPage.parse(reply.json);
    expect(page).toMatchObject({ unitId: 'pp', month: MONTH, previousMonth: BEFORE, basis: 'satisfied', minN: 5, onTimeBelow: 0.8 });
    expect(page.proposals.map((p) => [p.rule, p.subjectType, p.subjectId, p.decision])).toEqual([
      ['unit-on-time-low', 'unit', 'pp-b', undefined],
      ['window-last-twice', 'window', 'ppwin001', undefined],
    ]);
    expect(page.proposals[0]!.reason).toBe(`建议县医保局${MONTH}按期整改率 20.00%（1/5），低于 80.00%。`);
    expect(page.proposals[1]!.reason).toContain(`社保1号窗口在人社大厅连续两个月满意率排名末位：${BEFORE} 0.00%（6 条，3 个窗口参与排名）`);
    // A minimum above six ratings ranks nobody; a lower threshold proposes no unit.
    const strict = ProposalPage.parse((await as(COMMITTEE, 'GET', '/api/accountability-proposals', undefined, { ...query, minN: '7', onTimeBelow: '0.1' })).json);
    expect(strict.proposals).toEqual([]);
    // The bureau's administrator sees its own subtree's only.
    const own = ProposalPage.parse((await as(BUREAU, 'GET', '/api/accountability-proposals', undefined, { ...query, unitId: 'pp-b' })).json);
    expect(own.proposals.map((p) => p.subjectId)).toEqual([]);
  });

  it('is confirmed into the register or dismissed by the committee, once each, with a reason', async () => {
    const target = { unitId: 'pp', month: MONTH, minN: 5 };
    const confirmed = await as(COMMITTEE, 'POST', '/api/accountability-proposals/decisions', {
      ...target,
      rule: 'window-last-twice',
      subjectType: 'window',
      subjectId: 'ppwin001',
      decision: 'confirmed',
      reason: '经核实属实，予以通报',
      kind: 'notice',
      documentNo: '建政务〔2026〕3号',
      issuedBy: '建议县政务服务管理办公室',
      issuedOn: addDays(`${MONTH}-01`, 40),
    });
    expect(confirmed.status, confirmed.text).toBe(201);
    const view = ProposalView.parse(confirmed.json);
    expect(view.decision).toMatchObject({ decision: 'confirmed', decidedBy: 'proposals.committee', reason: '经核实属实，予以通报' });
    const register = await as(COMMITTEE, 'GET', '/api/accountability-records', undefined, { unitId: 'pp', period: MONTH });
    expect(register.json.items).toHaveLength(1);
    expect(register.json.items[0]).toMatchObject({ recordId: view.decision!.recordId, subjectType: 'window', subjectId: 'ppwin001', unitId: 'pp-a', kind: 'notice', period: MONTH, documentNo: '建政务〔2026〕3号' });
    expect(register.json.items[0].reason).toContain('委员会意见：经核实属实，予以通报');

    const dismissed = await as(COMMITTEE, 'POST', '/api/accountability-proposals/decisions', { ...target, rule: 'unit-on-time-low', subjectType: 'unit', subjectId: 'pp-b', decision: 'dismissed', reason: '超期系系统故障所致，已说明' });
    expect(dismissed.status, dismissed.text).toBe(201);
    const again = await as(COMMITTEE, 'POST', '/api/accountability-proposals/decisions', { ...target, rule: 'unit-on-time-low', subjectType: 'unit', subjectId: 'pp-b', decision: 'dismissed', reason: '再次' });
    expect(again.status).toBe(409);
    const listed = ProposalPage.parse((await as(COMMITTEE, 'GET', '/api/accountability-proposals', undefined, query)).json);
    expect(listed.proposals.map((p) => p.decision?.decision)).toEqual(['dismissed', 'confirmed']);
    expect((await as(COMMITTEE, 'GET', '/api/accountability-records', undefined, { unitId: 'pp', period: MONTH })).json.items).toHaveLength(1);
  });

  it('refuses a subject the reports do not propose, an administrator’s decision and bad input, each named', async () => {
    const target = { unitId: 'pp', month: MONTH, minN: 5, rule: 'window-last-twice', subjectType: 'window', decision: 'dismissed', reason: '不予问责' };
    const unproposed = await as(COMMITTEE, 'POST', '/api/accountability-proposals/decisions', { ...target, subjectId: 'ppwin002' });
    expect(unproposed.status).toBe(404);
    expect(unproposed.json.error.fields?.[0]?.field ?? unproposed.json.error.message).toContain('subjectId');
    expect((await as(ADMIN, 'POST', '/api/accountability-proposals/decisions', { ...target, subjectId: 'ppwin001' })).status).toBe(403);
    const missing = await as(COMMITTEE, 'POST', '/api/accountability-proposals/decisions', { ...target, subjectId: 'ppwin001', decision: 'confirmed' });
    expect(missing.status).toBe(400);
    expect(JSON.stringify(missing.json)).toMatch(/kind|documentNo/);
    const month = await as(COMMITTEE, 'GET', '/api/accountability-proposals', undefined, { ...query, month: '2026-13' });
    expect(month.status).toBe(400);
    expect(JSON.stringify(month.json)).toContain('month');
  });
});
