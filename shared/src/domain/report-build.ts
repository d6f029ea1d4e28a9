import { emptyLevelCounts, mergeLevelCounts, totalCount, type LevelCounts } from './level-counts.js';
import { computeRate, type Rate } from './rates.js';
import { RATING_LEVELS } from './rating-level.js';
import { assess, type AssessmentResult, type AssessmentScheme } from './report-assessment.js';
import { ATTRIBUTION_CELLS, attributionShape, type AttributionShape } from './report-attribution.js';
import type { RateDefinitionSet, UpheldAppeals } from './report-definitions.js';
import { appealsShape, type AppealsShape } from './report-appeals.js';
import { caseMetricsShape, type CaseMetricsShape } from './report-cases.js';
import { addCaseCounters, type CaseCounters } from './cases/case-metrics.js';
import { monthLabel, type ReportPeriod } from './report-period.js';
import { rank, type RankingResult } from './report-ranking.js';
import { meanScore, type ScoreMap } from './report-score.js';
import { suspectShape, type SuspectShape } from './report-suspect.js';
import { suppress, uniformSets, type Suppression, type SuppressionFamily } from './report-suppression.js';

/**
 * The committee report, built from window-day running totals with no I/O: the use case reads the
 * totals and the org tree, this module does the arithmetic, suppression, rankings and assessment.
 * The shape is the SatisfactionReport contract's (shared/src/contracts/reports.ts).
 */

export type ReportChannel = 'all' | 'window-qr' | 'service-record';

/**
 * One window-day of the chosen channel, with its breakdowns — or, read from the rollups
 * (decision 0031), one window-month (`day` is the month's first day) or one unit's own windows
 * over a day or a month (`unitId` set; `windowCode` is then not a window and counts for none).
 */
export interface DayBreakdown {
  windowCode: string;
  /** Set on a unit rollup: the unit whose own windows this counts (a row of no window, no staff). */
  unitId?: string;
  day: string;
  counts: LevelCounts;
  /** Ratings that named the staff member who served the resident: what the staff rows add up to. */
  attributed: LevelCounts;
  staff: Record<string, LevelCounts>;
  serviceItems: Record<string, LevelCounts>;
  reasons: Record<string, number>;
  /** 可疑评价 (burst detector), counted apart: in none of the above (0016-burst-detector.md). */
  suspect: LevelCounts;
  /**
   * 申诉成立: the day's ratings whose appeal was upheld. Taken out of all of the above when the
   * definitions exclude them, left in when they count them; the report says how many either way.
   */
  upheld: LevelCounts;
  /** 差评整改: the counters of the cases the day's ratings opened (case-metrics.ts). */
  cases: CaseCounters;
  /** A year rollup (decision 0031): `counts` split by month (YYYY-MM), for the trend; absent otherwise. */
  months?: Record<string, LevelCounts>;
}

interface ChannelTotals {
  /** A year rollup's counts split by month (MM). */
  months?: Record<string, LevelCounts>;
  counts: LevelCounts;
  /** Absent on items written before attribution (docs/decisions/0012-attribution.md): none named. */
  attributed?: LevelCounts;
  staff: Record<string, LevelCounts>;
  serviceItems: Record<string, LevelCounts>;
  reasons: Record<string, number>;
  /** Absent on items written before the burst detector. */
  suspect?: LevelCounts;
  /** Absent on items written before the 差评 loop. */
  cases?: CaseCounters;
}

/** The shape of a window-day totals item as the data layer reads it. */
export interface WindowDayTotalsLike {
  windowCode: string;
  /** A unit's own windows (a unit rollup, decision 0031) rather than one window. */
  unitId?: string;
  day: string;
  counts: LevelCounts;
  channels?: Partial<Record<string, ChannelTotals>>;
  /** 申诉成立: the part of the above whose appeal was upheld; absent when none. */
  upheld?: { counts: LevelCounts; channels?: Partial<Record<string, ChannelTotals>> };
}

/** Adds `source` into `target` in place (never into `source`: its objects are copied on first sight). */
function addInto(target: Record<string, LevelCounts>, source: Record<string, LevelCounts>): void {
  for (const key in source) {
    const counts = source[key]!;
    const into = target[key];
    if (into) for (const level of RATING_LEVELS) into[level] += counts[level];
    else target[key] = { ...counts };
  }
}

/**
 * The part of a window-day a report on `channel` counts. Items written before the breakdowns
 * existed have counts only: every rating then came by window QR, and they add to the totals but
 * to no staff or service item row (npm run recount fills the breakdowns in).
 */
export function selectChannel(day: WindowDayTotalsLike, channel: ReportChannel, upheldAppeals: UpheldAppeals): DayBreakdown {
  const selected = selectChannelOnly(day, channel);
  if (!day.upheld) return selected;
  const upheld = selectChannelOnly({ windowCode: day.windowCode, day: day.day, ...day.upheld }, channel);
  if (upheldAppeals === 'counted') return { ...selected, upheld: upheld.counts };
  // Excluded: out of every number (new objects: the selected ones may be the reader's own).
  const minus = (from: LevelCounts, part: LevelCounts): LevelCounts => {
    const left = { ...from };
    for (const level of RATING_LEVELS) left[level] = Math.max(0, left[level] - part[level]);
    return left;
  };
  const minusEach = (from: Record<string, LevelCounts>, part: Record<string, LevelCounts>) => {
    const left: Record<string, LevelCounts> = {};
    for (const key in from) {
      const counts = part[key] ? minus(from[key]!, part[key]) : from[key]!;
      if (totalCount(counts) > 0) left[key] = counts;
    }
    return left;
  };
  const reasons: Record<string, number> = {};
  for (const code in selected.reasons) {
    const count = selected.reasons[code]! - (upheld.reasons[code] ?? 0);
    if (count > 0) reasons[code] = count;
  }
  return {
    ...selected,
    ...(selected.months ? { months: minusEach(selected.months, upheld.months ?? {}) } : {}),
    counts: minus(selected.counts, upheld.counts),
    attributed: minus(selected.attributed, upheld.attributed),
    staff: minusEach(selected.staff, upheld.staff),
    serviceItems: minusEach(selected.serviceItems, upheld.serviceItems),
    reasons,
    upheld: upheld.counts,
  };
}

function selectChannelOnly(day: WindowDayTotalsLike, channel: ReportChannel): DayBreakdown {
  const base = { windowCode: day.windowCode, ...(day.unitId !== undefined ? { unitId: day.unitId } : {}), day: day.day, upheld: NO_UPHELD };
  const parts: ChannelTotals[] = day.channels
    ? Object.entries(day.channels)
        .filter(([name, part]) => part !== undefined && (channel === 'all' || name === channel))
        .map(([, part]) => part!)
    : [];
  if (!day.channels) return { ...base, counts: { ...day.counts }, attributed: emptyLevelCounts(), staff: {}, serviceItems: {}, reasons: {}, suspect: emptyLevelCounts(), cases: {} };
  // One channel (today's case): its breakdowns as they are; nothing downstream writes into them.
  const year = day.day.slice(0, 4);
  if (parts.length === 1 && (channel !== 'all' || Object.keys(day.channels).length === 1)) {
    const part = parts[0]!;
    return {
      ...base,
      ...(part.months ? { months: monthsOfYear(year, [part]) } : {}),
      counts: channel === 'all' ? day.counts : part.counts,
      attributed: part.attributed ?? emptyLevelCounts(),
      staff: part.staff ?? {},
      serviceItems: part.serviceItems ?? {},
      reasons: part.reasons ?? {},
      suspect: part.suspect ?? emptyLevelCounts(),
      cases: part.cases ?? {},
    };
  }
  const staff: Record<string, LevelCounts> = {};
  const serviceItems: Record<string, LevelCounts> = {};
  const reasons: Record<string, number> = {};
  for (const part of parts) {
    addInto(staff, part.staff ?? {});
    addInto(serviceItems, part.serviceItems ?? {});
    for (const [code, count] of Object.entries(part.reasons ?? {})) reasons[code] = (reasons[code] ?? 0) + count;
  }
  const counts = channel === 'all' ? { ...day.counts } : mergeLevelCounts(parts.map((part) => part.counts));
  const attributed = mergeLevelCounts(parts.map((part) => part.attributed ?? emptyLevelCounts()));
  const suspect = mergeLevelCounts(parts.map((part) => part.suspect ?? emptyLevelCounts()));
  const cases: CaseCounters = {};
  for (const part of parts) addCaseCounters(cases, part.cases ?? {});
  const months = parts.some((part) => part.months) ? { months: monthsOfYear(year, parts) } : {};
  return { ...base, ...months, counts, attributed, staff, serviceItems, reasons, suspect, cases };
}

/** The parts' month splits (keyed MM) added up, keyed YYYY-MM. */
function monthsOfYear(year: string, parts: readonly ChannelTotals[]): Record<string, LevelCounts> {
  const months: Record<string, LevelCounts> = {};
  for (const part of parts) {
    for (const [month, counts] of Object.entries(part.months ?? {})) {
      const into = (months[`${year}-${month}`] ??= emptyLevelCounts());
      for (const level of RATING_LEVELS) into[level] += counts[level];
    }
  }
  return months;
}

const NO_UPHELD: LevelCounts = Object.freeze(emptyLevelCounts()) as LevelCounts;

export interface ReportFacts {
  scope: { unitId: string; name: string; path: string[]; window?: { code: string; name: string } };
  /** Rows of byUnit: the child units of the scope and "self" (the scope's own windows); empty for one window. */
  groups: { key: string; label: string; drill?: { unit?: string; window?: string } }[];
  /** Windows of the scope, each in one group (or in none, for a one-window report). */
  windows: { code: string; name: string; group?: string }[];
  /**
   * A scope too wide to list its windows (decision 0031): its figures come from the rollups of its
   * units' own windows, `unitGroups` names each unit's row (its child of the scope, or "self"), and
   * there are no window or staff rows. `windowsOver` is the bound the scope's windows exceed.
   */
  units?: { unitGroups: ReadonlyMap<string, string>; windowsOver: number };
  staffNames: ReadonlyMap<string, string>;
  days: readonly DayBreakdown[];
  /**
   * A staff member's own report (/me), whose cells are the ratings that named that person: the
   * attribution sentence then counts the ratings of the report's windows and how many of them
   * named anybody. Absent (committee reports): it counts the report's own days.
   */
  ownAttribution?: { ratings: LevelCounts; attributed: LevelCounts };
}

export interface ReportSettings {
  period: ReportPeriod;
  channel: ReportChannel;
  definitions: RateDefinitionSet;
  scoreMap: ScoreMap;
  minN: number;
  k: number;
  commentsK: number;
  scheme: AssessmentScheme;
  reasonLabels: Readonly<Record<string, { zh: string; en: string }>>;
  extractedAt: string;
}

export interface ReportCellShape {
  key: string;
  label: string;
  drill?: { unit?: string; window?: string };
  suppressed: Suppression | null;
  n: number | null;
  counts: { '1': number; '2': number; '3': number; '4': number; '5': number } | null;
  goodRate: Rate | null;
  satisfiedRate: Rate | null;
  meanScore: number | null;
}

export interface ReportShape {
  scope: ReportFacts['scope'];
  period: { kind: ReportPeriod['kind']; label: { zh: string; en: string }; from: string; to: string };
  timeZone: 'Asia/Shanghai';
  channel: ReportChannel;
  definitions: RateDefinitionSet;
  scoreMap: number[];
  minN: number;
  suppression: { k: number; commentsK: number; rule: { zh: string; en: string } };
  interval: { method: 'wilson'; confidence: 0.95 };
  summary: ReportCellShape;
  topReasons: { code: string; label: { zh: string; en: string }; count: number }[];
  trend: ReportCellShape[];
  byUnit: ReportCellShape[];
  byWindow: ReportCellShape[];
  /** A scope too wide to list its windows (decision 0031): no window or staff rows. */
  wideScope?: { windowsOver: number };
  byStaff: ReportCellShape[];
  /** How many ratings in scope named the staff member who served them (the staff rows count only those). */
  attribution: AttributionShape;
  /** How many 可疑评价 the period had: counted apart, in no other number. */
  suspect: SuspectShape;
  /** How many ratings' appeals were upheld (申诉成立), and whether the definitions took them out. */
  appeals: AppealsShape;
  /** 差评整改 metrics of the scope, its units and windows; absent on a staff member's own report. */
  cases?: CaseMetricsShape;
  byServiceItem: ReportCellShape[];
  rankings: { units: RankingResult<AssessmentScheme['basis']>; windows: RankingResult<AssessmentScheme['basis']> };
  assessment: AssessmentResult;
  notes: { zh: string; en: string }[];
  extractedAt: string;
}

const TOP_REASONS = 10;
export const SELF_KEY = 'self';
export const NO_SERVICE_ITEM_LABEL = '（未选择事项）';

const byLabel = (a: { label: string; key: string }, b: { label: string; key: string }) =>
  a.label.localeCompare(b.label, 'zh-CN') || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);

export function buildReport(facts: ReportFacts, settings: ReportSettings): ReportShape {
  // Aggregate every dimension from the window-days.
  const windowGroup = new Map(facts.windows.map((w) => [w.code, w.group]));
  const total = emptyLevelCounts();
  const attributed = emptyLevelCounts();
  const perWindow = new Map<string, LevelCounts>(facts.windows.map((w) => [w.code, emptyLevelCounts()]));
  const perGroup = new Map<string, LevelCounts>(facts.groups.map((g) => [g.key, emptyLevelCounts()]));
  const perMonth = new Map<string, LevelCounts>(settings.period.months.map((m) => [m, emptyLevelCounts()]));
  const perStaff: Record<string, LevelCounts> = {};
  const perItem: Record<string, LevelCounts> = {};
  const reasons: Record<string, number> = {};
  const casesTotal: CaseCounters = {};
  const casesPerWindow = new Map<string, CaseCounters>(facts.windows.map((w) => [w.code, {}]));
  const casesPerGroup = new Map<string, CaseCounters>(facts.groups.map((g) => [g.key, {}]));
  let suspect = 0;
  let upheld = 0;
  const add = (target: LevelCounts | undefined, counts: LevelCounts) => {
    if (target) for (const level of RATING_LEVELS) target[level] += counts[level];
  };
  const unitGroups = facts.units?.unitGroups;
  for (const day of facts.days) {
    const ofUnit = day.unitId !== undefined;
    if (ofUnit ? !unitGroups?.has(day.unitId!) : !perWindow.has(day.windowCode)) continue;
    if (day.day < settings.period.from || day.day > settings.period.to) continue;
    add(total, day.counts);
    add(attributed, day.attributed);
    suspect += totalCount(day.suspect);
    upheld += totalCount(day.upheld);
    if (!ofUnit) add(perWindow.get(day.windowCode), day.counts);
    const group = ofUnit ? unitGroups!.get(day.unitId!) : windowGroup.get(day.windowCode);
    if (group !== undefined) add(perGroup.get(group), day.counts);
    if (day.months) for (const [month, counts] of Object.entries(day.months)) add(perMonth.get(month), counts);
    else add(perMonth.get(day.day.slice(0, 7)), day.counts);
    addInto(perStaff, day.staff);
    addInto(perItem, day.serviceItems);
    for (const [code, count] of Object.entries(day.reasons)) reasons[code] = (reasons[code] ?? 0) + count;
    addCaseCounters(casesTotal, day.cases);
    if (!ofUnit) addCaseCounters(casesPerWindow.get(day.windowCode)!, day.cases);
    if (group !== undefined) addCaseCounters(casesPerGroup.get(group) ?? {}, day.cases);
  }

  // Cells by id, then suppression over the families they form.
  interface Draft {
    id: string;
    key: string;
    label: string;
    drill?: { unit?: string; window?: string };
    counts: LevelCounts;
  }
  const summaryKey = facts.scope.window?.code ?? facts.scope.unitId;
  const summaryLabel = facts.scope.window ? facts.scope.window.name : facts.scope.name;
  const summary: Draft = { id: 'total', key: summaryKey, label: summaryLabel, counts: total };
  const units: Draft[] = facts.groups.map((g) => ({ id: `unit:${g.key}`, key: g.key, label: g.label, ...(g.drill ? { drill: g.drill } : {}), counts: perGroup.get(g.key)! }));
  const windows: Draft[] = facts.windows
    .map((w) => ({ id: `window:${w.code}`, key: w.code, label: w.name, drill: { unit: facts.scope.unitId, window: w.code }, counts: perWindow.get(w.code)! }))
    .sort(byLabel);
  const trend: Draft[] = settings.period.months.map((m) => ({ id: `month:${m}`, key: m, label: monthLabel(m).zh, counts: perMonth.get(m)! }));
  // Sorted by label, never by n: the order of hidden rows must not tell which is bigger.
  const items: Draft[] = Object.entries(perItem)
    .map(([name, counts]) => ({ id: `item:${name}`, key: name, label: name === '' ? NO_SERVICE_ITEM_LABEL : name, counts }))
    .sort(byLabel);
  const staff: Draft[] = Object.entries(perStaff)
    .map(([id, counts]) => ({ id: `staff:${id}`, key: id, label: facts.staffNames.get(id) ?? id, counts }))
    .sort(byLabel);

  // Attribution: the ratings in scope split into those that named a staff member (what the staff
  // rows add up to) and the rest, each a family of the suppression like any other breakdown.
  const own = facts.ownAttribution;
  const scopeRatings: Draft = own ? { id: ATTRIBUTION_CELLS.ratings, key: '', label: '', counts: own.ratings } : summary;
  const namedCounts = own ? own.attributed : attributed;
  const named: Draft = { id: ATTRIBUTION_CELLS.named, key: '', label: '', counts: namedCounts };
  const unnamedCounts = emptyLevelCounts();
  for (const level of RATING_LEVELS) unnamedCounts[level] = scopeRatings.counts[level] - namedCounts[level];
  const unnamed: Draft = { id: ATTRIBUTION_CELLS.unnamed, key: '', label: '', counts: unnamedCounts };

  const all = [summary, ...units, ...windows, ...trend, ...items, ...staff, ...(own ? [scopeRatings] : []), named, unnamed];
  const n = new Map(all.map((d) => [d.id, totalCount(d.counts)]));
  const families: SuppressionFamily[] = [];
  const ids = (drafts: Draft[]) => drafts.map((d) => d.id);
  if (units.length > 0) {
    families.push({ total: 'total', rows: ids(units) });
    for (const group of facts.groups) {
      families.push({ total: `unit:${group.key}`, rows: facts.windows.filter((w) => w.group === group.key).map((w) => `window:${w.code}`) });
    }
  } else if (windows.length > 0) {
    families.push({ total: 'total', rows: ids(windows) });
  }
  for (const rows of [trend, items]) if (rows.length > 0) families.push({ total: 'total', rows: ids(rows) });
  families.push({ total: scopeRatings.id, rows: [named.id, unnamed.id] });
  if (staff.length > 0) families.push({ total: named.id, rows: ids(staff) });
  // Hidden rows together must not be uniform either (all one level, all 好评 or none, all 满意 or none).
  const uniform = { counts: new Map(all.map((d) => [d.id, d.counts])), sets: uniformSets(settings.definitions.good.levels, settings.definitions.satisfied.levels) };
  const hidden = suppress(n, families, settings.k, uniform);
  // On a staff member's own report, named − own = the ratings that named colleagues: a small one
  // (1 to k − 1) must not be derivable, so the named count goes instead of the person's own figures.
  const others = totalCount(named.counts) - totalCount(summary.counts);
  if (own && !hidden.has(summary.id) && !hidden.has(named.id) && others > 0 && others < settings.k) hidden.set(named.id, 'complementary');
  const countOf = (draft: Draft) => {
    const suppressed = hidden.get(draft.id) ?? null;
    return { n: suppressed ? null : totalCount(draft.counts), suppressed };
  };

  const cell = (draft: Draft): ReportCellShape => {
    const suppressed = hidden.get(draft.id) ?? null;
    const base = { key: draft.key, label: draft.label, ...(draft.drill ? { drill: draft.drill } : {}), suppressed };
    if (suppressed) return { ...base, n: null, counts: null, goodRate: null, satisfiedRate: null, meanScore: null };
    const c = draft.counts;
    return {
      ...base,
      n: totalCount(c),
      counts: { '1': c[1], '2': c[2], '3': c[3], '4': c[4], '5': c[5] },
      goodRate: computeRate(c, settings.definitions.good),
      satisfiedRate: computeRate(c, settings.definitions.satisfied),
      meanScore: meanScore(c, settings.scoreMap),
    };
  };

  const summaryCell = cell(summary);
  const unitCells = units.map(cell);
  const windowCells = windows.map(cell);
  const basis = settings.scheme.basis;
  const rateOf = (c: ReportCellShape) => (basis === 'satisfied' ? c.satisfiedRate : c.goodRate);
  const rankable = (cells: ReportCellShape[]) => cells.map((c) => ({ key: c.key, label: c.label, suppressed: c.suppressed, n: c.n, rate: rateOf(c) }));

  return {
    scope: facts.scope,
    period: { kind: settings.period.kind, label: settings.period.label, from: settings.period.from, to: settings.period.to },
    timeZone: 'Asia/Shanghai',
    channel: settings.channel,
    definitions: settings.definitions,
    scoreMap: [...settings.scoreMap],
    minN: settings.minN,
    suppression: { k: settings.k, commentsK: settings.commentsK, rule: suppressionRule(settings.k, settings.commentsK) },
    interval: { method: 'wilson', confidence: 0.95 },
    summary: summaryCell,
    topReasons:
      summaryCell.suppressed === null
        ? Object.entries(reasons)
            .filter(([, count]) => count > 0)
            .sort(([a, x], [b, y]) => y - x || (a < b ? -1 : 1))
            .slice(0, TOP_REASONS)
            .map(([code, count]) => ({ code, label: settings.reasonLabels[code] ?? { zh: code, en: code }, count }))
        : [],
    trend: trend.map(cell),
    byUnit: unitCells,
    byWindow: windowCells,
    ...(facts.units ? { wideScope: { windowsOver: facts.units.windowsOver } } : {}),
    byStaff: staff.map(cell),
    attribution: attributionShape(countOf(scopeRatings), countOf(named), settings.k, own ? 'own' : 'committee'),
    suspect: suspectShape(suspect, settings.k, own ? 'own' : 'committee'),
    appeals: appealsShape(upheld, settings.definitions.upheldAppeals, settings.k, own ? 'own' : 'committee'),
    ...(own
      ? {}
      : {
          cases: caseMetricsShape(
            { id: summary.id, key: summary.key, label: summary.label, counters: casesTotal },
            units.map((u) => ({ id: u.id, key: u.key, label: u.label, ...(u.drill ? { drill: u.drill } : {}), counters: casesPerGroup.get(u.key)! })),
            windows.map((w) => ({ id: w.id, key: w.key, label: w.label, ...(w.drill ? { drill: w.drill } : {}), counters: casesPerWindow.get(w.key)! })),
            // The families of units and windows (not months, items or staff: cases are not broken down by those).
            families.filter((family) => family.rows.every((row) => row.startsWith('unit:') || row.startsWith('window:'))),
            settings.k,
          ),
        }),
    byServiceItem: items.map(cell),
    rankings: {
      units: rank(rankable(unitCells.filter((c) => c.key !== SELF_KEY)), basis, settings.minN),
      windows: rank(rankable(windowCells), basis, settings.minN),
    },
    assessment: assess({ n: summaryCell.n, rate: rateOf(summaryCell)?.value ?? null, suppressed: summaryCell.suppressed !== null }, settings.scheme, settings.minN),
    notes: [...reportNotes(settings), ...(facts.units ? [wideScopeNote(facts.units.windowsOver)] : [])],
    extractedAt: settings.extractedAt,
  };
}

/** Printed with a report of a scope too wide to list its windows (decision 0031). */
export function wideScopeNote(windowsOver: number): { zh: string; en: string } {
  const bound = windowsOver.toLocaleString('en');
  return {
    zh: `本范围窗口超过 ${bound} 个，按单位汇总（各单位本级窗口的月度、日度汇总数据）；窗口和工作人员明细请下钻到下级单位查看。`,
    en: `This scope has more than ${bound} windows: its figures add up its units' own windows (monthly and daily rollups); drill down to a unit to see windows and staff.`,
  };
}

export function suppressionRule(k: number, commentsK: number): { zh: string; en: string } {
  return {
    zh: `评价数少于 ${k} 的单元格显示为“<${k}”，不显示数量和比率；为防止用合计减去其他单元格推算出小样本，或推算出被隐藏的评价全部相同（如全部满意），另有单元格一并隐藏（互补隐藏）；评价意见仅在 ${commentsK} 条及以上时显示。`,
    en: `Cells with fewer than ${k} ratings show "<${k}" with no counts and no rate; further cells are hidden so that subtracting visible cells from a total recovers neither a small group nor hidden ratings that all gave the same kind of answer (e.g. all satisfied) (complementary suppression); comments are shown only for groups of ${commentsK} or more.`,
  };
}

function reportNotes(settings: ReportSettings): { zh: string; en: string }[] {
  const d = settings.definitions;
  const [s5, s4, s3, s2, s1] = settings.scoreMap;
  return [
    { zh: `口径：${d.name.zh}（${d.id}）`, en: `Definitions: ${d.name.en} (${d.id})` },
    d.good.formula,
    d.satisfied.formula,
    {
      zh: '区间：Wilson 95% 置信区间（Wilson 1927；Newcombe 1998 方法 3）',
      en: 'Intervals: Wilson 95% score interval (Wilson 1927; method 3 of Newcombe 1998)',
    },
    {
      zh: `平均分 = Σ（各等级评价数 × 分值）÷ 有效评价数；分值：非常满意 ${s5}、满意 ${s4}、基本满意 ${s3}、不满意 ${s2}、非常不满意 ${s1}`,
      en: `Mean score = Σ (ratings of a level × its score) ÷ valid ratings; scores: very satisfied ${s5}, satisfied ${s4}, fairly satisfied ${s3}, dissatisfied ${s2}, very dissatisfied ${s1}`,
    },
    suppressionRule(settings.k, settings.commentsK),
    {
      zh: `排名：仅对评价数不少于 ${settings.minN} 且未隐藏的对象排名；与上一名的置信区间重叠时标注“差异不显著”`,
      en: `Rankings: only rows with at least ${settings.minN} ratings that are not suppressed are ranked; a row whose interval overlaps the row above is marked "difference not significant"`,
    },
    {
      zh: `考核折算：得分 = 权重 × 限定在 0 至 1 之间的（比率 − 零分线）÷（满分线 − 零分线）；评价数少于 ${settings.minN} 不折算`,
      en: `Assessment: points = weight × clamp((rate − zero line) ÷ (full line − zero line), 0, 1); no points below ${settings.minN} ratings`,
    },
    {
      zh: '按人员统计只含评价人指明了为其服务的工作人员的评价，每条评价至多计入一人；选择“不确定 / 未注意”的评价只计入窗口和单位；评价人可以指明工作人员之前的评价不计入任何人员',
      en: 'By staff, only ratings whose resident named the staff member who served them count, each for that one person; ratings marked "not sure" count for the window and unit only, and ratings given before residents could name anyone count for no staff member',
    },
    {
      zh: '时间按北京时间（Asia/Shanghai）计；数据取自按窗口按日的累计数，不读取单条评价',
      en: 'Days are China time (Asia/Shanghai); figures come from per-window daily running totals, never from single ratings',
    },
  ];
}

/**
 * The rows of byUnit for a unit scope: each child unit (its whole subtree) and, when the scope has
 * windows of its own, "本级" (key "self"). Each window goes to the child unit on its path.
 */
export function scopeGroups(
  scope: { name: string; path: readonly string[] },
  children: readonly { id: string; name: string }[],
  windows: readonly { code: string; name: string; unitPath: readonly string[] }[],
): Pick<ReportFacts, 'groups' | 'windows'> {
  const depth = scope.path.length;
  const childIds = new Set(children.map((child) => child.id));
  // A window whose path names no current child (a move half done) counts for the scope itself.
  const grouped = windows.map((w) => {
    const child = w.unitPath.length > depth ? w.unitPath[depth]! : undefined;
    return { code: w.code, name: w.name, group: child !== undefined && childIds.has(child) ? child : SELF_KEY };
  });
  const groups: ReportFacts['groups'] = [...children]
    .sort((a, b) => a.name.localeCompare(b.name, 'zh-CN') || (a.id < b.id ? -1 : 1))
    .map((child) => ({ key: child.id, label: child.name, drill: { unit: child.id } }));
  if (grouped.some((w) => w.group === SELF_KEY)) groups.unshift({ key: SELF_KEY, label: `本级（${scope.name}）` });
  return { groups, windows: grouped };
}
