import { describe, expect, it } from 'vitest';
import { emptyLevelCounts, type LevelCounts } from './level-counts.js';
import { buildReport, type DayBreakdown, type ReportFacts, type ReportSettings } from './report-build.js';
import { NATIONAL_DEFINITIONS } from './report-definitions.js';
import { isPeriodProblem, resolvePeriod } from './report-period.js';

/** Counts written high to low, like the reports print them: [5, 4, 3, 2, 1]. */
const levels = ([c5, c4, c3, c2, c1]: [number, number, number, number, number]): LevelCounts => ({ 5: c5, 4: c4, 3: c3, 2: c2, 1: c1 });
const add = (...parts: LevelCounts[]): LevelCounts => {
  const sum = emptyLevelCounts();
  for (const part of parts) for (const level of [1, 2, 3, 4, 5] as const) sum[level] += part[level];
  return sum;
};

const period = resolvePeriod({ period: 'month', month: '2026-10' }, new Date('2026-11-15T00:00:00Z'));
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
  extractedAt: '2026-11-15T00:00:00.000Z',
};

/** One window-day of one window: the named ratings per staff member, and those that named nobody (不确定). */
function day(staff: Record<string, LevelCounts>, unsure: LevelCounts): DayBreakdown {
  const attributed = add(...Object.values(staff));
  return { windowCode: 'w1', day: '2026-10-08', counts: add(attributed, unsure), attributed, staff, serviceItems: {}, reasons: {}, suspect: levels([0, 0, 0, 0, 0]), upheld: levels([0, 0, 0, 0, 0]), cases: {} };
}

function committeeReport(days: DayBreakdown[]) {
  const facts: ReportFacts = {
    scope: { unitId: 'u', name: '测试局', path: ['u'], window: { code: 'w1', name: '1号窗口' } },
    groups: [],
    windows: [{ code: 'w1', name: '1号窗口' }],
    staffNames: new Map([['a', '王静'], ['b', '李强']]),
    days,
  };
  return buildReport(facts, settings);
}

describe('buildReport: attribution (decision 0012)', () => {
  it('counts each named rating for that one person, and says how many of the ratings named anybody', () => {
    const report = committeeReport([day({ a: levels([2, 2, 1, 0, 1]), b: levels([2, 2, 0, 1, 0]) }, levels([2, 2, 1, 1, 0]))]);

    expect(report.byStaff.map((cell) => [cell.label, cell.n])).toEqual([
      ['李强', 5],
      ['王静', 6],
    ]);
    expect(report.attribution).toEqual({
      ratings: { n: 17, suppressed: null },
      attributed: { n: 11, suppressed: null },
      text: {
        zh: '本期 17 条评价中 11 条由评价人指明了工作人员；人员统计只含指明的评价。',
        en: 'Of the 17 ratings in this period, 11 named the staff member who served the resident; staff figures count only those.',
      },
    });
  });

  it('prints "<5" for fewer than 5 named ratings, and hides the staff rows under it', () => {
    const report = committeeReport([day({ a: levels([1, 1, 0, 0, 1]) }, levels([5, 3, 1, 1, 0]))]);

    expect(report.attribution.attributed).toEqual({ n: null, suppressed: 'small-group' });
    expect(report.attribution.text.zh).toBe('本期 13 条评价中 <5 条由评价人指明了工作人员；人员统计只含指明的评价。');
    expect(report.byStaff).toEqual([expect.objectContaining({ key: 'a', n: null, suppressed: 'small-group' })]);
  });

  it('hides the named count when the rest (不确定) is a small group that total − named would give away', () => {
    const report = committeeReport([day({ a: levels([3, 2, 1, 0, 0]), b: levels([2, 2, 1, 0, 0]) }, levels([0, 0, 0, 2, 1]))]);

    expect(report.summary.n).toBe(14);
    expect(report.attribution.attributed).toEqual({ n: null, suppressed: 'complementary' });
    expect(report.attribution.text.zh).not.toMatch(/11/);
    expect(report.attribution.text.zh).toContain('已隐藏');
    // Shown staff rows would add up to the hidden named count: they go too.
    expect(report.byStaff.every((cell) => cell.suppressed !== null && cell.n === null)).toBe(true);
  });

  it('on a staff member’s own report, hides the named count when it would show that 1 to 4 ratings named colleagues', () => {
    const own = levels([3, 2, 1, 0, 1]);
    const facts = (colleagues: LevelCounts): ReportFacts => ({
      scope: { unitId: 'u', name: '王静（工号 T0001）', path: ['u'] },
      groups: [],
      windows: [{ code: 'w1', name: '1号窗口' }],
      staffNames: new Map(),
      days: [{ windowCode: 'w1', day: '2026-10-08', counts: own, attributed: own, staff: {}, serviceItems: {}, reasons: {}, suspect: levels([0, 0, 0, 0, 0]), upheld: levels([0, 0, 0, 0, 0]), cases: {} }],
      ownAttribution: { ratings: add(own, colleagues, levels([6, 3, 1, 0, 0])), attributed: add(own, colleagues) },
    });

    const fewOthers = buildReport(facts(levels([1, 1, 0, 1, 0])), settings);
    const manyOthers = buildReport(facts(levels([3, 2, 0, 1, 0])), settings);

    expect(fewOthers.summary.n).toBe(7);
    expect(fewOthers.attribution.ratings).toEqual({ n: 20, suppressed: null });
    expect(fewOthers.attribution.attributed).toEqual({ n: null, suppressed: 'complementary' });
    expect(manyOthers.attribution).toMatchObject({ ratings: { n: 23 }, attributed: { n: 13, suppressed: null } });
    expect(manyOthers.attribution.text.zh).toBe('本期范围内共 23 条评价，其中 13 条由评价人指明了工作人员；您的统计只含指明您本人的评价。');
  });

  it('writes the counting rule into the notes: one person per rating, never everyone on duty', () => {
    const report = committeeReport([day({ a: levels([5, 0, 0, 0, 0]) }, levels([5, 0, 0, 0, 0]))]);
    const note = report.notes.find((n) => n.zh.startsWith('按人员统计'))!;
    expect(note.zh).toContain('每条评价至多计入一人');
    expect(report.notes.some((n) => n.zh.includes('在岗的每一位'))).toBe(false);
  });
});
