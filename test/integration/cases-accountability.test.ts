import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Principal } from '../../functions/src/auth/principal.js';
import { createGateway } from '../../infra/local/gateway.js';
import { seedWriter } from '../../infra/local/seed.js';
import { NATIONAL_SURVEY } from '../../shared/src/domain/national-survey.js';
import { isolatedTables, type IsolatedTables } from '../support/isolated-tables.js';
import { chinaDay } from '../../shared/src/domain/china-time.js';
import { callerAs } from './fixtures.js';

/**
 * The accountability register (问责台账, issue 15 §3) on DynamoDB Local: a county administrator
 * records a 通报 to a window, a 约谈 with a staff member and a 限期整改 notice to a bureau, each for
 * its assessment period; the register of a subtree lists by period (a year all, a quarter with its
 * months, a month alone); committees read and export, never record; another unit's subjects are
 * out of scope; every bad field named; the CSV and XLSX carry the rows, neutralised, registered
 * for /verify; every record audited.
 */
const endpoint = inject('dynamoEndpoint');
const gateway = createGateway();
let t: IsolatedTables;

const COUNTY: Principal = { username: 'acct.county', role: 'unit-admin', unitId: 'ac' };
const BUREAU: Principal = { username: 'acct.bureau', role: 'unit-admin', unitId: 'ab' };
const COMMITTEE: Principal = { username: 'acct.committee', role: 'committee', unitId: 'ac' };
const SIBLING: Principal = { username: 'acct.sibling', role: 'unit-admin', unitId: 'as' };
const tokens = new Map<string, string>();
const as = callerAs(gateway, tokens);
const create = (who: Principal, body: Record<string, unknown>) => as(who, 'POST', '/api/accountability-records', body);
const list = (who: Principal, unitId: string, period: string) => as(who, 'GET', '/api/accountability-records', undefined, { unitId, period });
const notice = (overrides: Record<string, unknown> = {}) => ({
  subjectType: 'window',
  subjectId: 'acctw001',
  kind: 'notice',
  period: '2026-11',
  reason: '该窗口连续两个月在大厅排名末位',
  documentNo: '临政务〔2026〕12号',
  issuedBy: '临江县政务服务管理办公室',
  issuedOn: '2026-12-03',
  ...overrides,
});

beforeAll(async () => {
  t = await isolatedTables(endpoint);
  t.install();
  for (const principal of [COUNTY, BUREAU, COMMITTEE, SIBLING]) tokens.set(principal.username, (await t.runtime.tokens.issue(principal, new Date())).token);
  const write = seedWriter(t.runtime);
  await write.putUnit({ id: 'ap', name: '某省', parentId: null, path: ['ap'] });
  await write.putUnit({ id: 'ac', name: '某县', parentId: 'ap', path: ['ap', 'ac'] });
  await write.putUnit({ id: 'ab', name: '某县人社局', parentId: 'ac', path: ['ap', 'ac', 'ab'] });
  await write.putUnit({ id: 'as', name: '某县医保局', parentId: 'ac', path: ['ap', 'ac', 'as'] });
  await write.putHall({ id: 'acct-hall', unitId: 'ac', name: '县政务大厅', address: '人民路1号' });
  await write.putStaff({ id: 'acct-staff-1', unitId: 'ab', staffNo: 'A001', name: '张三', post: '综合受理员', duties: '一窗受理', pledge: '首问负责', partyMember: false });
  await write.putWindow({ code: 'acctw001', unitId: 'ab', hallId: 'acct-hall', name: '社保窗口', staffOnDutyIds: ['acct-staff-1'], active: true, surveyId: NATIONAL_SURVEY.surveyId, surveyVersion: NATIONAL_SURVEY.version });
});

afterAll(() => t?.close());

describe('the accountability register', () => {
  it('records notices to a window, a staff member and a unit, and lists them by period for a subtree', async () => {
    const window = await create(COUNTY, notice());
    expect(window.status).toBe(201);
    expect(window.json).toMatchObject({ unitId: 'ab', unitName: '某县人社局', subjectType: 'window', subjectId: 'acctw001', subjectName: '社保窗口', kind: 'notice', period: '2026-11', createdBy: 'acct.county' });
    expect(window.json.unitPath).toBeUndefined();
    const talk = await create(COUNTY, notice({ subjectType: 'staff', subjectId: 'acct-staff-1', kind: 'talk', period: '2026-Q4', reason: '=HYPERLINK("http://x")', documentNo: '临政务约〔2026〕3号' }));
    expect(talk.json).toMatchObject({ subjectName: '张三', unitId: 'ab', kind: 'talk' });
    const unit = await create(BUREAU, notice({ subjectType: 'unit', subjectId: 'ab', kind: 'rectification', period: '2026', documentNo: '临人社〔2026〕40号', issuedOn: '2026-12-05' }));
    expect(unit.json).toMatchObject({ subjectName: '某县人社局', unitId: 'ab' });

    const ids = (reply: { json: { items: { recordId: string }[] } }) => reply.json.items.map((item) => item.recordId).sort();
    expect(ids(await list(COUNTY, 'ac', '2026'))).toEqual([window.json.recordId, talk.json.recordId, unit.json.recordId].sort());
    expect(ids(await list(COMMITTEE, 'ac', '2026-Q4'))).toEqual([window.json.recordId, talk.json.recordId].sort());
    expect(ids(await list(BUREAU, 'ab', '2026-11'))).toEqual([window.json.recordId]);
    expect(ids(await list(COUNTY, 'ac', '2025'))).toEqual([]);
    expect(ids(await list(SIBLING, 'as', '2026'))).toEqual([]);
    // Pages: one at a time, the cursor taking the next.
    const first = await as(COUNTY, 'GET', '/api/accountability-records', undefined, { unitId: 'ac', period: '2026', limit: '2' });
    expect(first.json.items).toHaveLength(2);
    const second = await as(COUNTY, 'GET', '/api/accountability-records', undefined, { unitId: 'ac', period: '2026', limit: '2', cursor: first.json.cursor });
    expect(second.json.items).toHaveLength(1);
    const today = chinaDay(new Date());
    const { entries } = await t.runtime.audit.search({ fromDay: today, toDay: today, action: 'accountability.create' });
    expect(entries.filter((entry) => entry.result === 'ok').map((entry) => [entry.actor, entry.objectType, entry.objectId, entry.unitId]).sort()).toEqual(
      [
        ['acct.bureau', 'unit', 'ab', 'ab'],
        ['acct.county', 'staff', 'acct-staff-1', 'ab'],
        ['acct.county', 'window', 'acctw001', 'ab'],
      ].sort(),
    );
  });

  it('exports a period’s register as CSV and XLSX, text neutralised, registered for /verify', async () => {
    const csv = await as(COUNTY, 'GET', '/api/accountability-records/export', undefined, { unitId: 'ac', period: '2026-Q4', format: 'csv' });
    expect(csv.status).toBe(200);
    expect(String(csv.headers['content-type'])).toContain('text/csv');
    const text = Buffer.from(csv.text, 'base64').toString('utf8');
    expect(text.startsWith('\uFEFF')).toBe(true);
    expect(text).toContain('考核期间,类别,对象类型,对象,所属单位,事由,文号,发文单位,发文日期,登记人,登记时间');
    expect(text).toContain('2026年11月,通报,窗口,社保窗口,某县人社局');
    expect(text).toContain('2026年第四季度,约谈,工作人员,张三');
    expect(text).toContain(`"'=HYPERLINK(""http://x"")"`);
    expect(text).not.toContain('限期整改,单位');
    const sha = String(csv.headers['x-manyi-sha256']);
    const registered = await t.runtime.exports.get(sha);
    expect(registered).toMatchObject({ matched: 'file', format: 'csv', definitionId: 'manyi-accountability-register' });
    // No count of ratings: /verify says nothing of one (not "<5").
    expect(registered!.n).toBeUndefined();
    const verified = await as(null, 'GET', `/api/public/exports/${sha}`);
    expect(verified.json).toMatchObject({ known: true, definitionName: { zh: '问责台账' } });
    expect(verified.json.n).toBeUndefined();

    const xlsx = await as(COMMITTEE, 'GET', '/api/accountability-records/export', undefined, { unitId: 'ac', period: '2026', format: 'xlsx' });
    expect(xlsx.status).toBe(200);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(Buffer.from(xlsx.text, 'base64') as never);
    const sheet = workbook.getWorksheet('问责台账')!;
    const kinds = [2, 3, 4].map((row) => String(sheet.getRow(row).getCell(2).value)).sort();
    expect(kinds).toEqual(['约谈', '通报', '限期整改'].sort());
    expect(sheet.getRow(5).getCell(1).value).toBeNull();
  });

  it('refuses committees, other units and bad input, each named', async () => {
    expect((await create(COMMITTEE, notice())).status).toBe(403);
    const out = await create(SIBLING, notice());
    expect(out.status).toBe(404);
    expect(JSON.stringify(out.json)).toContain('subjectId');
    expect((await list(SIBLING, 'ac', '2026')).status).toBe(404);
    const cases: [Record<string, unknown>, string][] = [
      [{ period: '2026-13' }, 'period'],
      [{ kind: 'warning' }, 'kind'],
      [{ reason: '' }, 'reason'],
      [{ issuedOn: '2026-02-30' }, 'issuedOn'],
      [{ subjectType: 'hall' }, 'subjectType'],
      [{ documentNo: 'x'.repeat(65) }, 'documentNo'],
      [{ subjectId: 'nosuch01' }, 'subjectId'],
    ];
    for (const [change, field] of cases) {
      const reply = await create(COUNTY, notice(change));
      expect([400, 404], JSON.stringify(change)).toContain(reply.status);
      expect(JSON.stringify(reply.json), JSON.stringify(change)).toContain(field);
    }
    const badPeriod = await list(COUNTY, 'ac', '2026-H1');
    expect(badPeriod.status).toBe(400);
    expect(JSON.stringify(badPeriod.json)).toContain('period');
  });
});
