import { describe, expect, it } from 'vitest';
import { ForbiddenError } from '../errors.js';
import { can, inScope, requirePermission } from './authorization.js';
import type { Principal } from './principal.js';

const county = { path: ['jn', 'jn-qh', 'jn-qh-lj'] };
const department = { path: ['jn', 'jn-qh', 'jn-qh-lj', 'lj-rs'] };
const otherCounty = { path: ['jn', 'jn-qh', 'jn-qh-hx'] };
const as = (role: Principal['role'], unitId: string): Principal => ({ username: 'u', role, unitId });

describe('scope', () => {
  it('lets a unit admin see their unit and everything below it', () => {
    expect(inScope(as('unit-admin', 'jn-qh-lj'), county)).toBe(true);
    expect(inScope(as('unit-admin', 'jn-qh-lj'), department)).toBe(true);
  });

  it('hides sibling and parent units from a unit admin', () => {
    expect(inScope(as('unit-admin', 'jn-qh-lj'), otherCounty)).toBe(false);
    expect(inScope(as('unit-admin', 'lj-rs'), county)).toBe(false);
  });

  it('lets a system admin see every unit, and nobody see a unit that does not exist', () => {
    expect(inScope(as('system-admin', 'lj-rs'), otherCounty)).toBe(true);
    expect(inScope(as('system-admin', 'lj-rs'), undefined)).toBe(false);
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

  it('refuses with a ForbiddenError', () => {
    expect(() => requirePermission(as('staff', 'lj-rs'), 'results:read')).toThrow(ForbiddenError);
  });
});
