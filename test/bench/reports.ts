import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient, QueryCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import type { Principal } from '../../functions/src/auth/principal.js';
import { createDocumentClient } from '../../functions/src/data/client.js';
import { createDataLayer } from '../../functions/src/data/index.js';
import { keys } from '../../functions/src/data/keys.js';
import { ratingCounterNames } from '../../functions/src/data/window-day-counters.js';
import { runSatisfactionReport, type ReportRun } from '../../functions/src/use-cases/reports/satisfaction-report.js';
import { TOTALS_CONCURRENCY } from '../../functions/src/use-cases/reports/report-deps.js';
import { createTables } from '../../infra/local/create-tables.js';
import { dataTables } from '../../functions/src/data/tables.js';
import { startDynamoDbLocal } from '../../infra/local/dynamodb-local.js';
import { freePort } from '../../infra/local/ports.js';
import { NATIONAL_SURVEY } from '../../shared/src/domain/national-survey.js';
import type { RatingLevel } from '../../shared/src/domain/rating-level.js';
import { markdownTable, median } from './stats.js';
import { batchWrite, benchWindowItem, countCommands, seededRandom } from './dynamo.js';

/**
 * Section `reports` of `npm run bench` (issue 4): a monthly committee report over 1,000 windows ×
 * 31 days of window-day totals (31,000 items with staff, service item and reason breakdowns) built
 * through the use case, against the bare DynamoDB Local ceiling: the same 1,000 Queries, same
 * parallelism, items counted and dropped. Targets: ≤ 2 s and ≤ 31,000 items read.
 * DynamoDB Local runs on disk in its own process; one warm-up run of each before the samples.
 *
 * Knobs: BENCH_REPORT_SAMPLES=7, BENCH_REPORT_WINDOWS=1000.
 */
export const REPORT_MAX_MS = 2000;

export interface ReportsCheck {
  target: string;
  measured: string;
  status: 'pass' | 'FAIL' | 'info';
}

export interface ReportsResult {
  windows: number;
  days: number;
  itemsSeeded: number;
  seedMs: number;
  samples: number;
  report: { runsMs: number[]; medianMs: number; itemsRead: number; windowsRead: number; commands: Record<string, number> };
  bare: { runsMs: number[]; medianMs: number; itemsRead: number };
  ratio: number;
  checks: ReportsCheck[];
}

const MONTH = '2026-10';
const DAYS = 31;
const ITEMS = ['社保登记', '医保报销', '不动产登记', '营业执照', ''];
const REASONS = ['RUDE', 'SLOW', 'OTHER'];


async function pool<T>(items: readonly T[], concurrency: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, async () => {
    while (next < items.length) await work(items[next++]!);
  }));
}

export async function runReports(options: { samples?: number; windows?: number; log: (line: string) => void }): Promise<ReportsResult> {
  const { log } = options;
  const samples = Math.max(5, options.samples ?? 7);
  const windowCount = options.windows ?? 1000;
  const dataDir = mkdtempSync(join(tmpdir(), 'manyi-bench-reports-'));
  const port = await freePort();
  log(`reports: starting DynamoDB Local on disk (${dataDir}) on port ${port} …`);
  const db = await startDynamoDbLocal({ port, dataDir, log: () => {} });
  const raw = new DynamoDBClient({ endpoint: db.endpoint, region: 'local', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  try {
    const names = await createTables(raw, 'benchrep');
    const tables = dataTables(names);
    const doc = createDocumentClient({ region: 'local', endpoint: db.endpoint });
    const data = createDataLayer(doc, tables);

    // A province-sized county: 20 departments of 50 windows, 5 staff each; every window rated every day.
    const next = seededRandom(1000);
    const seedStarted = performance.now();
    await data.units.put({ id: 'br', name: '基准市', parentId: null, path: ['br'] });
    const departments = Array.from({ length: 20 }, (_, i) => `br-d${String(i).padStart(2, '0')}`);
    for (const id of departments) {
      await data.units.put({ id, name: `部门${id.slice(-2)}`, parentId: 'br', path: ['br', id] });
      for (let s = 0; s < 5; s++) await data.staff.put({ id: `${id}-s${s}`, unitId: id, staffNo: `${id}-${s}`, name: `工作人员${id.slice(-2)}${s}`, post: '受理员', duties: '受理', pledge: '一次告知', partyMember: false });
    }
    const windows = Array.from({ length: windowCount }, (_, i) => {
      const unitId = departments[i % departments.length]!;
      const code = `w${String(i).padStart(7, '0')}`;
      return { code, unitId, unitPath: ['br', unitId] };
    });
    await batchWrite(
      doc,
      tables.ops,
      windows.map((w) => benchWindowItem(w, NATIONAL_SURVEY.surveyId, NATIONAL_SURVEY.version)),
    );
    const totals: Record<string, unknown>[] = [];
    for (const w of windows) {
      for (let d = 1; d <= DAYS; d++) {
        const day = `${MONTH}-${String(d).padStart(2, '0')}`;
        const counters: Record<string, number> = {};
        const ratings = 1 + Math.floor(next() * 6);
        for (let r = 0; r < ratings; r++) {
          const level = (1 + Math.floor(next() * 5)) as RatingLevel;
          // About one resident in three names who served them (docs/decisions/0012-attribution.md).
          const servedBy = next() < 0.35 ? `${w.unitId}-s${Math.floor(next() * 5)}` : undefined;
          const reasons = level <= 2 ? [REASONS[Math.floor(next() * REASONS.length)]!] : [];
          for (const name of ratingCounterNames({ level, channel: 'window-qr', servedBy, serviceItem: ITEMS[Math.floor(next() * ITEMS.length)]!, reasons })) {
            counters[name] = (counters[name] ?? 0) + 1;
          }
        }
        totals.push({ ...keys.windowDayTotals(w.code, day, 'window-qr'), windowCode: w.code, day, channel: 'window-qr', ...counters });
      }
    }
    await batchWrite(doc, tables.totals, totals);
    const seedMs = performance.now() - seedStarted;
    log(`reports: seeded ${windows.length} windows and ${totals.length} window-day totals items in ${(seedMs / 1000).toFixed(1)} s`);

    const commands = countCommands(doc);
    // The report is read on the month's last day: the month is the current one, read from its
    // window-days (decision 0031) — what this section measures since issue 4. Closed months come
    // from the rollups, measured at province scale by section `province`.
    const readAt = new Date(`${MONTH}-31T04:00:00Z`);
    const deps = { ...data, now: () => readAt };
    const committee: Principal = { username: 'bench.committee', role: 'committee', unitId: 'br' };
    const query = { period: 'month', month: MONTH, channel: 'all', definition: 'national', minN: 30 } as const;
    const build = () => runSatisfactionReport(deps, committee, query, readAt);

    // The bare ceiling: the same key condition per window, same parallelism, same client and the
    // same low-level command the totals reader sends (attribute values, no unmarshalling), items
    // counted and dropped.
    const bareRead = async () => {
      let items = 0;
      await pool(windows, TOTALS_CONCURRENCY, async (w) => {
        let ExclusiveStartKey: Record<string, AttributeValue> | undefined;
        do {
          const page = await doc.send(
            new QueryCommand({
              TableName: tables.totals,
              KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
              ExpressionAttributeValues: { ':pk': { S: keys.windowTotalsPartition(w.code) }, ':from': { S: keys.windowTotalsDays(`${MONTH}-01`, `${MONTH}-${DAYS}`).from }, ':to': { S: keys.windowTotalsDays(`${MONTH}-01`, `${MONTH}-${DAYS}`).to } },
              ExclusiveStartKey,
            }),
          );
          items += page.Items?.length ?? 0;
          ExclusiveStartKey = page.LastEvaluatedKey;
        } while (ExclusiveStartKey);
      });
      return items;
    };

    log('reports: warm-up (one report, one bare read)');
    await build();
    await bareRead();
    const perReport: Record<string, number> = {};
    const reportMs: number[] = [];
    const bareMs: number[] = [];
    let run: ReportRun | undefined;
    let bareItems = 0;
    // Interleaved, so a disturbance hits both alike.
    for (let i = 0; i < samples; i++) {
      const before = { ...commands };
      let t = performance.now();
      run = await build();
      reportMs.push(Math.round(performance.now() - t));
      // Commands of the report only (the bare read below goes through the same client).
      for (const [name, count] of Object.entries(commands)) perReport[name] = (perReport[name] ?? 0) + count - (before[name] ?? 0);
      t = performance.now();
      bareItems = await bareRead();
      bareMs.push(Math.round(performance.now() - t));
      log(`reports: run ${i + 1}/${samples}: report ${reportMs.at(-1)} ms (${run.itemsRead} items), bare ${bareMs.at(-1)} ms`);
    }
    const perRun = Object.fromEntries(Object.entries(perReport).filter(([, count]) => count > 0).map(([name, count]) => [name, Math.round(count / samples)]));
    const result: ReportsResult = {
      windows: windows.length,
      days: DAYS,
      itemsSeeded: totals.length,
      seedMs: Math.round(seedMs),
      samples,
      report: { runsMs: reportMs, medianMs: median(reportMs), itemsRead: run!.itemsRead, windowsRead: run!.windowsRead, commands: perRun },
      bare: { runsMs: bareMs, medianMs: median(bareMs), itemsRead: bareItems },
      ratio: median(reportMs) / median(bareMs),
      checks: [],
    };
    result.checks.push(
      {
        target: `Monthly report of ${windows.length} windows ≤ ${REPORT_MAX_MS} ms (median of ${samples})`,
        measured: `${result.report.medianMs} ms`,
        status: result.report.medianMs <= REPORT_MAX_MS ? 'pass' : 'FAIL',
      },
      {
        target: `Items read ≤ W × D = ${windows.length * DAYS}`,
        measured: `${result.report.itemsRead} items (${result.report.windowsRead} windows); ${perRun.ScanCommand ?? 0} Scans`,
        status: result.report.itemsRead <= windows.length * DAYS && !perRun.ScanCommand ? 'pass' : 'FAIL',
      },
      {
        target: 'Report vs bare DynamoDB Local ceiling (same 1,000 Queries, 16 in flight)',
        measured: `${result.report.medianMs} vs ${result.bare.medianMs} ms = ${result.ratio.toFixed(2)}×`,
        status: 'info',
      },
    );
    return result;
  } finally {
    raw.destroy();
    await db.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

export function reportsMarkdown(result: ReportsResult): string {
  return [
    `Monthly committee report over ${result.windows} windows × ${result.days} days (${result.itemsSeeded} window-day totals items with staff, service item and reason breakdowns; seeded in ${(result.seedMs / 1000).toFixed(1)} s), ${result.samples} runs after one warm-up:`,
    '',
    markdownTable(
      ['measure', 'median', 'runs (ms)', 'items read'],
      [
        ['report through the use case (`runSatisfactionReport`)', `${result.report.medianMs} ms`, result.report.runsMs.join(', '), result.report.itemsRead],
        ['bare DynamoDB Local: the same 1,000 Queries, 16 in flight', `${result.bare.medianMs} ms`, result.bare.runsMs.join(', '), result.bare.itemsRead],
      ],
    ),
    '',
    `Ratio report / bare: ${result.ratio.toFixed(2)}×. Commands per report: ${Object.entries(result.report.commands).map(([name, count]) => `${name} ${count}`).join(', ')}.`,
    '',
    markdownTable(['target', 'measured', 'status'], result.checks.map((c) => [c.target, c.measured, c.status])),
  ].join('\n');
}
