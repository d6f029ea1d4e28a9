import { describe, expect, it } from 'vitest';
import { emptyLevelCounts, type LevelCounts } from './level-counts.js';
import { buildReport, type DayBreakdown, type ReportFacts, type ReportSettings } from './report-build.js';
import { NATIONAL_DEFINITIONS } from './report-definitions.js';
import { isPeriodProblem, resolvePeriod } from './report-period.js';

/**
 * Empty cells in a built report (issue 12, item 3): a month, window or unit with no ratings shows
 * 0, not "<5" — a zero tells nothing about a person — and never stands in as a complementary cell.
 */

/** Counts written high to low, like the reports print them: [5, 4, 3, 2, 1]. */
const levels = ([c5, c4, c3, c2, c1]: [number, number, number, number, number]): LevelCounts => ({ 5: c5, 4: c4, 3: c3, 2: c2, 1: c1 });

const period = resolvePeriod({ period: 'quarter', quarter: '2026-Q3' }, new Date('2026-10-15T00:00:00Z'));
if (isPeriodProblem(period)) throw new Error(period.message);
const settings: ReportSettings = {
  period,
  channel: 'all',
  definitions: NATIONAL_DEFINITIONS,
  scoreMap: [100, 80, 60, 40, 20],
  minN: 30,
  k: 5,
  commentsK: 10,
  scheme: { weight: 30, basis: 'satisfied', zeroAt: 0.8, fullAt: 1 },
  reasonLabels: {},
  extractedAt: '2026-10-15T00:00:00.000Z',
};

function day(windowCode: string, date: string, counts: LevelCounts): DayBreakdown {
  return { windowCode, day: date, counts, attributed: emptyLevelCounts(), staff: {}, serviceItems: { '': counts }, reasons: {}, suspect: emptyLevelCounts(), upheld: emptyLevelCounts(), cases: {} };
}

/** 县 with two departments: 甲 (windows a1, a2) and 乙 (window b1). */
function countyReport(days: DayBreakdown[]) {
  const facts: ReportFacts = {
    scope: { unitId: 'r', name: '县', path: ['r'] },
    groups: [
      { key: 'jia', label: '甲', drill: { unit: 'jia' } },
      { key: 'yi', label: '乙', drill: { unit: 'yi' } },
    ],
    windows: [
      { code: 'a1', name: 'a1', group: 'jia' },
      { code: 'a2', name: 'a2', group: 'jia' },
      { code: 'b1', name: 'b1', group: 'yi' },
    ],
    staffNames: new Map(),
    days,
  };
  return buildReport(facts, settings);
}

const cellOf = <T extends { key: string }>(cells: readonly T[], key: string): T => cells.find((cell) => cell.key === key)!;

describe('buildReport: empty cells', () => {
  it('shows a month with no ratings as n = 0, every count 0 and no rate', () => {
    // July and September had no ratings; August 12.
    const report = countyReport([day('a1', '2026-08-03', levels([4, 3, 2, 2, 1])), day('b1', '2026-08-20', levels([0, 0, 0, 0, 0]))]);
    expect(report.trend.map((cell) => [cell.key, cell.suppressed, cell.n])).toEqual([
      ['2026-07', null, 0],
      ['2026-08', null, 12],
      ['2026-09', null, 0],
    ]);
    expect(cellOf(report.trend, '2026-07')).toMatchObject({ counts: { '1': 0, '2': 0, '3': 0, '4': 0, '5': 0 }, goodRate: { value: null }, satisfiedRate: { value: null }, meanScore: null });
    // The empty window and department are shown as 0 too; none of them was hidden for the 12.
    expect(cellOf(report.byWindow, 'a2')).toMatchObject({ suppressed: null, n: 0 });
    expect(cellOf(report.byUnit, 'yi')).toMatchObject({ suppressed: null, n: 0 });
    expect(report.summary).toMatchObject({ suppressed: null, n: 12 });
  });

  it('shows an empty scope as 0, with no rate and no points', () => {
    const report = countyReport([]);
    expect(report.summary).toMatchObject({ suppressed: null, n: 0, satisfiedRate: { value: null } });
    expect([...report.trend, ...report.byUnit, ...report.byWindow].every((cell) => cell.suppressed === null && cell.n === 0)).toBe(true);
    expect(report.assessment.points).toBeNull();
  });

  it('still protects a small cell whose siblings are all empty: total − 0 − 0 is never a small group', () => {
    // 甲 has 3 ratings, all in a1, all in August; 乙 has 20. The empty months and a2 cover nothing,
    // so the months' family needs another non-empty row — there is none — and 甲 needs 乙 hidden.
    const report = countyReport([day('a1', '2026-08-03', levels([1, 1, 1, 0, 0])), day('b1', '2026-08-20', levels([8, 6, 3, 2, 1]))]);
    expect(cellOf(report.byUnit, 'jia')).toMatchObject({ suppressed: 'small-group', n: null });
    expect(cellOf(report.byUnit, 'yi')).toMatchObject({ suppressed: 'complementary', n: null });
    expect(cellOf(report.byWindow, 'a1')).toMatchObject({ suppressed: 'small-group' });
    expect(cellOf(report.byWindow, 'a2')).toMatchObject({ suppressed: null, n: 0 });
    expect(cellOf(report.byWindow, 'b1')).toMatchObject({ suppressed: 'complementary' });
    // August holds all 23: shown, since the summary shows 23 anyway; July and September are 0.
    expect(report.trend.map((cell) => cell.n)).toEqual([0, 23, 0]);
    expect(report.summary.n).toBe(23);
  });
});
