import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { countLevels, emptyLevelCounts, totalCount, type LevelCounts } from './level-counts.js';
import type { RatingLevel } from './rating-level.js';
import { buildReport, scopeGroups, selectChannel, SELF_KEY, type ReportCellShape, type ReportChannel, type ReportShape, type WindowDayTotalsLike } from './report-build.js';
import { NATIONAL_DEFINITIONS } from './report-definitions.js';
import { isPeriodProblem, resolvePeriod, type PeriodQuery } from './report-period.js';

/**
 * Drill S-1: over ≥ 1,000 random filter combinations on synthetic data full of small groups, no
 * cell under k is shown, no hidden cell can be recovered by subtracting visible rows from a
 * visible total, and the hidden rows together are never seen to have all given the same kind of
 * answer (issue 11, item 1). The checker below knows nothing of the suppression algorithm: it recounts every
 * cell from the raw ratings and tests what a reader of the report could compute.
 */

const K = 5;

interface Unit { id: string; name: string; path: string[] }
interface Window { code: string; name: string; unitPath: string[] }
/** `staff`: the one staff member the resident named (0012-attribution.md), or null for 不确定. */
interface Rating { window: string; day: string; level: RatingLevel; channel: string; staff: string | null; item: string; reasons: string[] }
interface World { units: Unit[]; windows: Window[]; ratings: Rating[] }

/** mulberry32: a tiny seeded generator, so the synthetic world is the same on every run. */
function random(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function world(seed: number): World {
  const next = random(seed);
  const pick = <T>(list: readonly T[]) => list[Math.floor(next() * list.length)]!;
  const units: Unit[] = [{ id: 'r', name: '县', path: ['r'] }];
  const childCount = 1 + Math.floor(next() * 4);
  for (let c = 0; c < childCount; c++) {
    units.push({ id: `c${c}`, name: `部门${c}`, path: ['r', `c${c}`] });
    const grand = Math.floor(next() * 3);
    for (let g = 0; g < grand; g++) units.push({ id: `c${c}g${g}`, name: `科室${c}${g}`, path: ['r', `c${c}`, `c${c}g${g}`] });
  }
  const windows: Window[] = [];
  units.forEach((unit) => {
    const count = Math.floor(next() * 3);
    for (let w = 0; w < count; w++) windows.push({ code: `${unit.id}w${w}`, name: `${unit.name}窗口${w}`, unitPath: unit.path });
  });
  if (windows.length === 0) windows.push({ code: 'rw0', name: '县窗口0', unitPath: ['r'] });
  // Many small groups: most windows get a handful of ratings, a few get many.
  const ratings: Rating[] = [];
  const staffPool = ['s1', 's2', 's3', 's4', 's5', 's6'];
  const items = ['', '社保登记', '医保报销', '不动产'];
  const reasons = ['RUDE', 'SLOW', 'OTHER'];
  for (const window of windows) {
    const count = next() < 0.2 ? 10 + Math.floor(next() * 40) : Math.floor(next() * 9);
    for (let i = 0; i < count; i++) {
      const month = pick(['2026-07', '2026-08', '2026-09', '2026-10']);
      const level = (1 + Math.floor(next() * 5)) as RatingLevel;
      ratings.push({
        window: window.code,
        day: `${month}-${String(1 + Math.floor(next() * 28)).padStart(2, '0')}`,
        level,
        channel: next() < 0.8 ? 'window-qr' : 'sampled',
        staff: next() < 0.55 ? pick(staffPool) : null,
        item: pick(items),
        reasons: level <= 2 ? reasons.filter(() => next() < 0.5) : [],
      });
    }
  }
  return { units, windows, ratings };
}

/** Window-day totals items as the rating transaction keeps them, with per-channel breakdowns. */
function totalsItems(ratings: readonly Rating[]): WindowDayTotalsLike[] {
  const items = new Map<string, WindowDayTotalsLike>();
  for (const r of ratings) {
    const key = `${r.window}|${r.day}`;
    const item = items.get(key) ?? { windowCode: r.window, day: r.day, counts: emptyLevelCounts(), channels: {} };
    items.set(key, item);
    item.counts[r.level] += 1;
    const part = (item.channels![r.channel] ??= { counts: emptyLevelCounts(), attributed: emptyLevelCounts(), staff: {}, serviceItems: {}, reasons: {} });
    part.counts[r.level] += 1;
    if (r.staff !== null) {
      part.attributed![r.level] += 1;
      (part.staff[r.staff] ??= emptyLevelCounts())[r.level] += 1;
    }
    (part.serviceItems[r.item] ??= emptyLevelCounts())[r.level] += 1;
    for (const code of r.reasons) part.reasons[code] = (part.reasons[code] ?? 0) + 1;
  }
  return [...items.values()];
}

interface Filter {
  seed: number;
  period: PeriodQuery;
  channel: ReportChannel;
  drill: 'none' | 'unit' | 'window';
  drillIndex: number;
}

const filters = fc.record({
  seed: fc.integer({ min: 1, max: 2 ** 31 - 1 }),
  period: fc.oneof(
    fc.constantFrom(...['2026-07', '2026-08', '2026-09', '2026-10'].map((month): PeriodQuery => ({ period: 'month', month }))),
    fc.constant<PeriodQuery>({ period: 'quarter', quarter: '2026-Q3' }),
    fc.constant<PeriodQuery>({ period: 'year', year: '2026' }),
    fc
      .tuple(fc.integer({ min: 0, max: 120 }), fc.integer({ min: 0, max: 60 }))
      .map(([start, length]): PeriodQuery => {
        const from = new Date(Date.UTC(2026, 6, 1 + start)).toISOString().slice(0, 10);
        const to = new Date(Date.UTC(2026, 6, 1 + start + length)).toISOString().slice(0, 10);
        return { period: 'custom', from, to };
      }),
  ),
  channel: fc.constantFrom<ReportChannel>('all', 'window-qr'),
  drill: fc.constantFrom<Filter['drill']>('none', 'unit', 'window'),
  drillIndex: fc.nat(),
}) satisfies fc.Arbitrary<Filter>;

function report(w: World, filter: Filter): { report: ReportShape; scopeWindows: Window[]; scope: Unit; window?: Window; from: string; to: string } {
  const period = resolvePeriod(filter.period, new Date('2026-10-15T00:00:00Z'));
  if (isPeriodProblem(period)) throw new Error(period.message);
  const scope = filter.drill === 'unit' ? w.units[filter.drillIndex % w.units.length]! : w.units[0]!;
  const inScope = w.windows.filter((x) => x.unitPath.includes(scope.id));
  const window = filter.drill === 'window' ? w.windows[filter.drillIndex % w.windows.length] : undefined;
  const scopeWindows = window ? [window] : inScope;
  const codes = new Set(scopeWindows.map((x) => x.code));
  const days = totalsItems(w.ratings.filter((r) => codes.has(r.window))).map((item) => selectChannel(item, filter.channel, 'excluded'));
  const children = w.units.filter((u) => u.path.length === scope.path.length + 1 && u.path[scope.path.length - 1] === scope.id);
  const shape = window
    ? { groups: [], windows: [{ code: window.code, name: window.name }] }
    : scopeGroups(scope, children, scopeWindows);
  const built = buildReport(
    { scope: { unitId: scope.id, name: scope.name, path: scope.path, ...(window ? { window: { code: window.code, name: window.name } } : {}) }, ...shape, staffNames: new Map(), days },
    {
      period,
      channel: filter.channel,
      definitions: NATIONAL_DEFINITIONS,
      scoreMap: [100, 80, 60, 40, 20],
      minN: 30,
      k: K,
      commentsK: 10,
      scheme: { weight: 30, basis: 'satisfied', zeroAt: 0.8, fullAt: 1 },
      reasonLabels: {},
      extractedAt: '2026-10-15T00:00:00.000Z',
    },
  );
  return { report: built, scopeWindows, scope, ...(window ? { window } : {}), from: period.from, to: period.to };
}

/** Level sets no hidden remainder may be seen to lie within, written out for the national definitions. */
const UNIFORM_SETS: RatingLevel[][] = [[5], [4], [3], [2], [1], [5, 4, 3], [2, 1], [5, 4], [3, 2, 1]];
const allWithin = (counts: LevelCounts, set: readonly RatingLevel[]) => totalCount(counts) > 0 && set.reduce((n, level) => n + counts[level], 0) === totalCount(counts);
/** A shown cell's counts as the report prints them. */
const totalCounts = (c: ReportCellShape): LevelCounts => ({ 5: c.counts!['5'], 4: c.counts!['4'], 3: c.counts!['3'], 2: c.counts!['2'], 1: c.counts!['1'] });
const subtract = (from: LevelCounts, parts: LevelCounts[]): LevelCounts => {
  const rest = { ...from };
  for (const part of parts) for (const level of [5, 4, 3, 2, 1] as const) rest[level] -= part[level];
  return rest;
};

/** The independent checker: true counts from raw ratings, then what a reader could derive. */
function check(w: World, filter: Filter): string[] {
  const { report: r, scopeWindows, scope, window, from, to } = report(w, filter);
  const problems: string[] = [];
  const codes = new Set(scopeWindows.map((x) => x.code));
  const rated = w.ratings.filter((x) => codes.has(x.window) && x.day >= from && x.day <= to && (filter.channel === 'all' || x.channel === filter.channel));
  const trueCounts = (pred: (x: Rating) => boolean): LevelCounts => countLevels(rated.filter(pred).map((x) => x.level));
  const depth = scope.path.length;
  const groupOf = (code: string) => {
    const win = w.windows.find((x) => x.code === code)!;
    return win.unitPath.length > depth ? win.unitPath[depth]! : SELF_KEY;
  };
  const truth = new Map<ReportCellShape, LevelCounts>();
  truth.set(r.summary, trueCounts(() => true));
  for (const c of r.byUnit) truth.set(c, trueCounts((x) => groupOf(x.window) === c.key));
  for (const c of r.byWindow) truth.set(c, trueCounts((x) => x.window === c.key));
  for (const c of r.trend) truth.set(c, trueCounts((x) => x.day.startsWith(c.key)));
  for (const c of r.byServiceItem) truth.set(c, trueCounts((x) => x.item === c.key));
  for (const c of r.byStaff) truth.set(c, trueCounts((x) => x.staff === c.key));
  // 1a. The attribution count: shown only at k or more, and then the true number of ratings that named anybody.
  const named = totalCount(trueCounts((x) => x.staff !== null));
  const a = r.attribution.attributed;
  if (a.suppressed === null && (a.n !== named || (named > 0 && named < K))) problems.push(`attributed: shows ${a.n}, true ${named}`);
  if (a.suppressed !== null && a.n !== null) problems.push('attributed: hidden but carries a number');
  if (r.attribution.ratings.n !== r.summary.n) problems.push('attribution: ratings differ from the summary');
  // 1b. The summary minus the named count (those who said 不确定) is no small group either.
  if (r.summary.n !== null && a.n !== null) {
    const unnamed = r.summary.n - a.n;
    if (unnamed > 0 && unnamed < K) problems.push(`attribution: ${unnamed} unnamed ratings derivable`);
  }

  // 1. Every shown cell has n = 0 or n ≥ k and the true numbers; every hidden cell has 0 < n and shows no number at all.
  for (const [c, counts] of truth) {
    const n = totalCount(counts);
    if (c.suppressed === null) {
      if (n > 0 && n < K) problems.push(`${c.key}: n=${n} shown`);
      if (c.n !== n || c.counts?.['5'] !== counts[5] || c.counts?.['1'] !== counts[1]) problems.push(`${c.key}: shows ${c.n}, true ${n}`);
    } else if (n === 0) {
      problems.push(`${c.key}: n=0 hidden (an empty cell is shown as 0)`);
    } else if (c.n !== null || c.counts !== null || c.goodRate !== null || c.satisfiedRate !== null || c.meanScore !== null) {
      problems.push(`${c.key}: hidden but carries numbers`);
    }
  }
  // 2. In every family, the visible total minus the visible rows recovers only the hidden rows'
  //    sum: it must be 0 (nobody to protect) or ≥ k over at least two non-empty rows.
  const families: [ReportCellShape, ReportCellShape[]][] = [];
  if (r.byUnit.length > 0) {
    families.push([r.summary, r.byUnit]);
    for (const u of r.byUnit) families.push([u, r.byWindow.filter((c) => groupOf(c.key) === u.key)]);
  } else families.push([r.summary, r.byWindow]);
  families.push([r.summary, r.trend], [r.summary, r.byServiceItem]);
  // Staff rows add up to the named count, which is printed as a number only.
  const namedCell = { key: 'attribution:named', suppressed: a.suppressed, n: a.n } as ReportCellShape;
  families.push([namedCell, r.byStaff]);
  for (const [total, rows] of families) {
    if (rows.length === 0) continue;
    if (total.suppressed !== null) {
      // Rows of 0 stay shown: they add nothing to the sum that would reveal the total.
      if (rows.some((c) => c.suppressed === null && c.n !== 0)) problems.push(`${total.key}: hidden total with shown rows`);
      continue;
    }
    const hidden = rows.filter((c) => c.suppressed !== null).map((c) => totalCount(truth.get(c)!));
    const sum = hidden.reduce((a, b) => a + b, 0);
    if (sum > 0 && (hidden.filter((n) => n > 0).length < 2 || sum < K)) problems.push(`${total.key}: hidden rows ${hidden.join('+')} derivable`);
    // The same difference, the way a reader would compute it from the report alone.
    const visibleSum = rows.filter((c) => c.suppressed === null).reduce((a, c) => a + c.n!, 0);
    if (total.n! - visibleSum !== sum) problems.push(`${total.key}: rows do not add up`);
    // 2b. Nor may that difference show hidden ratings that all gave the same kind of answer (one
    //     level; all 好评 or none; all 满意 or none) unless the visible total shows as much itself.
    //     By level, the way a reader subtracts. The named count is printed without its levels, so
    //     the staff rows' hidden remainder has no levels to subtract from.
    if (total === namedCell) continue;
    const visibleRows = rows.filter((c) => c.suppressed === null);
    const shownTotal = totalCounts(total);
    const rest = subtract(shownTotal, visibleRows.map(totalCounts));
    for (const set of UNIFORM_SETS) {
      if (allWithin(rest, set) && !allWithin(shownTotal, set)) problems.push(`${total.key}: the ${totalCount(rest)} hidden ratings all in levels ${set.join(',')}`);
    }
  }
  // 3. Nothing about a hidden scope leaks through reasons, rankings or the assessment.
  if (r.summary.suppressed !== null && (r.topReasons.length > 0 || r.assessment.points !== null)) problems.push('hidden scope shows reasons or points');
  for (const row of [...r.rankings.units.rows, ...r.rankings.windows.rows]) if (row.n < 30) problems.push(`${row.key}: ranked with n=${row.n}`);
  if (window && r.byWindow.length !== 1) problems.push('drill-down shows other windows');
  return problems;
}

describe('small-group suppression (drill S-1)', () => {
  it('shows no cell under 5 and lets none be derived, over 1,000 random filter combinations', () => {
    let hiddenSeen = 0;
    let complementarySeen = 0;
    let staffShown = 0;
    let attributedShown = 0;
    let zerosShown = 0;
    fc.assert(
      fc.property(filters, (filter) => {
        const w = world(filter.seed);
        const problems = check(w, filter);
        const { report: r } = report(w, filter);
        const cells = [r.summary, ...r.byUnit, ...r.byWindow, ...r.trend, ...r.byServiceItem, ...r.byStaff];
        hiddenSeen += cells.filter((c) => c.suppressed === 'small-group').length;
        complementarySeen += cells.filter((c) => c.suppressed === 'complementary').length;
        staffShown += r.byStaff.filter((c) => c.suppressed === null).length;
        if (r.attribution.attributed.n !== null) attributedShown++;
        zerosShown += cells.filter((c) => c.n === 0).length;
        expect(problems).toEqual([]);
      }),
      { seed: 20261015, numRuns: 1000 },
    );
    // The data really is full of small groups, and complementary suppression really happens.
    expect(hiddenSeen).toBeGreaterThan(5000);
    expect(complementarySeen).toBeGreaterThan(500);
    // And the staff checks are not vacuous: staff rows and the named count are shown often.
    expect(staffShown).toBeGreaterThan(250);
    expect(attributedShown).toBeGreaterThan(150);
    // Empty months, windows and items come up, shown as 0.
    expect(zerosShown).toBeGreaterThan(500);
  });
});
