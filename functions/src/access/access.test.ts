import { describe, expect, it } from 'vitest';
import { ForbiddenError } from '../errors.js';
import type { Principal } from '../auth/principal.js';
import type { AuditEntry } from '../data/audit.js';
import { authorize, can, isInScope } from './index.js';

const county = { path: ['jn', 'jn-qh', 'jn-qh-lj'] };
const department = { path: ['jn', 'jn-qh', 'jn-qh-lj', 'lj-rs'] };
const otherCounty = { path: ['jn', 'jn-qh', 'jn-qh-hx'] };
const as = (role: Principal['role'], unitId: string): Principal => ({ username: 'u', role, unitId });
const attempt = { action: 'report.read', objectType: 'unit', objectId: 'jn' };
const auditOnly = (entries: AuditEntry[] = []) => ({ audit: { append: async (entry: AuditEntry) => void entries.push(entry) }, now: () => new Date('2026-12-06T00:00:00Z') });

describe('scope', () => {
  it('lets a unit admin see their unit and everything below it', () => {
    expect(isInScope(as('unit-admin', 'jn-qh-lj'), county)).toBe(true);
    expect(isInScope(as('unit-admin', 'jn-qh-lj'), department)).toBe(true);
  });

  it('hides sibling and parent units from a unit admin', () => {
    expect(isInScope(as('unit-admin', 'jn-qh-lj'), otherCounty)).toBe(false);
    expect(isInScope(as('unit-admin', 'lj-rs'), county)).toBe(false);
  });

  it('lets a system admin see every unit, and nobody see a unit that does not exist', () => {
    expect(isInScope(as('system-admin', 'lj-rs'), otherCounty)).toBe(true);
    expect(isInScope(as('system-admin', 'lj-rs'), undefined)).toBe(false);
  });
});

describe('permissions', () => {
  it('keeps the auditor to the audit log and the committee to reading', () => {
    expect(can(as('auditor', 'jn'), 'audit:read')).toBe(true);
    expect(can(as('auditor', 'jn'), 'results:read')).toBe(false);
    expect(can(as('committee', 'jn'), 'results:read')).toBe(true);
    expect(can(as('committee', 'jn'), 'org:write')).toBe(false);
    expect(can(as('system-admin', 'jn'), 'audit:read')).toBe(false);
  });

  it('refuses with a ForbiddenError', async () => {
    await expect(authorize(auditOnly(), as('staff', 'lj-rs'), 'results:read', attempt)).rejects.toThrow(ForbiddenError);
  });
});
