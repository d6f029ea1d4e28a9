import { describe, expect, it } from 'vitest';
import { demoCounty } from './demo-county.js';

describe('the demo county', () => {
  it('is the same on every machine, so the README can list its resident URLs', () => {
    const codes = demoCounty().windows.map((w) => w.code);
    expect(codes.slice(0, 3)).toEqual(['bzwgttxf', 'j2axns6u', 'ejre7c8p']);
    expect(codes).toContain('nfschnyn');
  });

  it('has a unit tree of at least three levels, two halls and at least twelve staffed windows', () => {
    const county = demoCounty();
    expect(Math.max(...county.units.map((u) => u.path.length))).toBeGreaterThanOrEqual(3);
    expect(new Set(county.windows.map((w) => w.hallId)).size).toBe(2);
    expect(county.windows.length).toBeGreaterThanOrEqual(12);
    expect(county.windows.every((w) => w.staffOnDutyIds.length > 0)).toBe(true);
    expect(county.windows.every((w) => (w.serviceItems ?? []).length > 0)).toBe(true);
    expect(new Set(county.windows.map((w) => w.code)).size).toBe(county.windows.length);
  });

  it('puts every window in a hall of its own unit or of an ancestor, as administrators must', () => {
    const county = demoCounty();
    const units = new Map(county.units.map((u) => [u.id, u]));
    const halls = new Map(county.halls.map((h) => [h.id, h]));
    for (const window of county.windows) {
      expect(units.get(window.unitId)!.path, window.name).toContain(halls.get(window.hallId)!.unitId);
    }
  });
});
