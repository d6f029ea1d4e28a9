import { createHash } from 'node:crypto';
import ExcelJS from 'exceljs';
import { parse as parseCsv } from 'csv-parse/sync';
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Principal } from '../../functions/src/auth/principal.js';
import { createGateway } from '../../infra/local/gateway.js';
import type { ReportCell, SatisfactionReport } from '../../shared/src/contracts/reports.js';
import { chinaDay } from '../../shared/src/domain/china-time.js';
import { NATIONAL_SURVEY } from '../../shared/src/domain/national-survey.js';
import { pinnedClock } from '../support/clock.js';
import { isolatedTables, type IsolatedTables } from '../support/isolated-tables.js';
import { request, scanAll } from './accounts-helpers.js';
import { postRating, type Reply } from './fixtures.js';
import { seedWriter } from '../../infra/local/seed.js';

/**
 * Report downloads through the real handler against DynamoDB Local, with ratings submitted
 * through the real rating route: each XLSX, CSV and PDF is parsed and its numbers compared with
 * the report the JSON API serves, the integrity hashes are checked against
 * /verify, hostile unit, window and staff names come out inert, suppressed cells never show a
 * number, and every download is audited.
 */

const endpoint = inject('dynamoEndpoint');
const gateway = createGateway();
let t: IsolatedTables;

const HOSTILE = {
  root: '=HYPERLINK("http://x","点我")市',
  unit: '@SUM(1)单位',
  window: '-2+3窗口',
  staff: '+10086王',
  tabbed: '\t=1+1窗口',
};
const IDS = { root: 'rx-root', a: 'rx-a', b: 'rx-b', far: 'rx-far' };
const W = { a1: 'rxwina01', a2: 'rxwina02', b1: 'rxwinb01', b2: 'rxwinb02', far: 'rxwinf01' };

const committee: Principal = { username: 'rx.committee', role: 'committee', unitId: IDS.root };
const staffMember: Principal = { username: 'rx.staff', role: 'staff', unitId: IDS.a };
const tokens: Record<string, string> = {};
/** The runtime's clock: the ratings land in its month and every download asks for that month. */
const now = pinnedClock();
const month = chinaDay(now()).slice(0, 7);

/** Levels of the ratings per window: a1 is large, a2 and b2 are small groups (< 5). */
const RATINGS: Record<string, number[]> = {
  [W.a1]: [5, 5, 5, 5, 4, 4, 4, 3, 2, 1, 5, 4],
  [W.a2]: [5, 1, 4],
  [W.b1]: [5, 4, 4, 3, 5, 5, 2, 5],
  [W.b2]: [4, 5],
};

const bytes = (reply: Reply) => Buffer.from(reply.text, 'base64');
const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');
const pct = (value: number | null | undefined) => (value === null || value === undefined ? '—' : Number((value * 100).toFixed(2)));

function download(query: Record<string, string>, who = 'committee'): Promise<Reply> {
  return request(gateway, 'GET', '/api/reports/satisfaction/export', { token: tokens[who]!, query: { unit: IDS.root, month, ...query } });
}

const verify = (hash: string) => request(gateway, 'GET', `/api/public/exports/${hash}`);

/** The report the JSON API serves for the same query. */
async function apiReport(): Promise<SatisfactionReport> {
  const reply = await request(gateway, 'GET', '/api/reports/satisfaction', { token: tokens.committee!, query: { unit: IDS.root, month } });
  expect(reply.status).toBe(200);
  return reply.json as SatisfactionReport;
}

async function putTree(): Promise<void> {
  const d = seedWriter(t.runtime);
  await d.putUnit({ id: IDS.root, name: HOSTILE.root, parentId: null, path: [IDS.root] });
  await d.putUnit({ id: IDS.a, name: HOSTILE.unit, parentId: IDS.root, path: [IDS.root, IDS.a] });
  await d.putUnit({ id: IDS.b, name: '乙局', parentId: IDS.root, path: [IDS.root, IDS.b] });
  await d.putUnit({ id: IDS.far, name: '外县', parentId: null, path: [IDS.far] });
  await d.putHall({ id: 'rx-hall', unitId: IDS.root, name: '大厅', address: '路1号' });
  await d.putStaff({ id: 'rx-s1', unitId: IDS.a, staffNo: 'RX01', name: HOSTILE.staff, post: '受理', duties: '受理', pledge: '一次办好', partyMember: false });
  const window = (code: string, unitId: string, name: string) =>
    d.putWindow({ code, unitId, hallId: 'rx-hall', name, active: true, staffOnDutyIds: ['rx-s1'], surveyId: NATIONAL_SURVEY.surveyId, surveyVersion: NATIONAL_SURVEY.version });
  await window(W.a1, IDS.a, HOSTILE.window);
  await window(W.a2, IDS.a, HOSTILE.tabbed);
  await window(W.b1, IDS.b, '乙局一号窗口');
  await window(W.b2, IDS.b, '乙局二号窗口');
  await window(W.far, IDS.far, '外县窗口');
}

beforeAll(async () => {
  t = await isolatedTables(endpoint, { now });
  t.install();
  await putTree();
  for (const [code, levels] of Object.entries(RATINGS)) {
    for (const level of levels) {
      // The residents of a1 name the staff member who served them (docs/decisions/0012-attribution.md); the others say 不确定.
      const reply = await postRating(gateway, { windowCode: code, level, ...(level <= 2 ? { reasons: ['SLOW'] } : {}), ...(code === W.a1 ? { staffId: 'rx-s1' } : {}) });
      expect(reply.status).toBe(201);
    }
  }
  for (const [name, principal] of Object.entries({ committee, staffMember })) tokens[name] = (await t.runtime.tokens.issue(principal, new Date())).token;
}, 120_000);
afterAll(() => t?.close());

async function workbook(data: Buffer): Promise<Map<string, unknown[][]>> {
  const book = new ExcelJS.Workbook();
  await book.xlsx.load(data as unknown as ArrayBuffer);
  const sheets = new Map<string, unknown[][]>();
  book.eachSheet((sheet) => {
    const rows: unknown[][] = [];
    sheet.eachRow({ includeEmpty: true }, (row) => rows.push((row.values as unknown[]).slice(1)));
    sheets.set(sheet.name, rows);
  });
  return sheets;
}

async function pdfText(data: Buffer): Promise<string> {
  const pdf = await getDocument({ data: new Uint8Array(data), useSystemFonts: false, isEvalSupported: false }).promise;
  const pages: string[] = [];
  for (let n = 1; n <= pdf.numPages; n++) {
    const content = await (await pdf.getPage(n)).getTextContent();
    pages.push(content.items.map((item) => ('str' in item ? item.str : '')).join(''));
  }
  await pdf.destroy();
  return pages.join('\n');
}

/** The cells of a breakdown row as the exports print them: name, key, n, five counts, rates, mean. */
function expectedRow(cell: ReportCell): unknown[] {
  if (cell.suppressed) {
    const mark = cell.suppressed === 'small-group' ? '<5' : '已隐藏';
    return [mark, mark, mark, mark, mark, mark, '—', '—', '—', '—', '—', '—', '—'];
  }
  return [
    cell.n,
    ...[5, 4, 3, 2, 1].map((level) => cell.counts![level as 1]),
    pct(cell.goodRate?.value),
    pct(cell.goodRate?.low),
    pct(cell.goodRate?.high),
    pct(cell.satisfiedRate?.value),
    pct(cell.satisfiedRate?.low),
    pct(cell.satisfiedRate?.high),
    cell.meanScore === null ? '—' : Number(cell.meanScore.toFixed(2)),
  ];
}

/** No neutralised-away formula anywhere: every text cell is inert. */
function expectInert(values: unknown[]): void {
  for (const value of values) if (typeof value === 'string') expect(value).not.toMatch(/^[=+\-@\t\r]/);
}

describe('report downloads', () => {
  let report: SatisfactionReport;
  beforeAll(async () => {
    report = await apiReport();
  });

  it('the report used has small groups and complementary cells suppressed, so the checks below are not vacuous', () => {
    expect(report.summary.n).toBe(25);
    expect(report.byWindow.filter((cell) => cell.suppressed === 'small-group').map((cell) => cell.key).sort()).toEqual([W.a2, W.b2].sort());
    // a1 = rx-a − a2 and b1 = rx-b − b2 would give the small groups away: hidden as well.
    expect(report.byWindow.filter((cell) => cell.suppressed === 'complementary').map((cell) => cell.key).sort()).toEqual([W.a1, W.b1].sort());
    // a1's 12 residents named the staff member: a staff row of 12 and 12 of 25 named.
    expect(report.byStaff).toEqual([expect.objectContaining({ key: 'rx-s1', n: 12, suppressed: null })]);
    expect(report.attribution).toMatchObject({ ratings: { n: 25 }, attributed: { n: 12, suppressed: null } });
  });

  it('XLSX: sheets, the same numbers as the API, "<5" / "已隐藏" and never a number for suppressed cells, inert hostile names, hashes that /verify confirms', async () => {
    const reply = await download({ format: 'xlsx' });
    expect(reply.status).toBe(200);
    expect(reply.headers['content-type']).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    expect(String(reply.headers['content-disposition'])).toMatch(/^attachment; filename="report-rx-root-[\d-]+-[\d-]+\.xlsx"$/);
    const file = bytes(reply);
    expect(reply.headers['x-manyi-sha256']).toBe(sha256(file));

    const book = await workbook(file);
    expect([...book.keys()]).toEqual(expect.arrayContaining(['汇总', '按单位', '按窗口', '按人员', '差评原因', '计算说明']));
    const summary = new Map(book.get('汇总')!.map((row) => [row[0], row[1]]));
    expect(summary.get('评价数')).toBe(report.summary.n);
    expect(summary.get('满意率(%)')).toBe(pct(report.summary.satisfiedRate!.value));
    expect(summary.get('好评率(%)')).toBe(pct(report.summary.goodRate!.value));
    expect(summary.get('范围')).toBe(`'${HOSTILE.root}`);
    const dataHash = summary.get('数据校验码') as string;
    expect(dataHash).toMatch(/^[0-9a-f]{64}$/);
    expect(reply.headers['x-manyi-data-sha256']).toBe(dataHash);

    for (const [sheet, cells] of [['按单位', report.byUnit], ['按窗口', report.byWindow], ['按人员', report.byStaff]] as const) {
      const all = book.get(sheet)!.slice(1);
      // 按人员 says under its rows how many ratings named a staff member (docs/decisions/0012-attribution.md).
      const rows = sheet === '按人员' ? all.slice(0, cells.length) : all;
      expect(rows).toHaveLength(cells.length);
      cells.forEach((cell, i) => {
        expect(rows[i]!.slice(2, 15)).toEqual(expectedRow(cell));
        expectInert(rows[i]!);
      });
    }
    expect(book.get('按人员')!.slice(1 + report.byStaff.length).map((row) => row[0]).filter(Boolean)).toEqual([`说明：${report.attribution.text.zh}`]);
    expect(summary.get('指明工作人员的评价数')).toBe(report.attribution.attributed.n);
    const windowNames = book.get('按窗口')!.map((row) => row[0]);
    expect(windowNames).toEqual(expect.arrayContaining([`'${HOSTILE.window}`, `'${HOSTILE.tabbed}`]));
    expect(book.get('按单位')!.map((row) => row[0])).toContain(`'${HOSTILE.unit}`);
    expect(book.get('按人员')!.map((row) => row[0])).toContain(`'${HOSTILE.staff}`);
    for (const rows of book.values()) for (const row of rows) expectInert(row);

    const reasons = book.get('差评原因')!.slice(1);
    expect(reasons.map((row) => [row[0], row[2]])).toEqual(report.topReasons.map((reason) => [reason.code, reason.count]));

    const file_ = await verify(sha256(file));
    expect(file_.status).toBe(200);
    expect(file_.json).toMatchObject({ known: true, matched: 'file', format: 'xlsx', scopeName: HOSTILE.root, definitionId: report.definitions.id, definitionName: report.definitions.name, n: report.summary.n });
    const data = await verify(dataHash);
    expect(data.json).toMatchObject({ known: true, matched: 'data', n: report.summary.n, periodLabel: report.period.label });

    const tampered = Buffer.from(file);
    tampered[tampered.length - 100]! ^= 0xff;
    const unknown = await verify(sha256(tampered));
    expect(unknown.status).toBe(200);
    expect(unknown.json).toEqual({ known: false, sha256: sha256(tampered) });
  });

  it('CSV: UTF-8 with a BOM, a header block with the 数据校验码, the same numbers as the API, inert names', async () => {
    const reply = await download({ format: 'csv' });
    expect(reply.status).toBe(200);
    expect(reply.headers['content-type']).toBe('text/csv; charset=utf-8');
    const file = bytes(reply);
    expect([...file.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(reply.headers['x-manyi-sha256']).toBe(sha256(file));
    const records = parseCsv(file.subarray(3), { relax_column_count: true }) as string[][];
    expect(records.slice(0, 3).map((r) => r[0])).toEqual(['报告', '范围', '范围单位代码']);
    const dataHash = records.find((r) => r[0] === '数据校验码')![1]!;
    expect(dataHash).toBe(reply.headers['x-manyi-data-sha256']);
    expect((await verify(dataHash)).json).toMatchObject({ known: true, matched: 'data' });
    expect((await verify(sha256(file))).json).toMatchObject({ known: true, matched: 'file', format: 'csv' });

    const section = (name: string) => {
      const start = records.findIndex((r) => r[0] === `【${name}】`);
      const end = records.findIndex((r, i) => i > start && r.length === 1 && r[0] === '');
      return records.slice(start + 2, end === -1 ? undefined : end);
    };
    const asCsv = (value: unknown) => (value === null ? '' : String(value));
    for (const [name, cells] of [['按单位', report.byUnit], ['按窗口', report.byWindow], ['按人员', report.byStaff]] as const) {
      const rows = section(name);
      expect(rows).toHaveLength(cells.length);
      cells.forEach((cell, i) => expect(rows[i]!.slice(2, 15)).toEqual(expectedRow(cell).map(asCsv)));
    }
    expect(section('汇总').find((r) => r[0] === '评价数')![1]).toBe(String(report.summary.n));
    expect(records.map((r) => r[0])).toContain(`说明：${report.attribution.text.zh}`);
    const all = records.flat();
    expect(all).toEqual(expect.arrayContaining([`'${HOSTILE.root}`, `'${HOSTILE.unit}`, `'${HOSTILE.window}`, `'${HOSTILE.tabbed}`, `'${HOSTILE.staff}`]));
    expectInert(all);
  });

  it('PDF: Chinese text with the API’s numbers, names printed as text, the 数据校验码 in the footer', async () => {
    const reply = await download({ format: 'pdf' });
    expect(reply.status).toBe(200);
    expect(reply.headers['content-type']).toBe('application/pdf');
    const file = bytes(reply);
    expect(reply.headers['x-manyi-sha256']).toBe(sha256(file));
    const text = await pdfText(file);
    expect(text).toContain('满意度评价报告');
    expect(text).toContain(`评价数：${report.summary.n}`);
    expect(text).toContain(`满意率：${(report.summary.satisfiedRate!.value! * 100).toFixed(2)}%`);
    expect(text).toContain(`好评率：${(report.summary.goodRate!.value! * 100).toFixed(2)}%`);
    for (const chart of ['评价分布', '月度趋势', '单位排名', '窗口排名', '计算说明']) expect(text).toContain(chart);
    expect(text).toContain(HOSTILE.root);
    expect(text).toContain(HOSTILE.window);
    expect(text).toContain(`数据校验码 ${reply.headers['x-manyi-data-sha256']}`);
    expect(text.replace(/\s+/g, '')).toContain(`说明：${report.attribution.text.zh}`.replace(/\s+/g, ''));
    // Table rows (cells compared without the spaces a PDF reader puts between them): a suppressed
    // window prints its marker in every number column, a unit its numbers.
    const cells = text.replace(/\s+/g, '');
    expect(cells).toContain(`${HOSTILE.window}${'已隐藏'.repeat(6)}———`);
    expect(cells).toContain(`${HOSTILE.tabbed.trim()}${'<5'.repeat(6)}———`);
    const b = report.byUnit.find((cell) => cell.key === IDS.b)!;
    expect(cells).toContain(`乙局${b.n}${[5, 4, 3, 2, 1].map((level) => b.counts![level as 1]).join('')}${(b.goodRate!.value! * 100).toFixed(2)}%`);
    expect((await verify(sha256(file))).json).toMatchObject({ known: true, matched: 'file', format: 'pdf' });
  });

  it('downloads a drill-down to one window with the numbers the API gives for it', async () => {
    const query = { unit: IDS.b, window: W.b1, month };
    const api = (await request(gateway, 'GET', '/api/reports/satisfaction', { token: tokens.committee!, query })).json as SatisfactionReport;
    const reply = await download({ ...query, format: 'csv' });
    expect(reply.status).toBe(200);
    expect(String(reply.headers['content-disposition'])).toContain(`report-${IDS.b}-${W.b1}-`);
    const records = parseCsv(bytes(reply).subarray(3), { relax_column_count: true }) as string[][];
    expect(records.find((r) => r[0] === '范围')![1]).toBe('乙局 / 乙局一号窗口');
    expect(records.find((r) => r[0] === '评价数')![1]).toBe(String(api.summary.n));
    expect(api.summary.n).toBe(RATINGS[W.b1]!.length);
    expect(records.find((r) => r[0] === '满意率(%)')![1]).toBe(String(pct(api.summary.satisfiedRate!.value)));
  });

  it('registers what the file is but never who downloaded it; audits every download with format and hashes', async () => {
    const registry = (await scanAll(t.doc, t.tables.ops)).filter((item) => String(item.pk).startsWith('EXPORT#'));
    // Four files downloaded (their bytes differ), two data sets (rx-root in three formats, rx-b): one 数据校验码 each.
    expect(registry.filter((item) => item.matched === 'file')).toHaveLength(4);
    expect(registry.filter((item) => item.matched === 'data')).toHaveLength(2);
    for (const item of registry) {
      expect(JSON.stringify(item)).not.toContain(committee.username);
      expect(Object.keys(item).sort()).toEqual(['definitionId', 'definitionName', 'extractedAt', 'format', 'generatedAt', 'matched', 'n', 'periodLabel', 'pk', 'scopeName', 'sha256', 'sk']);
    }
    const audit = (await scanAll(t.doc, t.tables.audit)).filter((e) => e.action === 'report.export');
    const ok = audit.filter((e) => e.result === 'ok');
    expect(ok.map((e) => `${String(e.detail).split(' ')[0]} ${e.objectId}`).sort()).toEqual(['csv rx-b', 'csv rx-root', 'pdf rx-root', 'xlsx rx-root']);
    for (const entry of ok) {
      expect(entry).toMatchObject({ actor: committee.username, role: 'committee', objectType: 'unit', unitId: entry.objectId });
      expect(String(entry.detail)).toMatch(/sha256=[0-9a-f]{64} data=[0-9a-f]{64}$/);
    }
  });

  it('refuses staff (403), answers a unit out of scope like an unknown one (404), names bad fields (400), and audits the refusals', async () => {
    expect((await download({ format: 'xlsx' }, 'staffMember')).status).toBe(403);
    const foreign = await download({ format: 'csv', unit: IDS.far });
    const unknown = await download({ format: 'csv', unit: 'rx-nosuch' });
    expect(foreign.status).toBe(404);
    expect(foreign.json).toEqual(unknown.json);
    const badFormat = await download({ format: 'docx' });
    expect(badFormat.status).toBe(400);
    expect(badFormat.json.error.issues.map((issue: { field: string }) => issue.field)).toContain('format');
    const badHash = await verify('NOT-A-HASH');
    expect(badHash.status).toBe(400);
    expect(badHash.json.error.issues[0].field).toBe('sha256');

    const refusals = (await scanAll(t.doc, t.tables.audit)).filter((e) => e.action === 'report.export' && e.result !== 'ok').map((e) => `${e.actor} ${e.result} ${e.objectId}`);
    // One entry per refusal, under the download's own action: out of scope is `denied`, unknown `not-found`.
    expect(refusals).toEqual(expect.arrayContaining([`${staffMember.username} denied ${IDS.root}`, `${committee.username} denied ${IDS.far}`, `${committee.username} not-found rx-nosuch`]));
    expect((await scanAll(t.doc, t.tables.audit)).filter((e) => e.objectId === IDS.far && e.result !== 'ok')).toHaveLength(1);
  });

  // Last: it adds downloads that the audit test above counts.
  it('prints the same 数据校验码 on every download of the same data, in every format; each file keeps its own SHA-256', async () => {
    const replies = [await download({ format: 'csv' }), await download({ format: 'xlsx' }), await download({ format: 'csv' })];
    const codes = replies.map((reply) => reply.headers['x-manyi-data-sha256']);
    expect(new Set(codes).size).toBe(1);
    expect(codes[0]).toMatch(/^[0-9a-f]{64}$/);
    expect(new Set(replies.map((reply) => reply.headers['x-manyi-sha256'])).size).toBe(3);
  });
});
