import { describe, expect, it } from 'vitest';
import { movedPath, moveRefusal, planNewUnits } from './unit-tree.js';

const province = { id: 'p', path: ['p'] };
const city = { id: 'm', path: ['p', 'm'] };
const county = { id: 'c', path: ['p', 'm', 'c'] };
const otherCity = { id: 'm2', path: ['p', 'm2'] };

describe('moveRefusal', () => {
  it('allows a move under any unit outside the subtree', () => {
    expect(moveRefusal(city, otherCity)).toBeUndefined();
    expect(moveRefusal(county, otherCity)).toBeUndefined();
    expect(moveRefusal(city, null)).toBeUndefined();
  });

  it('refuses a move under the unit itself or any descendant', () => {
    expect(moveRefusal(city, city)).toBe('must not be the unit itself');
    expect(moveRefusal(city, county)).toBe('must not be a descendant of the unit');
    expect(moveRefusal(province, county)).toBe('must not be a descendant of the unit');
  });
});

describe('movedPath', () => {
  it('replaces the old root prefix with the new one and keeps the rest', () => {
    expect(movedPath(['p', 'm', 'c', 'd'], ['p', 'm', 'c'], ['p', 'm2', 'c'])).toEqual(['p', 'm2', 'c', 'd']);
    expect(movedPath(['p', 'm', 'c'], ['p', 'm', 'c'], ['q', 'c'])).toEqual(['q', 'c']);
  });
});

describe('planNewUnits', () => {
  const existing = new Map([['c', county]]);

  it('builds paths under existing units and under other rows, whatever the row order', () => {
    const plan = planNewUnits(
      [
        { id: 'section', parentId: 'bureau' },
        { id: 'bureau', parentId: 'c' },
      ],
      existing,
    );
    expect(plan.problems.size).toBe(0);
    expect(plan.paths.get('bureau')).toEqual(['p', 'm', 'c', 'bureau']);
    expect(plan.paths.get('section')).toEqual(['p', 'm', 'c', 'bureau', 'section']);
  });

  it('reports a parent that is neither existing nor a row, and everything hanging from it', () => {
    const plan = planNewUnits(
      [
        { id: 'a', parentId: 'nowhere' },
        { id: 'b', parentId: 'a' },
      ],
      existing,
    );
    expect(plan.problems.get('a')).toBe('parent-missing');
    expect(plan.problems.get('b')).toBe('parent-missing');
    expect(plan.paths.size).toBe(0);
  });

  it('reports cycles among rows, including a row that is its own parent', () => {
    const plan = planNewUnits(
      [
        { id: 'x', parentId: 'y' },
        { id: 'y', parentId: 'x' },
        { id: 'self', parentId: 'self' },
      ],
      existing,
    );
    expect(plan.problems.get('x')).toBe('cycle');
    expect(plan.problems.get('y')).toBe('cycle');
    expect(plan.problems.get('self')).toBe('cycle');
  });

  it('makes a row without a parent a root', () => {
    expect(planNewUnits([{ id: 'root', parentId: null }], existing).paths.get('root')).toEqual(['root']);
  });
});
