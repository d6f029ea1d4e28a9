import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Principal } from '../../functions/src/auth/principal.js';
import { createGateway } from '../../infra/local/gateway.js';
import { httpEvent } from '../support/http-events.js';
import { isolatedTables, type IsolatedTables } from '../support/isolated-tables.js';
import { call, type Reply } from './fixtures.js';

/**
 * Imports of units and staff: the file is the request body (as the gateway delivers it: text, or
 * base64 when it is not UTF-8). Preview writes nothing; apply writes every row or none.
 */

const endpoint = inject('dynamoEndpoint');
const gateway = createGateway();
let t: IsolatedTables;
let adminToken: string;
let countyToken: string;

const ADMIN: Principal = { username: 'import.admin', role: 'system-admin', unitId: 'jx' };
const COUNTY_ADMIN: Principal = { username: 'import.county', role: 'unit-admin', unitId: 'jx-a' };

beforeAll(async () => {
  t = await isolatedTables(endpoint);
  t.install();
  adminToken = (await t.runtime.tokens.issue(ADMIN, new Date())).token;
  countyToken = (await t.runtime.tokens.issue(COUNTY_ADMIN, new Date())).token;
  await t.runtime.units.put({ id: 'jx', name: '江夏省', parentId: null, path: ['jx'] });
  await t.runtime.units.put({ id: 'jx-a', name: '甲县', parentId: 'jx', path: ['jx', 'jx-a'] });
  await t.runtime.units.put({ id: 'jx-b', name: '乙县', parentId: 'jx', path: ['jx', 'jx-b'] });
});

afterAll(() => t?.close());

function upload(path: string, bytes: Buffer, token = adminToken): Promise<Reply> {
  let body: string;
  let isBase64Encoded = false;
  try {
    body = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    body = bytes.toString('base64');
    isBase64Encoded = true;
  }
  return call(gateway, httpEvent('POST', path, { body, isBase64Encoded, headers: { authorization: `Bearer ${token}`, 'content-type': 'text/csv' } }));
}

async function xlsx(rows: (string | number | boolean)[][]): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('人员');
  for (const row of rows) sheet.addRow(row);
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

describe('unit import', () => {
  it('reads a GBK-encoded CSV (as Chinese Excel saves it), previews every row, and creates the tree', async () => {
    // Prepare: a parent listed after its child, to show rows need no order.
    const csv = ['单位编码,单位名称,上级单位编码', 'jx-a-ks,甲县市场监管局登记科,jx-a-sj', 'jx-a-sj,甲县市场监督管理局,jx-a', ''].join('\r\n');
    const gbk = iconv.encode(csv, 'gbk');

    // Act
    const preview = await upload('/api/org/unit-imports/preview', gbk);
    const nothingYet = await t.runtime.units.get('jx-a-sj');
    const applied = await upload('/api/org/unit-imports/apply', gbk);

    // Assess
    expect(preview.status).toBe(200);
    expect(preview.json).toMatchObject({ kind: 'units', format: 'csv', encoding: 'gb18030', valid: true });
    expect(preview.json.rows).toEqual([
      { line: 2, values: { id: 'jx-a-ks', name: '甲县市场监管局登记科', parentId: 'jx-a-sj' }, errors: [] },
      { line: 3, values: { id: 'jx-a-sj', name: '甲县市场监督管理局', parentId: 'jx-a' }, errors: [] },
    ]);
    expect(nothingYet).toBeUndefined();
    expect(applied.status).toBe(201);
    expect(applied.json).toEqual({ kind: 'units', created: 2 });
    expect(await t.runtime.units.get('jx-a-ks')).toEqual({ id: 'jx-a-ks', name: '甲县市场监管局登记科', parentId: 'jx-a-sj', path: ['jx', 'jx-a', 'jx-a-sj', 'jx-a-ks'] });
  });

  it('reads UTF-8 with a BOM the same way', async () => {
    const csv = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('单位编码,单位名称,上级单位编码\njx-b-rs,乙县人社局,jx-b\n', 'utf8')]);
    const preview = await upload('/api/org/unit-imports/preview', csv);
    expect(preview.json.encoding).toBe('utf-8');
    expect(preview.json.rows[0].values).toEqual({ id: 'jx-b-rs', name: '乙县人社局', parentId: 'jx-b' });
  });

  it('writes nothing when any row is bad and names every bad row and its reason', async () => {
    // Prepare: row 2 is fine; 3 has no name; 4 repeats 2; 5 has an unknown parent; 6 an id with a slash; 7 already exists.
    const csv = [
      '单位编码,单位名称,上级单位编码',
      'jx-a-ok,好单位,jx-a',
      'jx-a-noname,,jx-a',
      'jx-a-ok,重复,jx-a',
      'jx-a-orphan,孤儿单位,nowhere',
      'bad/id,斜杠,jx-a',
      'jx-b,已存在,jx',
    ].join('\n');

    // Act
    const applied = await upload('/api/org/unit-imports/apply', Buffer.from(csv));
    const preview = await upload('/api/org/unit-imports/preview', Buffer.from(csv));

    // Assess
    expect(applied.status).toBe(400);
    const fields = applied.json.error.issues.map((issue: { field: string }) => issue.field);
    expect(fields).toEqual(['rows.3.name', 'rows.4.id', 'rows.5.parentId', 'rows.6.id', 'rows.7.id']);
    expect(await t.runtime.units.get('jx-a-ok')).toBeUndefined();
    expect(preview.json.valid).toBe(false);
    expect(preview.json.rows.map((row: { errors: unknown[] }) => row.errors.length)).toEqual([0, 1, 1, 1, 1, 1]);
    expect(preview.json.rows[3].errors[0].message).toMatch(/no such unit/);
  });

  it('treats a parent outside the importer\'s scope like a missing one', async () => {
    const csv = '单位编码,单位名称,上级单位编码\njx-b-x,乙县某局,jx-b\n';
    const applied = await upload('/api/org/unit-imports/apply', Buffer.from(csv), countyToken);
    expect(applied.status).toBe(400);
    expect(applied.json.error.issues).toEqual([{ field: 'rows.2.parentId', message: 'rows.2.parentId: no such unit' }]);
    expect(await t.runtime.units.get('jx-b-x')).toBeUndefined();
  });
});

describe('staff import', () => {
  it('reads an XLSX file and creates every staff member with their 工号', async () => {
    // Prepare
    const file = await xlsx([
      ['姓名', '工号', '所属单位编码', '岗位', '职责', '服务承诺', '是否党员'],
      ['赵静', 'JA001', 'jx-a', '综合受理员', '一窗受理', '首问负责', '是'],
      ['孙磊', 'JA002', 'jx-a', '帮办代办员', '帮办代办', '限时办结', '否'],
    ]);

    // Act
    const preview = await upload('/api/org/staff-imports/preview', file);
    const applied = await upload('/api/org/staff-imports/apply', file);

    // Assess
    expect(preview.json).toMatchObject({ kind: 'staff', format: 'xlsx', valid: true });
    expect(preview.json.rows[0].values).toEqual({ name: '赵静', staffNo: 'JA001', unitId: 'jx-a', post: '综合受理员', duties: '一窗受理', pledge: '首问负责', partyMember: true });
    expect(applied.status).toBe(201);
    const listed = await t.runtime.staff.listUnit('jx-a');
    expect(listed.items.map((s) => `${s.staffNo}:${s.name}:${s.partyMember}`)).toEqual(['JA001:赵静:true', 'JA002:孙磊:false']);
  });

  it('refuses the whole file when one 工号 is already used in the unit', async () => {
    const file = await xlsx([
      ['姓名', '工号', '所属单位编码', '岗位', '职责', '服务承诺', '是否党员'],
      ['钱芳', 'JA003', 'jx-a', '综合受理员', '', '', '否'],
      ['周强', 'JA001', 'jx-a', '综合受理员', '', '', '也许'],
    ]);
    const applied = await upload('/api/org/staff-imports/apply', file);
    expect(applied.status).toBe(400);
    expect(applied.json.error.issues.map((issue: { field: string }) => issue.field)).toEqual(['rows.3.partyMember', 'rows.3.staffNo']);
    expect((await t.runtime.staff.listUnit('jx-a')).items).toHaveLength(2);
  });

  it('refuses a file that is neither CSV nor XLSX with a 400 naming the file', async () => {
    const reply = await upload('/api/org/staff-imports/preview', Buffer.from([0x50, 0x4b, 0x03, 0x04, 0, 0, 0, 0, 1, 2, 3]));
    expect(reply.status).toBe(400);
    expect(reply.json.error.issues[0].field).toBe('file');
  });
});
