import { describe, expect, it } from 'vitest';
import type { LevelCounts } from './level-counts.js';
import { appealsShape } from './report-appeals.js';
import { buildReport, selectChannel, type ReportSettings, type WindowDayTotalsLike } from './report-build.js';
import { defineRateSet, NATIONAL_DEFINITIONS, type RateDefinitionSet } from './report-definitions.js';
import { isPeriodProblem, resolvePeriod } from './report-period.js';

/**
 * 申诉成立 in the report (issue 15 §2): a rating whose appeal was upheld is taken out of every number
 * under definitions that say so, stays under those that count it, and the report says how many.
 * Hand-computed: window w1, October 2026, 20 ratings (10 非常满意, 4 满意, 2 基本满意, 3 不满意,
 * 1 非常不满意), of which the appeals of 2 不满意 (one naming s1) and 1 非常不满意 were upheld.
 */

const levels = ([c5, c4, c3, c2, c1]: [number, number, number, number, number]): LevelCounts => ({ 5: c5, 4: c4, 3: c3, 2: c2, 1: c1 });

const period = resolvePeriod({ period: 'month', month: '2026-10' }, new Date('2026-11-15T00:00:00Z'));
if (isPeriodProblem(period)) throw new Error(period.message);

const settingsWith = (definitions: RateDefinitionSet): ReportSettings => ({
  period,
  channel: 'all',
  definitions,
  scoreMap: [100, 80, 60, 40, 20],
  minN: 10,
  k: 5,
  commentsK: 10,
  scheme: { weight: 30, basis: 'satisfied', zeroAt: 0.8, fullAt: 1 },
  reasonLabels: {},
  extractedAt: '2026-11-15T00:00:00.000Z',
});

const COUNTED = defineRateSet({ id: 'keep', name: '照常计入口径', goodLevels: [5, 4, 3], satisfiedLevels: [5, 4], upheldAppeals: 'counted' });

const channel = (counts: LevelCounts, staff: Record<string, LevelCounts>, reasons: Record<string, number>) => {
  const attributed = levels([0, 0, 0, 0, 0]);
  for (const person of Object.values(staff)) for (const level of [1, 2, 3, 4, 5] as const) attributed[level] += person[level];
  return { counts, attributed, staff, serviceItems: { '': counts }, reasons, suspect: levels([0, 0, 0, 0, 0]) };
};

const all = levels([10, 4, 2, 3, 1]);
const upheld = levels([0, 0, 0, 2, 1]);
const day: WindowDayTotalsLike = {
  windowCode: 'w1',
  day: '2026-10-08',
  counts: all,
  channels: { 'window-qr': channel(all, { s1: levels([6, 2, 0, 2, 0]) }, { RUDE: 3, SLOW: 2 }) },
  upheld: { counts: upheld, channels: { 'window-qr': channel(upheld, { s1: levels([0, 0, 0, 1, 0]) }, { RUDE: 2, SLOW: 1 }) } },
};

const report = (definitions: RateDefinitionSet) =>
  buildReport(
    {
      scope: { unitId: 'u', name: '县', path: ['u'] },
      groups: [],
      windows: [{ code: 'w1', name: '1号窗口' }],
      staffNames: new Map([['s1', '张三']]),
      days: [selectChannel(day, 'all', definitions.upheldAppeals)],
    },
    settingsWith(definitions),
  );

describe('upheld appeals in the report', () => {
  it('takes them out of every number under the national definitions: 17 ratings, 满意率 14/17, staff, items and reasons without them', () => {
    const national = report(NATIONAL_DEFINITIONS);
    expect(national.summary.n).toBe(17);
    expect(national.summary.counts).toEqual({ '5': 10, '4': 4, '3': 2, '2': 1, '1': 0 });
    expect(national.summary.satisfiedRate!.numerator).toBe(14);
    expect(national.summary.satisfiedRate!.value).toBeCloseTo(14 / 17, 10);
    expect(national.summary.goodRate!.value).toBeCloseTo(16 / 17, 10);
    // (10×100 + 4×80 + 2×60 + 1×40) ÷ 17
    expect(national.summary.meanScore).toBeCloseTo(1480 / 17, 10);
    expect(national.byStaff.map((cell) => [cell.label, cell.n])).toEqual([['张三', 9]]);
    expect(national.byServiceItem[0]!.n).toBe(17);
    expect(national.topReasons.map((reason) => [reason.code, reason.count])).toEqual([
      ['RUDE', 1],
      ['SLOW', 1],
    ]);
    expect(national.appeals).toMatchObject({ n: null, suppressed: 'small-group', upheldAppeals: 'excluded' });
    expect(national.appeals.text.zh).toBe('本期有 少于 5 条评价经上级单位申诉复核认定成立，按本口径不计入评价数、比率、平均分及各项分类统计。');
    expect(national.definitions.satisfied.formula.zh).toBe('满意率 =（非常满意 + 满意）÷ 有效评价数（不含可疑评价和申诉成立的评价）');
  });

  it('leaves them in under definitions that count them, and still says how many', () => {
    const counted = report(COUNTED);
    expect(counted.summary.n).toBe(20);
    expect(counted.summary.satisfiedRate!.value).toBeCloseTo(14 / 20, 10);
    expect(counted.byStaff[0]!.n).toBe(10);
    expect(counted.topReasons.map((reason) => reason.count)).toEqual([3, 2]);
    expect(counted.appeals).toMatchObject({ n: null, suppressed: 'small-group', upheldAppeals: 'counted' });
    expect(counted.appeals.text.zh).toContain('按本口径照常计入各项统计');
    expect(COUNTED.satisfied.formula.zh).toBe('满意率 =（非常满意 + 满意）÷ 有效评价数（不含可疑评价；申诉成立的评价照常计入）');
  });

  it('never changes the reader’s own objects when it takes the upheld part out', () => {
    const before = JSON.stringify(day);
    selectChannel(day, 'window-qr', 'excluded');
    selectChannel(day, 'all', 'excluded');
    expect(JSON.stringify(day)).toBe(before);
  });

  it('counts under the report’s rule: none, fewer than k, k or more, and nothing on a staff member’s own report', () => {
    expect(appealsShape(0, 'excluded', 5, 'committee')).toMatchObject({ n: 0, suppressed: null, text: { zh: '本期没有申诉成立的评价。' } });
    expect(appealsShape(4, 'excluded', 5, 'committee')).toMatchObject({ n: null, suppressed: 'small-group' });
    expect(appealsShape(6, 'counted', 5, 'committee')).toMatchObject({ n: 6, suppressed: null, text: { zh: '本期有 6 条评价经上级单位申诉复核认定成立，按本口径照常计入各项统计。' } });
    expect(appealsShape(6, 'excluded', 5, 'own')).toMatchObject({ n: null, suppressed: null, text: { zh: '申诉成立的评价不计入任何人员的统计。' } });
  });
});
