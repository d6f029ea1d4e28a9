import type { ReportCell, SatisfactionReport } from '../../shared/src/contracts/reports.js';
import { REPORT_DEFAULTS } from '../../shared/src/contracts/reports.js';
import type { LevelCounts } from '../../shared/src/domain/level-counts.js';
import { totalCount } from '../../shared/src/domain/level-counts.js';
import { suspectShape } from '../../shared/src/domain/report-suspect.js';
import { appealsShape } from '../../shared/src/domain/report-appeals.js';
import { computeRate, NATIONAL_GOOD_RATE, NATIONAL_SATISFIED_RATE } from '../../shared/src/domain/rates.js';

/**
 * Synthetic SatisfactionReport objects for the export renderers' tests and the export benchmark:
 * any number of windows, counts from a seeded generator (mulberry32), small groups suppressed the
 * way the report does it ("<5": no number at all), and optionally hostile names.
 */

export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SCORE = [100, 80, 60, 40, 20];

export function fixtureCell(key: string, label: string, counts: LevelCounts | null, suppressed: ReportCell['suppressed'] = null): ReportCell {
  if (suppressed || !counts) return { key, label, suppressed: suppressed ?? 'small-group', n: null, counts: null, goodRate: null, satisfiedRate: null, meanScore: null };
  const n = totalCount(counts);
  const meanScore = n === 0 ? null : ([5, 4, 3, 2, 1] as const).reduce((sum, level, i) => sum + counts[level] * SCORE[i]!, 0) / n;
  return {
    key,
    label,
    suppressed: null,
    n,
    counts: { ...counts },
    goodRate: computeRate(counts, NATIONAL_GOOD_RATE) as ReportCell['goodRate'],
    satisfiedRate: computeRate(counts, NATIONAL_SATISFIED_RATE) as ReportCell['satisfiedRate'],
    meanScore,
  };
}

function randomCounts(random: () => number, scale: number): LevelCounts {
  const draw = (weight: number) => Math.floor(random() * scale * weight);
  return { 5: draw(6), 4: draw(3), 3: draw(1), 2: draw(0.4), 1: draw(0.3) };
}

export interface FixtureOptions {
  windows: number;
  units?: number;
  seed?: number;
  /** Names given to the first unit, window and staff member (formula injection tests). */
  hostile?: { unit: string; window: string; staff: string };
}

export function fixtureReport(options: FixtureOptions): SatisfactionReport {
  const random = seeded(options.seed ?? 42);
  const unitCount = options.units ?? 5;
  const windows: ReportCell[] = [];
  for (let i = 0; i < options.windows; i++) {
    const name = i === 0 && options.hostile ? options.hostile.window : `第${i + 1}号窗口`;
    const small = random() < 0.1;
    windows.push(small ? fixtureCell(`w${String(i).padStart(7, '0')}`, name, null, 'small-group') : fixtureCell(`w${String(i).padStart(7, '0')}`, name, randomCounts(random, 20)));
  }
  const units = Array.from({ length: unitCount }, (_, i) =>
    fixtureCell(`u${i}`, i === 0 && options.hostile ? options.hostile.unit : `下级单位${i + 1}`, randomCounts(random, 200)),
  );
  units.push(fixtureCell('u-small', '小单位', null, 'small-group'), fixtureCell('u-comp', '互补隐藏单位', null, 'complementary'));
  const staff = [fixtureCell('s1', options.hostile?.staff ?? '王静', randomCounts(random, 30)), fixtureCell('s2', '李明', null, 'small-group')];
  const summaryCounts: LevelCounts = { 5: 0, 4: 0, 3: 0, 2: 0, 1: 0 };
  for (const cell of units) for (const level of [1, 2, 3, 4, 5] as const) summaryCounts[level] += cell.counts?.[level] ?? 0;
  const summary = fixtureCell('scope', '测试县政务服务中心', summaryCounts);
  const rank = (cells: ReportCell[]) => {
    const eligible = cells.filter((cell) => !cell.suppressed && (cell.n ?? 0) >= 30).sort((a, b) => b.satisfiedRate!.value! - a.satisfiedRate!.value!);
    return {
      basis: 'satisfied' as const,
      rows: eligible.map((cell, i) => ({
        rank: i + 1,
        key: cell.key,
        label: cell.label,
        n: cell.n!,
        value: cell.satisfiedRate!.value!,
        low: cell.satisfiedRate!.low!,
        high: cell.satisfiedRate!.high!,
        overlapsPrevious: i > 0 && cell.satisfiedRate!.high! >= eligible[i - 1]!.satisfiedRate!.low!,
      })),
      unranked: cells
        .filter((cell) => cell.suppressed || (cell.n ?? 0) < 30)
        .map((cell) => ({ key: cell.key, label: cell.label, reason: cell.suppressed ? ('suppressed' as const) : ('below-min-n' as const) })),
    };
  };
  const rate = summary.satisfiedRate!.value!;
  const points = Math.min(30, Math.max(0, ((rate - 0.8) / 0.2) * 30));
  return {
    scope: { unitId: 'jn-qh-lj', name: '测试县政务服务中心', path: ['jn', 'jn-qh', 'jn-qh-lj'] },
    period: { kind: 'month', label: { zh: '2026年10月', en: 'October 2026' }, from: '2026-10-01', to: '2026-10-31' },
    timeZone: 'Asia/Shanghai',
    channel: 'all',
    definitions: { id: 'national', name: { zh: '全国标准口径', en: 'National definition' }, good: NATIONAL_GOOD_RATE as never, satisfied: NATIONAL_SATISFIED_RATE as never, builtIn: true, upheldAppeals: 'excluded' },
    scoreMap: [...SCORE],
    minN: REPORT_DEFAULTS.minN,
    suppression: { k: 5, commentsK: 10, rule: { zh: '评价数少于5的单元格不显示数字与比率，并隐藏可用于推算的互补单元格', en: 'Cells under 5 ratings are hidden, with complementary cells' } },
    interval: { method: 'wilson', confidence: 0.95 },
    summary,
    topReasons: [
      { code: 'wait', label: { zh: '等候时间长', en: 'Long wait' }, count: 12 },
      { code: 'attitude', label: { zh: '服务态度差', en: 'Poor attitude' }, count: 5 },
    ],
    trend: [fixtureCell('2026-10', '2026年10月', summaryCounts)],
    byUnit: units,
    byWindow: windows,
    byStaff: staff,
    // s1's ratings and s2's hidden few named a staff member; the rest of the scope said 不确定.
    attribution: {
      ratings: { n: summary.n, suppressed: null },
      attributed: { n: staff[0]!.n! + 3, suppressed: null },
      text: {
        zh: `本期 ${summary.n} 条评价中 ${staff[0]!.n! + 3} 条由评价人指明了工作人员；人员统计只含指明的评价。`,
        en: `Of the ${summary.n} ratings in this period, ${staff[0]!.n! + 3} named the staff member who served the resident; staff figures count only those.`,
      },
    },
    // A burst at one window: 7 ratings past its threshold, counted apart (0016-burst-detector.md).
    suspect: suspectShape(7, 5, 'committee'),
    appeals: appealsShape(6, 'excluded', 5, 'committee'),
    byServiceItem: [fixtureCell('社保卡办理', '社保卡办理', randomCounts(random, 40)), fixtureCell('', '（未填服务事项）', null, 'small-group')],
    rankings: { units: rank(units), windows: rank(windows) },
    assessment: {
      scheme: { weight: 30, basis: 'satisfied', zeroAt: 0.8, fullAt: 1 },
      points,
      rate,
      arithmetic: { zh: `满意率 ${(rate * 100).toFixed(2)}% → (${(rate * 100).toFixed(2)} − 80) ÷ (100 − 80) × 30 = ${points.toFixed(2)} 分`, en: '' },
    },
    notes: [{ zh: '按人员统计只含评价人指明了为其服务的工作人员的评价', en: 'By staff, only ratings that named the staff member who served the resident count' }],
    extractedAt: '2026-11-01T02:03:04.000Z',
  };
}
