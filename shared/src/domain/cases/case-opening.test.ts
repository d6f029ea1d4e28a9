import { describe, expect, it } from 'vitest';
import { caseOpening } from './case-opening.js';

describe('caseOpening', () => {
  it('opens a case for 非常不满意 and 不满意 only', () => {
    expect([5, 4, 3, 2, 1].map((level) => caseOpening(level, '2026-06-08') !== undefined)).toEqual([false, false, false, true, true]);
  });

  it('is due for verification a working day after the rating’s day, or the unit’s own number of days', () => {
    // Friday 2026-06-12 → Monday 06-15; Thursday 2026-09-24 → Monday 09-28 (中秋 and the weekend between).
    expect(caseOpening(1, '2026-06-12')).toEqual({ due: '2026-06-15', uncoveredYears: [] });
    expect(caseOpening(2, '2026-09-24')).toEqual({ due: '2026-09-28', uncoveredYears: [] });
    expect(caseOpening(2, '2026-09-24', 3)?.due).toBe('2026-09-30');
  });
});
