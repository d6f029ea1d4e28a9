import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Principal } from '../../functions/src/auth/principal.js';
import { runSatisfactionReport } from '../../functions/src/use-cases/reports/satisfaction-report.js';
import { createGateway } from '../../infra/local/gateway.js';
import { seedWriter } from '../../infra/local/seed.js';
import { ReportQuery, type SatisfactionReport } from '../../shared/src/contracts/reports.js';
import { NATIONAL_SURVEY } from '../../shared/src/domain/national-survey.js';
import type { RatingLevel } from '../../shared/src/domain/rating-level.js';
import { isolatedTables, type IsolatedTables } from '../support/isolated-tables.js';
import { rateOnDay, STAFF_ID } from './fixtures.js';

/**
 * Reports read the coarsest totals that answer them (decision 0031): a narrow scope its closed
 * months from window-month rollups and the current month from window-days; a scope with more
 * windows than it lists, its units' rollups (O(units × months), no window-days). Either way the
 * numbers are those of the window-days: the same report object, suppression and all.
 */

const endpoint = inject('dynamoEndpoint');
const gateway = createGateway();
let t: IsolatedTables;
const NOW = new Date('2026-11-18T04:00:00Z');
const ROOT = 'rr-root';
const A = 'rr-a';
const A1 = 'rr-a1';
const B = 'rr-b';
const HALL = 'rr-hall';
/** Window → unit: the root has one of its own, A two and a sub-unit, B one. */
const WINDOWS: Record<string, string> = { rrroot01: ROOT, rraaaa01: A, rraaaa02: A, rra1a101: A1, rrbbbb01: B };
const committee: Principal = { username: 'rr.committee', role: 'committee', unitId: ROOT };

const rateAt = (windowCode: string, day: string, level: RatingLevel, extra: Record<string, unknown> = {}) => rateOnDay(gateway, t.runtime, { windowCode, day, level, extra });

beforeAll(async () => {
  t = await isolatedTables(endpoint, { now: () => NOW });
  t.install();
  const writer = seedWriter(t.runtime);
  await writer.putUnit({ id: ROOT, name: '测试市', parentId: null, path: [ROOT] });
  await writer.putUnit({ id: A, name: '甲县', parentId: ROOT, path: [ROOT, A] });
  await writer.putUnit({ id: A1, name: '甲县分中心', parentId: A, path: [ROOT, A, A1] });
  await writer.putUnit({ id: B, name: '乙县', parentId: ROOT, path: [ROOT, B] });
  await writer.putHall({ id: HALL, unitId: ROOT, name: '测试大厅', address: '测试路1号' });
  await writer.putStaff({ id: STAFF_ID, unitId: ROOT, staffNo: 'T0001', name: '王静', post: '综合受理员', duties: '一窗受理', pledge: '首问负责。', partyMember: false });
  for (const [code, unitId] of Object.entries(WINDOWS)) {
    const path = unitId === ROOT ? [ROOT] : unitId === A1 ? [ROOT, A, A1] : [ROOT, unitId];
    await writer.putWindow({ code, unitId, hallId: HALL, name: `窗口 ${code}`, active: true, staffOnDutyIds: [STAFF_ID], surveyId: NATIONAL_SURVEY.surveyId, surveyVersion: NATIONAL_SURVEY.version, unitPath: path });
  }
  // Six ratings a window in October (closed), on two days either side of the 15th, and in November (current).
  const levels: RatingLevel[] = [5, 5, 4, 3, 2, 1];
  for (const [w, code] of Object.keys(WINDOWS).entries()) {
    for (const [i, level] of levels.entries()) {
      await rateAt(code, i < 3 ? '2026-10-09' : '2026-10-21', level, i === 0 ? { staffId: STAFF_ID } : {});
      await rateAt(code, '2026-11-0' + String((w % 3) + 2), level === 1 ? 5 : level);
    }
  }
}, 240_000);
afterAll(() => t?.close());

const report = async (query: Record<string, string>, windowRowsLimit?: number) =>
  runSatisfactionReport({ ...t.runtime, ...(windowRowsLimit === undefined ? {} : { windowRowsLimit }) }, committee, ReportQuery.parse({ unit: ROOT, ...query }), NOW);

/** What a wide report must share with the narrow one: everything but the window and staff rows. */
function unitFigures(r: SatisfactionReport) {
  return {
    summary: r.summary,
    trend: r.trend,
    byUnit: r.byUnit,
    topReasons: r.topReasons,
    byServiceItem: r.byServiceItem,
    attribution: { ratings: r.attribution.ratings, attributed: r.attribution.attributed },
    suspect: r.suspect,
    appeals: r.appeals,
    cases: { summary: r.cases?.summary, byUnit: r.cases?.byUnit },
    rankings: r.rankings.units,
    assessment: r.assessment,
  };
}

describe('reports from rollups (decision 0031)', () => {
  it('reads a closed month of a narrow scope from window-month rollups: one item per window, the numbers of the ratings', async () => {
    const run = await report({ period: 'month', month: '2026-10' });
    expect(run.itemsRead).toBe(Object.keys(WINDOWS).length);
    expect(run.report.summary.counts).toEqual({ '1': 5, '2': 5, '3': 5, '4': 5, '5': 10 });
    expect(run.report.byWindow).toHaveLength(5);
    // A custom range of part of the month reads its days, and agrees.
    const days = await report({ period: 'custom', from: '2026-10-02', to: '2026-10-31' });
    expect(days.itemsRead).toBe(2 * Object.keys(WINDOWS).length);
    expect(days.report.summary.counts).toEqual(run.report.summary.counts);
    expect(days.report.byUnit).toEqual(run.report.byUnit);
  });

  it('reads the current month from the window-days, exact at every instant', async () => {
    const run = await report({ period: 'month', month: '2026-11' });
    expect(run.itemsRead).toBe(Object.keys(WINDOWS).length); // one day each
    expect(run.report.summary.n).toBe(30);
  });

  it('reads a scope wider than it lists from its units’ rollups, with the same figures, no window or staff rows, and says so', async () => {
    const queries: Record<string, string>[] = [{ period: 'month', month: '2026-10' }, { period: 'quarter', quarter: '2026-Q4' }, { period: 'year', year: '2026' }, { period: 'custom', from: '2026-10-15', to: '2026-11-30' }];
    for (const query of queries) {
      const narrow = await report(query);
      const wide = await report(query, 2);
      expect(unitFigures(wide.report), JSON.stringify(query)).toEqual(unitFigures(narrow.report));
      expect(wide.report.byWindow).toEqual([]);
      expect(wide.report.byStaff).toEqual([]);
      expect(wide.report.rankings.windows.rows).toEqual([]);
      expect(wide.report.notes.at(-1)!.zh).toContain('本范围窗口超过 2 个');
      expect(narrow.report.notes.some((note) => note.zh.includes('本范围窗口超过'))).toBe(false);
      expect(wide.windowsRead).toBe(0);
    }
    // O(units × months): four units, one month → at most four items; the October days → at most one per unit and day.
    expect((await report({ period: 'month', month: '2026-10' }, 2)).itemsRead).toBeLessThanOrEqual(4);
    expect((await report({ period: 'custom', from: '2026-10-15', to: '2026-10-31' }, 2)).itemsRead).toBeLessThanOrEqual(4);
    // A calendar year from the year rollups: one item per unit, its trend split by month.
    const year = await report({ period: 'year', year: '2026' }, 2);
    expect(year.itemsRead).toBe(4);
    expect(year.report.trend.filter((row) => (row.n ?? 0) > 0).map((row) => [row.key, row.n])).toEqual([
      ['2026-10', 30],
      ['2026-11', 30],
    ]);
  });

  it('shows the attributed count in a wide report while listing nobody, and hides small units as a narrow one does', async () => {
    const wide = (await report({ period: 'month', month: '2026-10' }, 2)).report;
    expect(wide.attribution.attributed.n).toBe(5);
    const sub = (await runSatisfactionReport({ ...t.runtime, windowRowsLimit: 0 }, committee, ReportQuery.parse({ unit: A, period: 'month', month: '2026-10' }), NOW)).report;
    // 甲县: its own two windows (12 ratings) and 甲县分中心 (6): both rows shown, the total 18.
    expect(sub.summary.n).toBe(18);
    expect(sub.byUnit.map((row) => [row.key, row.n])).toEqual([
      ['self', 12],
      [A1, 6],
    ]);
  });
});
