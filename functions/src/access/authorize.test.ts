import { describe, expect, it } from 'vitest';
import type { Principal } from '../auth/principal.js';
import type { AuditEntry } from '../data/audit.js';
import type { UnitRecord } from '../data/units.js';
import type { WindowRecord } from '../data/windows.js';
import { ForbiddenError, NotFoundError } from '../errors.js';
import { authorize } from './authorize.js';

const units = new Map<string, UnitRecord>([
  ['lj', { id: 'lj', name: '历城区', parentId: null, path: ['lj'] }],
  ['lj-rs', { id: 'lj-rs', name: '人社局', parentId: 'lj', path: ['lj', 'lj-rs'] }],
  ['lj-sj', { id: 'lj-sj', name: '市场监管局', parentId: 'lj', path: ['lj', 'lj-sj'] }],
]);
const window = (code: string, unitId: string): WindowRecord => ({ code, unitId, hallId: '', name: code, active: true, staffOnDutyIds: [], surveyId: 's', surveyVersion: 1, unitPath: units.get(unitId)!.path });
const windows = new Map([['rs000001', window('rs000001', 'lj-rs')], ['sj000001', window('sj000001', 'lj-sj')]]);

function deps() {
  const entries: AuditEntry[] = [];
  return {
    entries,
    audit: { append: async (entry: AuditEntry) => void entries.push(entry) },
    now: () => new Date('2026-12-06T02:00:00Z'),
    units: { get: async (id: string) => units.get(id) },
    windows: { get: async (code: string) => windows.get(code) },
  };
}
const rsAdmin: Principal = { username: 'rs.admin', role: 'unit-admin', unitId: 'lj-rs' };
const attempt = { action: 'window.read', objectType: 'window', objectId: 'x' };

describe('authorize', () => {
  it('returns the object in scope and audits nothing', async () => {
    const d = deps();
    const found = await authorize(d, rsAdmin, 'org:read', attempt, { window: 'rs000001', field: 'code' });
    expect(found.window.code).toBe('rs000001');
    expect(found.unit.id).toBe('lj-rs');
    expect(d.entries).toEqual([]);
  });

  it('answers a window of another unit exactly like a missing one, and audits each refusal once', async () => {
    const d = deps();
    const foreign = await authorize(d, rsAdmin, 'org:read', attempt, { window: 'sj000001', field: 'code' }).catch((error: unknown) => error);
    const missing = await authorize(d, rsAdmin, 'org:read', attempt, { window: 'zz000000', field: 'code' }).catch((error: unknown) => error);
    expect(foreign).toBeInstanceOf(NotFoundError);
    expect((foreign as NotFoundError).message).toBe((missing as NotFoundError).message);
    expect(d.entries.map((e) => [e.result, e.unitId, e.detail])).toEqual([
      ['denied', 'lj-sj', 'code out of scope'],
      ['not-found', undefined, 'code not found'],
    ]);
  });

  it('refuses a role without the permission with 403 before reading anything, audited once', async () => {
    const d = deps();
    let reads = 0;
    d.units.get = async (id) => (reads++, units.get(id));
    await expect(authorize(d, { ...rsAdmin, role: 'committee' }, 'org:write', attempt, { unit: 'lj-rs', field: 'unitId' })).rejects.toThrow(ForbiddenError);
    expect(reads).toBe(0);
    expect(d.entries).toHaveLength(1);
    expect(d.entries[0]).toMatchObject({ actor: 'rs.admin', role: 'committee', result: 'denied', detail: 'role lacks org:write' });
  });

  it('keeps a window inside the subtree the caller chose (`within`)', async () => {
    const d = deps();
    const admin: Principal = { username: 'lj.admin', role: 'unit-admin', unitId: 'lj' };
    await expect(authorize(d, admin, 'results:read', attempt, { window: 'sj000001', field: 'window', within: units.get('lj-rs')! })).rejects.toThrow(NotFoundError);
    expect(d.entries[0]).toMatchObject({ result: 'denied', detail: 'window out of scope' });
    const found = await authorize(d, admin, 'results:read', attempt, { window: 'sj000001', field: 'window', within: units.get('lj')! });
    expect(found.window.code).toBe('sj000001');
  });

  it('tells a missing unit from one out of scope in the audit only', async () => {
    const d = deps();
    await expect(authorize(d, rsAdmin, 'org:read', attempt, { unit: 'lj-sj', field: 'unitId' })).rejects.toThrow('unitId: no such unit');
    await expect(authorize(d, rsAdmin, 'org:read', attempt, { unit: 'nowhere', field: 'unitId' })).rejects.toThrow('unitId: no such unit');
    expect(d.entries.map((e) => `${e.result} ${e.unitId ?? '-'}`)).toEqual(['denied lj-sj', 'not-found -']);
  });
});
