import { describe, expect, it } from 'vitest';
import type { StoredAuditEntry } from '../../data/audit.js';
import { auditCsv, neutraliseCell } from './audit-csv.js';

describe('audit CSV', () => {
  it('prefixes a single quote to cells starting with = + - @ tab or CR', () => {
    for (const cell of ['=1+1', '+86', '-1', '@SUM(A1)', '\tx', '\rx']) expect(neutraliseCell(cell)).toBe(`'${cell}`);
  });

  it('leaves other cells alone', () => {
    for (const cell of ['admin', '登录失败', '1=1', ' =x', '']) expect(neutraliseCell(cell)).toBe(cell);
  });

  it('starts with a UTF-8 byte-order mark and a header, quotes commas and neutralises every column', () => {
    const entry: StoredAuditEntry = {
      id: 'a1',
      day: '2026-11-22',
      at: '2026-11-22T01:00:00.000Z',
      actor: '=HYPERLINK("http://x")',
      role: '',
      action: 'login.failed',
      objectType: 'account',
      objectId: '@evil',
      result: 'denied',
      detail: 'wrong password, twice',
    };
    const csv = auditCsv([entry]);
    expect(csv.charCodeAt(0)).toBe(0xfeff);
    const [header, row] = csv.slice(1).split('\r\n');
    expect(header).toBe('at,actor,role,action,objectType,objectId,unitId,result,detail');
    expect(row).toBe(`2026-11-22T01:00:00.000Z,"'=HYPERLINK(""http://x"")",,login.failed,account,'@evil,,denied,"wrong password, twice"`);
  });
});
