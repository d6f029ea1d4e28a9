import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { decodeCsvText, readImportTable, type ImportTable } from './import-file.js';
import { checkStaffRows, checkUnitRows, mapColumns, UNIT_COLUMNS } from './import-rows.js';

const table = (header: string[], ...rows: string[][]): ImportTable => ({
  format: 'csv',
  encoding: 'utf-8',
  header,
  rows: rows.map((cells, i) => ({ line: i + 2, cells })),
});

const county = { id: 'c', path: ['p', 'c'] };
const otherCounty = { id: 'x', path: ['p', 'x'] };
const unitContext = {
  existing: new Map([
    ['c', county],
    ['x', otherCounty],
  ]),
  inScope: (unit: { path: readonly string[] }) => unit.path.includes('c'),
  mayCreateRoots: false,
};

describe('decodeCsvText', () => {
  it('reads UTF-8 with and without a BOM, and GBK as GB18030', () => {
    const text = '单位编码,单位名称\nc1,临江县政务服务中心\n';
    expect(decodeCsvText(Buffer.from(text))).toEqual({ text, encoding: 'utf-8' });
    expect(decodeCsvText(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)]))).toEqual({ text, encoding: 'utf-8' });
    expect(decodeCsvText(iconv.encode(text, 'gbk'))).toEqual({ text, encoding: 'gb18030' });
  });

  it('reads characters outside GBK that GB18030 has (a rare surname character)', () => {
    const text = '姓名\n䶮\n';
    expect(decodeCsvText(iconv.encode(text, 'gb18030')).text).toBe(text);
  });
});

describe('readImportTable', () => {
  it('keeps row numbers of the file, skips empty lines and trims cells', async () => {
    const parsed = await readImportTable(Buffer.from('单位编码, 单位名称 ,上级单位编码\r\n\r\n c1 ,"临江县,政务",p\r\n'));
    expect(parsed.header).toEqual(['单位编码', '单位名称', '上级单位编码']);
    expect(parsed.rows).toEqual([{ line: 3, cells: ['c1', '临江县,政务', 'p'] }]);
  });
});

describe('mapColumns', () => {
  it('accepts the Chinese column names in any order and reports missing required ones', () => {
    expect(mapColumns(['单位名称', '单位编码'], UNIT_COLUMNS, ['id', 'name'])).toEqual({ columns: { name: 0, id: 1 }, missing: [] });
    expect(mapColumns(['名称'], UNIT_COLUMNS, ['id', 'name'])).toEqual({ columns: { name: 0 }, missing: ['id'] });
  });
});

describe('checkUnitRows', () => {
  const header = ['单位编码', '单位名称', '上级单位编码'];

  it('accepts rows under units in scope and under other rows', () => {
    const checked = checkUnitRows(table(header, ['c-a', '甲局', 'c'], ['c-a-1', '甲局一科', 'c-a']), unitContext);
    expect(checked.rows.every((row) => row.errors.length === 0)).toBe(true);
    expect(checked.paths.get('c-a-1')).toEqual(['p', 'c', 'c-a', 'c-a-1']);
  });

  it('names the field and the reason of every bad row', () => {
    const checked = checkUnitRows(
      table(header, ['c-a', '', 'c'], ['c/b', '乙局', 'c'], ['c-d', '丁局', 'x'], ['c-e', '戊局', ''], ['c', '重名', 'c'], ['c-f', '己局', 'c-f']),
      unitContext,
    );
    expect(checked.rows.map((row) => row.errors.map((e) => `${row.line}.${e.field}: ${e.message}`))).toEqual([
      ['2.name: is required'],
      ['3.id: must be 1–40 letters, digits, - or _'],
      ['4.parentId: no such unit'],
      ['5.parentId: is required'],
      ['6.id: already exists'],
      ['7.parentId: forms a cycle with other rows'],
    ]);
  });

  it('reports the second of two rows with the same code', () => {
    const checked = checkUnitRows(table(header, ['c-a', '甲局', 'c'], ['c-a', '甲局', 'c']), unitContext);
    expect(checked.rows[1]!.errors).toEqual([{ field: 'id', message: 'repeats row 2' }]);
  });
});

describe('checkStaffRows', () => {
  const header = ['姓名', '工号', '所属单位编码', '岗位', '职责', '服务承诺', '是否党员'];
  const context = { units: unitContext.existing, inScope: unitContext.inScope, takenStaffNos: new Map([['c', new Set(['T1'])]]) };

  it('reads 是/否 as party membership and accepts a complete row', () => {
    const checked = checkStaffRows(table(header, ['王静', 'T2', 'c', '受理员', '一窗受理', '首问负责', '是'], ['李强', 'T3', 'c', '受理员', '', '', '']), context);
    expect(checked.rows.map((row) => [row.values.partyMember, row.errors])).toEqual([
      [true, []],
      [false, []],
    ]);
  });

  it('refuses a used 工号, a unit out of scope, a missing post and an unreadable party flag', () => {
    const checked = checkStaffRows(table(header, ['王静', 'T1', 'c', '受理员', '', '', '否'], ['李强', 'T4', 'x', '', '', '', '也许']), context);
    expect(checked.rows.map((row) => row.errors.map((e) => e.field))).toEqual([['staffNo'], ['partyMember', 'post', 'unitId']]);
  });
});
