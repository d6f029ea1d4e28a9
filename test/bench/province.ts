import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { batchGetItems } from '../../functions/src/data/batch-get.js';
import { unitRollupKeys } from '../../functions/src/data/totals.js';
import type { Principal } from '../../functions/src/auth/principal.js';
import { createDocumentClient } from '../../functions/src/data/client.js';
import { createDataLayer } from '../../functions/src/data/index.js';
import { keys } from '../../functions/src/data/keys.js';
import { unitCounters, withMonthSplit } from '../../functions/src/data/rollups/rollup-layout.js';
import { ratingCounterNames } from '../../functions/src/data/window-day-counters.js';
import { dataTables } from '../../functions/src/data/tables.js';
import { unitIndexAttributes } from '../../functions/src/data/units.js';
import { runSatisfactionReport, type ReportRun } from '../../functions/src/use-cases/reports/satisfaction-report.js';
import { TOTALS_CONCURRENCY } from '../../functions/src/use-cases/reports/report-deps.js';
import { createTables } from '../../infra/local/create-tables.js';
import { startDynamoDbLocal } from '../../infra/local/dynamodb-local.js';
import { freePort } from '../../infra/local/ports.js';
import { NATIONAL_SURVEY } from '../../shared/src/domain/national-survey.js';
import type { RatingLevel } from '../../shared/src/domain/rating-level.js';
import { batchWrite, benchWindowItem, countCommands, seededRandom } from './dynamo.js';
import { markdownTable, median } from './stats.js';

/**
 * Section `province` of `npm run bench` (issue 16): the committee report of a 50,000-window province
 * for a month and for a year, read from the rollups of its units' own windows (decision 0031),
 * through the use case, against the bare DynamoDB Local ceiling (the same Queries, items counted and
 * dropped). The province: 16 cities × 10 counties × 10 departments, 1,777 units, the windows spread
 * over the 1,600 departments; a year of unit-month rollups and the unit-year ones beside them,
 * written as the consumer leaves them (levels, attribution, service items, reasons, case counters,
 * per channel; the year's per-level counts split by month). Targets: month ≤ 2 s, year ≤ 3 s
 * (median of 7).
 *
 * Knobs: BENCH_PROVINCE_SAMPLES=7, BENCH_PROVINCE_WINDOWS=50000.
 */
export const PROVINCE_MONTH_MAX_MS = 2000;
export const PROVINCE_YEAR_MAX_MS = 3000;

const YEAR = '2026';
const MONTHS = Array.from({ length: 12 }, (_, i) => `${YEAR}-${String(i + 1).padStart(2, '0')}`);
const ITEMS = ['社保登记', '医保报销', '不动产登记', '营业执照', '公积金提取', ''];
const REASONS = ['RUDE', 'SLOW', 'OTHER', 'MATERIALS'];

export interface ProvinceMeasure {
  label: string;
  runsMs: number[];
  medianMs: number;
  itemsRead: number;
  bareRunsMs: number[];
  bareMedianMs: number;
  bareItems: number;
  commands: Record<string, number>;
}

export interface ProvinceResult {
  windows: number;
  units: number;
  rollupItems: number;
  seedMs: number;
  samples: number;
  month: ProvinceMeasure;
  year: ProvinceMeasure;
  checks: { target: string; measured: string; status: 'pass' | 'FAIL' | 'info' }[];
}


export async function runProvince(options: { samples?: number; windows?: number; log: (line: string) => void }): Promise<ProvinceResult> {
  const { log } = options;
  const samples = Math.max(5, options.samples ?? 7);
  const windowCount = options.windows ?? 50_000;
  const dataDir = mkdtempSync(join(tmpdir(), 'manyi-bench-province-'));
  const port = await freePort();
  log(`province: starting DynamoDB Local on disk (${dataDir}) on port ${port} …`);
  const db = await startDynamoDbLocal({ port, dataDir, log: () => {} });
  const raw = new DynamoDBClient({ endpoint: db.endpoint, region: 'local', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  try {
    const tables = dataTables(await createTables(raw, 'benchprov'));
    const doc = createDocumentClient({ region: 'local', endpoint: db.endpoint });
    const data = createDataLayer(doc, tables);
    const next = seededRandom(16);
    const seedStarted = performance.now();

    // The tree: the province, 16 cities, 10 counties each, 10 departments each.
    const units: { id: string; name: string; parentId: string | null; path: string[] }[] = [{ id: 'pv', name: '基准省', parentId: null, path: ['pv'] }];
    const departments: { id: string; path: string[] }[] = [];
    for (let c = 0; c < 16; c++) {
      const city = { id: `pv-c${c}`, name: `第${c + 1}市`, parentId: 'pv', path: ['pv', `pv-c${c}`] };
      units.push(city);
      for (let k = 0; k < 10; k++) {
        const county = { id: `${city.id}-k${k}`, name: `${city.name}第${k + 1}县`, parentId: city.id, path: [...city.path, `${city.id}-k${k}`] };
        units.push(county);
        for (let d = 0; d < 10; d++) {
          const department = { id: `${county.id}-d${d}`, name: `${county.name}部门${d + 1}`, parentId: county.id, path: [...county.path, `${county.id}-d${d}`] };
          units.push(department);
          departments.push(department);
        }
      }
    }
    await batchWrite(doc, tables.ops, units.map((unit) => ({ ...keys.unit(unit.id), kind: 'unit', ...unit, ...unitIndexAttributes(unit) })));
    const windows = Array.from({ length: windowCount }, (_, i) => {
      const department = departments[i % departments.length]!;
      return { code: `p${String(i).padStart(7, '0')}`, unitId: department.id, unitPath: department.path };
    });
    await batchWrite(
      doc,
      tables.ops,
      windows.map((w) => benchWindowItem(w, NATIONAL_SURVEY.surveyId, NATIONAL_SURVEY.version)),
    );
    // A year of unit-month rollups: each department's windows, ~120 ratings a window and month
    // (window QR), and a tenth of that by 办件 link (service-record), counters as the consumer adds them.
    const windowsOf = new Map<string, number>();
    for (const w of windows) windowsOf.set(w.unitId, (windowsOf.get(w.unitId) ?? 0) + 1);
    const rollups: Record<string, unknown>[] = [];
    for (const department of departments) {
      // The year items the consumer keeps beside the months: the months added up, with their month split.
      const years = new Map<string, Record<string, number>>();
      for (const month of MONTHS) {
        for (const [channel, perWindow] of [['window-qr', 120], ['service-record', 12]] as const) {
          const counters: Record<string, number> = {};
          const ratings = Math.round((windowsOf.get(department.id) ?? 0) * perWindow * (0.5 + next()));
          // Counted in bulk: per level, then the breakdowns in proportion (the reader sums whatever is there).
          for (let r = 0; r < Math.min(ratings, 200); r++) {
            const level = (1 + Math.floor(next() * 5)) as RatingLevel;
            const weight = Math.max(1, Math.round(ratings / 200));
            const names = ratingCounterNames({ level, channel, servedBy: next() < 0.35 ? 'x' : undefined, serviceItem: ITEMS[Math.floor(next() * ITEMS.length)]!, reasons: level <= 2 ? [REASONS[Math.floor(next() * REASONS.length)]!] : [], comment: next() < 0.1 ? 'c' : undefined });
            for (const name of names) counters[name] = (counters[name] ?? 0) + weight;
          }
          if (channel === 'window-qr') Object.assign(counters, { [`${channel}|cs|opened`]: 40, [`${channel}|cs|handled`]: 36, [`${channel}|cs|onTime`]: 33 });
          rollups.push({ ...keys.unitMonthTotals(department.id, month, channel), unitId: department.id, month, channel, ...unitCounters(counters) });
          const year = years.get(channel) ?? {};
          for (const [name, value] of Object.entries(withMonthSplit(unitCounters(counters), month))) year[name] = (year[name] ?? 0) + value;
          years.set(channel, year);
        }
      }
      for (const [channel, counters] of years) rollups.push({ ...keys.unitYearTotals(department.id, YEAR, channel), unitId: department.id, year: YEAR, channel, ...counters });
    }
    await batchWrite(doc, tables.totals, rollups);
    const seedMs = performance.now() - seedStarted;
    log(`province: seeded ${units.length} units, ${windows.length} windows and ${rollups.length} unit-month rollups in ${(seedMs / 1000).toFixed(1)} s`);

    const commands = countCommands(doc);
    const deps = { ...data, now: () => new Date(`${YEAR}-12-20T04:00:00Z`) };
    const committee: Principal = { username: 'bench.province', role: 'committee', unitId: 'pv' };
    // The bare ceiling: the same BatchGetItem requests the report's reader sends (every unit's keys
    // of the period, every channel's), items counted and dropped.
    const bareRead = async (reads: { years?: string[]; months: string[] }) =>
      (await batchGetItems(doc, tables.totals, unitRollupKeys(units.map((unit) => unit.id), reads), { concurrency: TOTALS_CONCURRENCY })).length;

    const measure = async (label: string, query: Record<string, string>, range: { years?: string[]; months: string[] }): Promise<ProvinceMeasure> => {
      const build = () => runSatisfactionReport(deps, committee, { channel: 'all', definition: 'national', minN: 30, ...query } as never, deps.now());
      log(`province: ${label}: warm-up`);
      await build();
      await bareRead(range);
      const runsMs: number[] = [];
      const bareRunsMs: number[] = [];
      const perReport: Record<string, number> = {};
      let run: ReportRun | undefined;
      let bareItems = 0;
      for (let i = 0; i < samples; i++) {
        const before = { ...commands };
        let t = performance.now();
        run = await build();
        runsMs.push(Math.round(performance.now() - t));
        for (const [name, count] of Object.entries(commands)) perReport[name] = (perReport[name] ?? 0) + count - (before[name] ?? 0);
        t = performance.now();
        bareItems = await bareRead(range);
        bareRunsMs.push(Math.round(performance.now() - t));
        log(`province: ${label} ${i + 1}/${samples}: report ${runsMs.at(-1)} ms (${run.itemsRead} items), bare ${bareRunsMs.at(-1)} ms`);
      }
      const trendMonths = run!.report.trend.filter((row) => row.counts !== null && (row.n ?? 0) > 0).length;
      if (run!.report.byUnit.length !== 16 || run!.report.byWindow.length !== 0 || (run!.report.summary.n ?? 0) <= 0 || trendMonths !== run!.report.trend.length) {
        throw new Error(`province: unexpected report shape (${run!.report.byUnit.length} units, ${run!.report.byWindow.length} windows, ${trendMonths}/${run!.report.trend.length} months in the trend)`);
      }
      return {
        label,
        runsMs,
        medianMs: median(runsMs),
        itemsRead: run!.itemsRead,
        bareRunsMs,
        bareMedianMs: median(bareRunsMs),
        bareItems,
        commands: Object.fromEntries(Object.entries(perReport).filter(([, count]) => count > 0).map(([name, count]) => [name, Math.round(count / samples)])),
      };
    };

    const month = await measure('month', { period: 'month', month: `${YEAR}-10` }, { months: [`${YEAR}-10`] });
    const year = await measure('year', { period: 'year', year: YEAR }, { years: [YEAR], months: [] });
    const result: ProvinceResult = { windows: windows.length, units: units.length, rollupItems: rollups.length, seedMs: Math.round(seedMs), samples, month, year, checks: [] };
    // Per unit and channel: one item a month, or one for the whole calendar year.
    const itemsBound = (periods: number) => units.length * periods * 2;
    result.checks.push(
      { target: `Monthly report of a ${windows.length.toLocaleString('en')}-window province ≤ ${PROVINCE_MONTH_MAX_MS} ms (median of ${samples})`, measured: `${month.medianMs} ms`, status: month.medianMs <= PROVINCE_MONTH_MAX_MS ? 'pass' : 'FAIL' },
      { target: `Yearly report ≤ ${PROVINCE_YEAR_MAX_MS} ms (median of ${samples})`, measured: `${year.medianMs} ms`, status: year.medianMs <= PROVINCE_YEAR_MAX_MS ? 'pass' : 'FAIL' },
      {
        target: `Items read O(units × channels): month ≤ ${itemsBound(1).toLocaleString('en')}, year ≤ ${itemsBound(1).toLocaleString('en')} (year rollups); no window-day, no Scan`,
        measured: `${month.itemsRead} / ${year.itemsRead} items; ${(month.commands.ScanCommand ?? 0) + (year.commands.ScanCommand ?? 0)} Scans`,
        status: month.itemsRead <= itemsBound(1) && year.itemsRead <= itemsBound(1) && !month.commands.ScanCommand && !year.commands.ScanCommand ? 'pass' : 'FAIL',
      },
      { target: 'Report vs bare DynamoDB Local ceiling (the same BatchGetItem requests, 16 in flight)', measured: `month ${(month.medianMs / month.bareMedianMs).toFixed(2)}×, year ${(year.medianMs / year.bareMedianMs).toFixed(2)}×`, status: 'info' },
    );
    return result;
  } finally {
    raw.destroy();
    await db.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

export function provinceMarkdown(result: ProvinceResult): string {
  const row = (m: ProvinceMeasure) => [
    [`${m.label}: report through the use case`, `${m.medianMs} ms`, m.runsMs.join(', '), m.itemsRead],
    [`${m.label}: bare DynamoDB Local, the same BatchGetItem requests`, `${m.bareMedianMs} ms`, m.bareRunsMs.join(', '), m.bareItems],
  ];
  return [
    `Committee report of a province of ${result.windows.toLocaleString('en')} windows in ${result.units.toLocaleString('en')} units (16 cities × 10 counties × 10 departments), read from ${result.rollupItems.toLocaleString('en')} unit-month and unit-year rollups (seeded in ${(result.seedMs / 1000).toFixed(1)} s), ${result.samples} runs after one warm-up each:`,
    '',
    markdownTable(['measure', 'median', 'runs (ms)', 'items read'], [...row(result.month), ...row(result.year)]),
    '',
    `Commands per report: month ${Object.entries(result.month.commands).map(([name, count]) => `${name} ${count}`).join(', ')}; year ${Object.entries(result.year.commands).map(([name, count]) => `${name} ${count}`).join(', ')}.`,
    '',
    markdownTable(['target', 'measured', 'status'], result.checks.map((c) => [c.target, c.measured, c.status])),
  ].join('\n');
}
