import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Principal } from '../../functions/src/auth/principal.js';
import { createGateway } from '../../infra/local/gateway.js';
import { httpEvent, jsonHeaders } from '../support/http-events.js';
import { isolatedTables, type IsolatedTables } from '../support/isolated-tables.js';
import { call, callerAs, type Reply } from './fixtures.js';

/**
 * A 阳光测评 round's report as XLSX and PDF (issue 13 §5) through the real handlers and DynamoDB
 * Local: a census of two strata (20 and 12 people) answered 12 and 8 times; the workbook's numbers
 * are the JSON results' own, the calculation sheet adds up to the estimate, the PDF prints the
 * commitment and the estimate, /verify knows the file, and only readers of the round's scope get it.
 */
const endpoint = inject('dynamoEndpoint');
const gateway = createGateway();
let t: IsolatedTables;

const ADMIN: Principal = { username: 'root.admin', role: 'system-admin', unitId: 'p1' };
const COUNTY_ADMIN: Principal = { username: 'county.admin', role: 'unit-admin', unitId: 'c1' };
const COMMITTEE: Principal = { username: 'county.committee', role: 'committee', unitId: 'c1' };
const OTHER_ADMIN: Principal = { username: 'other.admin', role: 'unit-admin', unitId: 'c2' };
const tokens = new Map<string, string>();

const as = callerAs(gateway, tokens);

const DAY_MS = 86_400_000;
const chinaDay = (instant: Date) => instant.toLocaleDateString('sv-SE', { timeZone: 'Asia/Shanghai' });
const start = new Date();
const daysAgo = (days: number) => new Date(start.getTime() - days * DAY_MS);
const sha256 = (bytes: Buffer | string) => createHash('sha256').update(bytes).digest('hex');

/** d1: 20 people, 12 answer; d2: 12 people, 8 answer. */
const ANSWERS: Record<string, number[]> = {
  d1: [5, 5, 5, 5, 5, 4, 4, 4, 3, 3, 2, 1],
  d2: [5, 5, 4, 4, 4, 3, 2, 1],
};
let roundId = '';

const exportPath = () => `/api/sampling-rounds/${roundId}/results/export`;
const download = (principal: Principal, format: string) => as(principal, 'GET', exportPath(), undefined, { format });
const bytesOf = (reply: Reply) => Buffer.from(reply.text, 'base64');

async function sheets(bytes: Buffer): Promise<Map<string, unknown[][]>> {
  const book = new ExcelJS.Workbook();
  await book.xlsx.load(bytes as unknown as ArrayBuffer);
  const found = new Map<string, unknown[][]>();
  book.eachSheet((sheet) => {
    const rows: unknown[][] = [];
    sheet.eachRow({ includeEmpty: true }, (row) => rows.push((row.values as unknown[]).slice(1)));
    found.set(sheet.name, rows);
  });
  return found;
}

/** The value beside an item of 概要. */
const fact = (rows: unknown[][], item: string) => rows.find((row) => row[0] === item)?.[1];
const pp = (value: number) => Number((value * 100).toFixed(2));

beforeAll(async () => {
  t = await isolatedTables(endpoint);
  t.install();
  for (const principal of [ADMIN, COUNTY_ADMIN, COMMITTEE, OTHER_ADMIN]) tokens.set(principal.username, (await t.runtime.tokens.issue(principal, new Date())).token);
  for (const [id, name, parentId] of [
    ['p1', '江南省', null],
    ['c1', '临江县', 'p1'],
    ['d1', '临江县市场监督管理局', 'c1'],
    ['d2', '临江县不动产登记中心', 'c1'],
    ['c2', '白沙县', 'p1'],
  ] as const) {
    expect((await as(ADMIN, 'POST', '/api/org/units', { id, name, parentId })).status).toBe(201);
  }
  const credential = (await as(COUNTY_ADMIN, 'POST', '/api/integration-clients', { unitId: 'c1', name: '一窗受理系统' })).json.credential as string;
  const records = Array.from({ length: 32 }, (_, person) => ({
    projNo: `X-${person}`,
    unitId: person < 20 ? 'd1' : 'd2',
    serviceItem: '营业执照设立登记',
    finishedAt: daysAgo(4).toISOString(),
    servedVia: 'window',
    applicantType: 'person',
    applicantMobile: `1370000${String(person).padStart(4, '0')}`,
  }));
  const pushed = await call(gateway, httpEvent('POST', '/api/service-records', { headers: { authorization: `Bearer ${credential}`, ...jsonHeaders }, body: JSON.stringify({ records }) }));
  expect(pushed.json.stored).toBe(32);
  const created = await as(COUNTY_ADMIN, 'POST', '/api/sampling-rounds', {
    name: '临江县 阳光测评 报表',
    unitId: 'c1',
    period: { from: chinaDay(daysAgo(10)), to: chinaDay(start) },
    strataBy: 'unit',
    size: { mode: 'total', n: 32 },
    allocation: { method: 'proportional' },
    invitationText: '诚邀您评价：{link} 回复TD退订',
    deadline: chinaDay(new Date(start.getTime() + 10 * DAY_MS)),
  });
  expect(created.status).toBe(201);
  roundId = created.json.roundId;
  for (const step of ['commit', 'freeze']) expect((await as(COUNTY_ADMIN, 'POST', `/api/sampling-rounds/${roundId}/${step}`)).status).toBe(200);
}, 120_000);

afterAll(() => t?.close());

describe('the round report as a file', () => {
  it('is there from the draw on (409 before)', async () => {
    expect((await download(COMMITTEE, 'xlsx')).status).toBe(409);
    expect((await as(ADMIN, 'POST', `/api/sampling-rounds/${roundId}/draw`, { publicInput: '2468' })).status).toBe(200);
    expect((await as(COUNTY_ADMIN, 'POST', `/api/sampling-rounds/${roundId}/send`)).status).toBe(200);
    const links = await t.runtime.invitations.outbox(roundId, 100);
    const byStratum = new Map<string, string[]>();
    for (const { link } of links) {
      const token = link.slice(link.lastIndexOf('/s/') + 3);
      const stored = await t.runtime.ratingLinks.get(sha256(token));
      if (stored?.state === 'open' && stored.stratum) byStratum.set(stored.stratum, [...(byStratum.get(stored.stratum) ?? []), token]);
    }
    for (const [stratum, levels] of Object.entries(ANSWERS)) {
      for (const [i, level] of levels.entries()) {
        const token = byStratum.get(stratum)![i]!;
        const reply = await call(gateway, httpEvent('POST', '/api/public/sampling-invitations/ratings', { headers: jsonHeaders, body: JSON.stringify({ token, level }) }));
        expect(reply.status).toBe(201);
      }
    }
    // While the round takes answers, the file shows the funnel and withholds every rate.
    const open = await download(COMMITTEE, 'xlsx');
    expect(open.status).toBe(200);
    const openBook = await sheets(bytesOf(open));
    expect(JSON.stringify(openBook.get('结果'))).toContain('截止后公布');
    expect(fact(openBook.get('概要')!, '种子')).toBe('截止后公布');
    expect((await as(COUNTY_ADMIN, 'POST', `/api/sampling-rounds/${roundId}/close`)).status).toBe(200);
  });

  it('XLSX: the sheets hold the JSON results’ numbers, and the calculation sheet adds up to the estimate', async () => {
    const results = (await as(COMMITTEE, 'GET', `/api/sampling-rounds/${roundId}/results`)).json;
    const round = (await as(COMMITTEE, 'GET', `/api/sampling-rounds/${roundId}`)).json;
    expect(results.estimate.good.ok).toBe(true);
    const reply = await download(COMMITTEE, 'xlsx');
    expect(reply.status, reply.text.slice(0, 300)).toBe(200);
    expect(reply.headers['content-type']).toContain('spreadsheetml');
    const bytes = bytesOf(reply);
    expect(reply.headers['x-manyi-sha256']).toBe(sha256(bytes));
    const book = await sheets(bytes);
    expect([...book.keys()]).toEqual(['概要', '漏斗', '结果', '分层估计', '计算表']);

    const summary = book.get('概要')!;
    expect(fact(summary, '种子承诺（SHA-256）')).toBe(round.commitment);
    expect(fact(summary, '抽样框哈希')).toBe(round.frameHash);
    expect(fact(summary, '公开输入')).toBe('2468');
    expect(fact(summary, '种子')).toBe(round.seed);
    expect(fact(summary, '样本量分配')).toBe('按比例分配');
    expect(fact(summary, '数据校验码')).toBe(reply.headers['x-manyi-data-sha256']);
    expect(String(fact(summary, '好评率（分层估计）'))).toContain(`${(results.estimate.good.value * 100).toFixed(2)}%`);

    const funnel = book.get('漏斗')!;
    for (const stratum of results.strata) {
      const row = funnel.find((r) => r[1] === stratum.key)!;
      expect(row.slice(2, 9)).toEqual([stratum.funnel.N, stratum.funnel.drawn, stratum.funnel.sent, stratum.funnel.failed, '未回执', stratum.funnel.responded, stratum.funnel.optedOut]);
    }
    expect(funnel.find((r) => r[0] === '合计')!.slice(2, 4)).toEqual([results.funnel.N, results.funnel.drawn]);

    const table = book.get('结果')!;
    for (const stratum of results.strata) {
      const row = table.find((r) => r[1] === stratum.key)!;
      expect(row[2]).toBeCloseTo(stratum.W, 12);
      expect(row.slice(3, 9)).toEqual([stratum.n, stratum.counts['5'], stratum.counts['4'], stratum.counts['3'], stratum.counts['2'], stratum.counts['1']]);
      expect(row.slice(9, 15)).toEqual([stratum.goodRate, stratum.goodRate, stratum.goodRate, stratum.satisfiedRate, stratum.satisfiedRate, stratum.satisfiedRate].map((rate, i) => pp([rate.value, rate.low, rate.high][i % 3])));
    }
    expect(table.find((r) => r[0] === '合计（未加权）')![3]).toBe(results.total.n);

    const estimates = book.get('分层估计')!;
    for (const [name, key] of [['好评率', 'good'], ['满意率', 'satisfied']] as const) {
      const row = estimates.find((r) => r[0] === name)!;
      expect(row.slice(1, 5)).toEqual([pp(results.estimate[key].value), pp(results.estimate[key].low), pp(results.estimate[key].high), results.estimate[key].standardError]);
    }

    const sheet = book.get('计算表')!;
    for (const [name, key] of [['好评率', 'good'], ['满意率', 'satisfied']] as const) {
      const rows = sheet.filter((r) => r[0] === name);
      const strata = rows.filter((r) => results.strata.some((s: { key: string }) => s.key === r[2]));
      expect(strata).toHaveLength(2);
      const sum = rows.find((r) => String(r[1]).startsWith('合计 Σ'))!;
      expect(sum[8]).toBeCloseTo(results.estimate[key].value, 12);
      expect(sum[9]).toBeCloseTo(results.estimate[key].standardError ** 2, 14);
      expect(strata.reduce((total, r) => total + Number(r[8]), 0)).toBeCloseTo(results.estimate[key].value, 12);
      expect(strata.reduce((total, r) => total + Number(r[9]), 0)).toBeCloseTo(results.estimate[key].standardError ** 2, 14);
    }
  });

  it('PDF: prints the commitment and the estimate in Chinese, and /verify knows the file and its data', async () => {
    const results = (await as(COMMITTEE, 'GET', `/api/sampling-rounds/${roundId}/results`)).json;
    const round = (await as(COMMITTEE, 'GET', `/api/sampling-rounds/${roundId}`)).json;
    const reply = await download(COUNTY_ADMIN, 'pdf');
    expect(reply.status, reply.text.slice(0, 300)).toBe(200);
    expect(reply.headers['content-type']).toBe('application/pdf');
    const bytes = bytesOf(reply);
    mkdirSync('/tmp/shots', { recursive: true });
    writeFileSync('/tmp/shots/round-results.pdf', bytes);
    const text = execFileSync('pdftotext', ['-layout', '/tmp/shots/round-results.pdf', '-'], { encoding: 'utf8' });
    expect(text).toContain('阳光测评结果报告');
    expect(text).toContain(round.commitment);
    expect(text).toContain(`${(results.estimate.good.value * 100).toFixed(2)}%`);
    expect(text).toContain(`${(results.estimate.satisfied.value * 100).toFixed(2)}%`);
    expect(text).toContain(String(reply.headers['x-manyi-data-sha256']));

    const verified = await call(gateway, httpEvent('GET', `/api/public/exports/${sha256(bytes)}`));
    expect(verified.json).toMatchObject({ known: true, matched: 'file', format: 'pdf', n: results.total.n, scopeName: expect.stringContaining('临江县 阳光测评 报表') });
    const data = await call(gateway, httpEvent('GET', `/api/public/exports/${String(reply.headers['x-manyi-data-sha256'])}`));
    expect(data.json).toMatchObject({ known: true, matched: 'data' });
  });

  it('is for the readers of the round’s scope only; a bad format names the field', async () => {
    expect((await download(OTHER_ADMIN, 'xlsx')).status).toBe(404);
    const bad = await download(COMMITTEE, 'csv');
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('format');
  });

  it('prints the seed once the round is closed', async () => {
    const round = (await as(COMMITTEE, 'GET', `/api/sampling-rounds/${roundId}`)).json;
    expect(round.seed).toMatch(/^[0-9a-f]+$/);
    const reply = await download(COMMITTEE, 'xlsx');
    expect(reply.status).toBe(200);
    expect(fact((await sheets(bytesOf(reply))).get('概要')!, '种子')).toBe(round.seed);
  });
});
