import { describe, expect, it } from 'vitest';
import { isAssessmentPeriod, periodLabel, periodsWithin, periodYear } from './accountability.js';

describe('assessment periods of the accountability register', () => {
  it('are a year, a quarter or a month', () => {
    expect(['2026', '2026-Q1', '2026-Q4', '2026-01', '2026-12'].map(isAssessmentPeriod)).toEqual([true, true, true, true, true]);
    expect(['26', '2026-Q5', '2026-Q0', '2026-13', '2026-00', '2026-1', '2026-H1', '1999', '2026-11-01', ''].map(isAssessmentPeriod)).toEqual(Array(10).fill(false));
  });

  it('list a quarter with its three months, a month alone, and everything of a year under the year', () => {
    expect(periodsWithin('2026-Q4')).toEqual(['2026-Q4', '2026-10', '2026-11', '2026-12']);
    expect(periodsWithin('2026-Q1')).toEqual(['2026-Q1', '2026-01', '2026-02', '2026-03']);
    expect(periodsWithin('2026-11')).toEqual(['2026-11']);
    expect(periodsWithin('2026')).toBeUndefined();
    expect(periodYear('2026-Q4')).toBe(2026);
  });

  it('read in Chinese', () => {
    expect(['2026', '2026-Q4', '2026-11', '2026-03'].map(periodLabel)).toEqual(['2026年', '2026年第四季度', '2026年11月', '2026年3月']);
  });
});
