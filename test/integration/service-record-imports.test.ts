import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Principal } from '../../functions/src/auth/principal.js';
import { applyServiceRecordImport } from '../../functions/src/use-cases/service-records/imports.js';
import { createGateway } from '../../infra/local/gateway.js';
import { httpEvent } from '../support/http-events.js';
import { isolatedTables, type IsolatedTables } from '../support/isolated-tables.js';
import { call, scanTable, type Reply } from './fixtures.js';

/**
 * 办件 files (decision 0019, "Files of 办件") through the real handlers and DynamoDB Local: a GBK
 * CSV and an XLSX with good and bad rows; the preview names each bad row's field; apply refuses a
 * file with bad rows, stores a good one, and the same file again changes nothing; no mobile number
 * reaches the ops table. A 6,000-row file is written chunk by chunk with its progress.
 */
const endpoint = inject('dynamoEndpoint');
const gateway = createGateway();
let t: IsolatedTables;

const COUNTY_ADMIN: Principal = { username: 'county.importer', role: 'unit-admin', unitId: 'c1' };
const ROOT_ADMIN: Principal = { username: 'root.importer', role: 'system-admin', unitId: 'p1' };
const COMMITTEE: Principal = { username: 'committee.reader', role: 'committee', unitId: 'c1' };
const tokens = new Map<string, string>();
let windowCode = '';
let otherWindow = '';

const HEADER = '办件编号,单位编码,窗口编号,办理事项,工号,办结时间,办理方式,申请人类型,申请人手机';
/** An hour ago as a business system's export writes it: China wall-clock time, no offset. */
const CHINA_WALL = new Date(Date.now() + 7 * 3_600_000);
const FINISHED = CHINA_WALL.toISOString().slice(0, 16).replace('T', ' ');
const FINISHED_UTC = new Date(`${CHINA_WALL.toISOString().slice(0, 16)}:00+08:00`).toISOString();

function uploadOf(bytes: Buffer): { body: string; isBase64Encoded: boolean } {
  try {
    return { body: new TextDecoder('utf-8', { fatal: true }).decode(bytes), isBase64Encoded: false };
  } catch {
    return { body: bytes.toString('base64'), isBase64Encoded: true };
  }
}

function post(principal: Principal, step: 'preview' | 'apply', bytes: Buffer): Promise<Reply> {
  const headers = { authorization: `Bearer ${tokens.get(principal.username)!}`, 'content-type': 'application/octet-stream' };
  return call(gateway, httpEvent('POST', `/api/org/service-record-imports/${step}`, { ...uploadOf(bytes), headers }));
}

async function xlsx(rows: (string | number | Date)[][]): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('办件');
  for (const row of rows) sheet.addRow(row);
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

const recordItems = async () => (await scanTable(t.doc, t.tables.ops)).filter((item) => item.kind === 'service-record');
const errorsOf = (reply: Reply) => (reply.json.rows as { line: number; errors: { field: string }[] }[]).flatMap((row) => row.errors.map((e) => `${row.line}:${e.field}`)).sort();

beforeAll(async () => {
  t = await isolatedTables(endpoint);
  t.install();
  for (const principal of [COUNTY_ADMIN, ROOT_ADMIN, COMMITTEE]) tokens.set(principal.username, (await t.runtime.tokens.issue(principal, new Date())).token);
  const admin = { authorization: `Bearer ${tokens.get(ROOT_ADMIN.username)!}`, 'content-type': 'application/json' };
  for (const [id, name, parentId] of [
    ['p1', '江南省', null],
    ['c1', '临江县', 'p1'],
    ['d1', '临江县不动产登记中心', 'c1'],
    ['c2', '白沙县', 'p1'],
  ] as const) {
    expect((await call(gateway, httpEvent('POST', '/api/org/units', { headers: admin, body: JSON.stringify({ id, name, parentId }) }))).status).toBe(201);
  }
  windowCode = (await call(gateway, httpEvent('POST', '/api/org/units/d1/windows', { headers: admin, body: JSON.stringify({ name: '不动产窗口' }) }))).json.code;
  otherWindow = (await call(gateway, httpEvent('POST', '/api/org/units/c2/windows', { headers: admin, body: JSON.stringify({ name: '白沙县窗口' }) }))).json.code;
});

afterAll(() => t?.close());

describe('a GBK CSV of 办件', () => {
  // Built when a test runs: the window exists only after beforeAll.
  const good = () => [
    `BDC-0001,d1,${windowCode},不动产抵押登记,LJ1007,${FINISHED},窗口,个人,13800138000`,
    `BDC-0002,d1,,企业开办,,${FINISHED},网上,企业,`,
  ];
  const file = (rows: string[]) => iconv.encode([HEADER, ...rows, ''].join('\r\n'), 'gbk');

  it('previews every row: each bad one names its field, the mobile number is masked', async () => {
    // Prepare: two good rows and one bad row per kind of problem.
    const rows = [
      ...good(),
      `BDC-0003,d1,,不动产抵押登记,,${FINISHED},柜台,个人,`,
      `BDC-0004,d1,,不动产抵押登记,,昨天下午,窗口,个人,`,
      `BDC-0005,c2,,不动产抵押登记,,${FINISHED},窗口,个人,`,
      `BDC-0006,d1,${otherWindow},不动产抵押登记,,${FINISHED},窗口,个人,`,
      `BDC-0007,d1,,不动产抵押登记,,${FINISHED},自助,个人,12345`,
      `BDC 0008,d1,,不动产抵押登记,,${FINISHED},窗口,团体,`,
    ];

    // Act
    const reply = await post(COUNTY_ADMIN, 'preview', file(rows));

    // Assess
    expect(reply.status).toBe(200);
    expect(reply.json).toMatchObject({ kind: 'service-records', format: 'csv', encoding: 'gb18030', rowCount: 8, invalidRows: 6, valid: false });
    expect(errorsOf(reply)).toEqual(['4:servedVia', '5:finishedAt', '6:unitId', '7:windowCode', '8:applicantMobile', '9:applicantType', '9:projNo'].sort());
    const first = (reply.json.rows as { line: number; values: Record<string, string> }[]).find((row) => row.line === 2)!;
    expect(first.values).toMatchObject({ projNo: 'BDC-0001', servedVia: 'window', applicantType: 'person', applicantMobile: '138****8000', finishedAt: `${FINISHED.replace(' ', 'T')}:00+08:00` });
    expect(reply.text).not.toMatch(/1[3-9]\d{9}/);
  });

  it('refuses to apply a file with bad rows, naming them; nothing is written', async () => {
    const reply = await post(COUNTY_ADMIN, 'apply', file([...good(), `BDC-0003,d1,,不动产抵押登记,,${FINISHED},柜台,个人,`]));
    expect(reply.status).toBe(400);
    expect(reply.json.error.issues.map((issue: { field: string }) => issue.field)).toEqual(['rows.4.servedVia']);
    expect(await recordItems()).toEqual([]);
  });

  it('stores the good rows as China time, and the same file again changes nothing', async () => {
    // Act
    const applied = await post(COUNTY_ADMIN, 'apply', file(good()));
    const items = await recordItems();
    const again = await post(COUNTY_ADMIN, 'apply', file(good()));
    const byOther = await post(ROOT_ADMIN, 'apply', file(good()));

    // Assess
    expect(applied.status).toBe(200);
    expect(applied.json).toEqual({ kind: 'service-records', total: 2, done: 2, finished: true, stored: 2, unchanged: 0, conflict: 0, refused: 0 });
    expect(items.map((item) => [item.projNo, item.finishedAt, item.servedVia, item.clientId]).sort()).toEqual([
      ['BDC-0001', FINISHED_UTC, 'window', 'account:county.importer'],
      ['BDC-0002', FINISHED_UTC, 'online', 'account:county.importer'],
    ]);
    expect(items.find((item) => item.projNo === 'BDC-0001')).toMatchObject({ phoneKey: expect.any(String), contactId: expect.any(String) });
    expect(again.json).toEqual(applied.json);
    expect(byOther.json).toMatchObject({ finished: true, stored: 0, unchanged: 2 });
    expect(await recordItems()).toEqual(items);
    const day = new Date().toLocaleDateString('sv-SE', { timeZone: 'Asia/Shanghai' });
    const audit = (await t.runtime.audit.listDay(day, { limit: 1000 })).entries.filter((entry) => entry.action === 'import.service-records.apply');
    expect(audit.map((entry) => [entry.actor, entry.result])).toEqual(expect.arrayContaining([['county.importer', 'ok'], ['county.importer', 'invalid']]));
  });

  it('is refused to a committee member (integrations:manage)', async () => {
    expect((await post(COMMITTEE, 'preview', file(good()))).status).toBe(403);
  });
});

describe('an XLSX of 办件', () => {
  // Excel stores wall-clock digits without a zone: the cell below reads as China time.
  const cell = new Date(`${CHINA_WALL.toISOString().slice(0, 16)}:00Z`);

  it('reads date cells as China time, names bad fields, stores the good rows', async () => {
    const header = HEADER.split(',');
    const good = [
      ['XL-0001', 'd1', windowCode, '不动产抵押登记', 'LJ1007', cell, '窗口', '个人', '13900139000'],
      ['XL-0002', 'd1', '', '企业开办', '', cell, '自助', '企业', ''],
    ];
    const bad = [['XL-0003', 'no-such', '', '企业开办', '', cell, '网上', '企业', '']];

    const preview = await post(COUNTY_ADMIN, 'preview', await xlsx([header, ...good, ...bad]));
    const applied = await post(COUNTY_ADMIN, 'apply', await xlsx([header, ...good]));

    expect(preview.json).toMatchObject({ format: 'xlsx', rowCount: 3, invalidRows: 1 });
    expect(errorsOf(preview)).toEqual(['4:unitId']);
    expect(applied.json).toMatchObject({ finished: true, stored: 2 });
    const items = (await recordItems()).filter((item) => String(item.projNo).startsWith('XL-'));
    expect(items.map((item) => item.finishedAt)).toEqual([FINISHED_UTC, FINISHED_UTC]);
  });

  it('leaves no mobile number in the ops table or the audit log', async () => {
    for (const table of [t.tables.ops, t.tables.audit]) {
      const text = JSON.stringify(await scanTable(t.doc, table));
      // A number on its own, not 11 digits inside a hex id or a fingerprint.
      expect(text, table).not.toMatch(/(?<![0-9A-Za-z])1[3-9]\d{9}(?![0-9A-Za-z])/);
    }
  });
});

// 20,000 rows take ~120 s against DynamoDB Local on this machine (one transaction per row), so the
// integration test writes 6,000; imports.test.ts checks the chunking of a full 3 MiB file with fakes.
describe('a 6,000-row file', () => {
  it('is written chunk by chunk, each request moving the progress on, and finishes with every row stored once', { timeout: 180_000 }, async () => {
    // Prepare
    const lines = [HEADER];
    for (let i = 0; i < 6_000; i++) lines.push(`BIG-${String(i).padStart(6, '0')},d1,,不动产抵押登记,,${FINISHED},${['窗口', '网上', '自助'][i % 3]},个人,`);
    const upload = { body: `${lines.join('\r\n')}\r\n`, isBase64Encoded: false };
    const started = performance.now();

    // Act: each call does one chunk of 1,500 rows (no time budget), as the page's 继续导入 does.
    const progress: number[] = [];
    let answer = await applyServiceRecordImport(t.runtime, COUNTY_ADMIN, upload, { budgetMs: 0, chunkRows: 1_500 });
    progress.push(answer.done);
    while (!answer.finished) {
      answer = await applyServiceRecordImport(t.runtime, COUNTY_ADMIN, upload, { budgetMs: 0, chunkRows: 1_500 });
      progress.push(answer.done);
    }
    const seconds = (performance.now() - started) / 1000;
    const replay = await applyServiceRecordImport(t.runtime, COUNTY_ADMIN, upload, { budgetMs: 0, chunkRows: 1_500 });

    // Assess
    expect(progress).toEqual([1_500, 3_000, 4_500, 6_000]);
    expect(answer).toMatchObject({ total: 6_000, done: 6_000, finished: true, stored: 6_000, unchanged: 0, conflict: 0, refused: 0 });
    expect(replay).toEqual(answer);
    expect((await recordItems()).filter((item) => String(item.projNo).startsWith('BIG-'))).toHaveLength(6_000);
    console.info(`6,000 办件 rows imported in ${seconds.toFixed(1)} s`);
  });
});
