import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { Principal } from '../../functions/src/auth/principal.js';
import { createDocumentClient } from '../../functions/src/data/client.js';
import { createDataLayer } from '../../functions/src/data/index.js';
import { keys } from '../../functions/src/data/keys.js';
import { listCases } from '../../functions/src/use-cases/cases/cases.js';
import { createTables } from '../../infra/local/create-tables.js';
import { dataTables } from '../../functions/src/data/tables.js';
import { startDynamoDbLocal } from '../../infra/local/dynamodb-local.js';
import { freePort } from '../../infra/local/ports.js';
import { CaseQueueQuery } from '../../shared/src/contracts/cases/cases.js';
import type { CaseState } from '../../shared/src/domain/cases/case-state.js';
import { addDays, chinaDay } from '../../shared/src/domain/china-time.js';
import { NATIONAL_SURVEY } from '../../shared/src/domain/national-survey.js';
import { markdownTable, median, percentile, round } from './stats.js';
import { batchWrite, countCommands } from './dynamo.js';

/**
 * Section `cases` (issue 15, Performance): one unit's queue of 100,000 差评 cases, its first page
 * under each filter (state, 超期, window) through the use case — access check, audit entry, window
 * names — against the bare Query of the same key condition, ≤ 300 ms p50. DynamoDB Local on disk.
 * The queue entries (the unit's and the windows') are seeded by BatchWrite, as the rating
 * transactions write them; the cases' own items are not (a queue page never reads them). Every
 * command is counted: a queue page must never scan.
 *
 * Knobs: BENCH_CASES=100000, BENCH_CASES_ROUNDS=3, BENCH_CASES_SAMPLES=30 (per measure and round).
 */
export const QUEUE_FIRST_PAGE_MAX_MS = 300;

export interface CasesOptions {
  cases: number;
  rounds: number;
  samples: number;
  log: (line: string) => void;
}

interface Measure {
  name: string;
  items: number;
  /** p50 of each round, ms. */
  p50s: number[];
  p95: number;
  bare: boolean;
}

export interface CasesResult {
  cases: number;
  windows: number;
  seedSeconds: number;
  measures: Measure[];
  commands: Record<string, number>;
  checks: { target: string; measured: string; status: 'pass' | 'FAIL' | 'info' }[];
}

const UNIT = 'bq-u';
const WINDOWS = 20;
const ADMIN: Principal = { username: 'bench.cases', role: 'unit-admin', unitId: UNIT };
/** A queue as a busy unit's would look after a year: most cases finished, some waiting, a share overdue. */
const STATE_SHARES: readonly [CaseState, number][] = [
  ['closed', 0.6],
  ['pending', 0.12],
  ['deadline', 0.08],
  ['immediate', 0.04],
  ['fixed', 0.05],
  ['explained', 0.04],
  ['called-back', 0.03],
  ['appealing', 0.02],
  ['appeal-upheld', 0.01],
  ['appeal-rejected', 0.01],
];

/** Deterministic (a fixed LCG): the same queue every run. */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

export async function runCases(options: CasesOptions): Promise<CasesResult> {
  const { log } = options;
  const dataDir = mkdtempSync(join(tmpdir(), 'manyi-bench-cases-'));
  const port = await freePort();
  log(`cases: starting DynamoDB Local on disk (${dataDir}) on port ${port} …`);
  const db = await startDynamoDbLocal({ port, dataDir, log: () => {} });
  const raw = new DynamoDBClient({ endpoint: db.endpoint, region: 'local', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  try {
    const names = await createTables(raw, 'benchcases');
    const tables = dataTables(names);
    const doc = createDocumentClient({ region: 'local', endpoint: db.endpoint });
    const commands = countCommands(doc);
    const data = createDataLayer(doc, tables);
    const now = new Date();
    const today = chinaDay(now);
    const deps = { ...data, sealer: { open: async () => '' }, now: () => now };

    await data.units.put({ id: 'bq', name: '基准市', parentId: null, path: ['bq'] });
    await data.units.put({ id: UNIT, name: '基准市政务服务中心', parentId: 'bq', path: ['bq', UNIT] });
    await data.halls.put({ id: 'bq-hall', unitId: UNIT, name: '市民中心', address: '人民路1号' });
    const codes = Array.from({ length: WINDOWS }, (_, i) => `bqw${String(i).padStart(5, '0')}`);
    for (const [i, code] of codes.entries()) {
      await data.windows.put({ code, unitId: UNIT, hallId: 'bq-hall', name: `综合受理${i + 1}号窗口`, staffOnDutyIds: [], active: true, surveyId: NATIONAL_SURVEY.surveyId, surveyVersion: NATIONAL_SURVEY.version, unitPath: ['bq', UNIT] });
    }

    log(`cases: seeding a queue of ${options.cases.toLocaleString('en')} cases (${WINDOWS} windows) by BatchWrite …`);
    const seedStarted = performance.now();
    const random = seeded(15);
    const items: Record<string, unknown>[] = [];
    for (let i = 0; i < options.cases; i++) {
      let pick = random();
      const state = STATE_SHARES.find(([, share]) => (pick -= share) < 0)?.[0] ?? 'closed';
      const day = addDays(today, -Math.floor(random() * 365));
      const waits = state === 'pending' || state === 'immediate' || state === 'deadline';
      // Waiting cases: due a few days after their day — those older than a week are overdue.
      const due = waits ? addDays(day, 1 + Math.floor(random() * 7)) : undefined;
      const caseId = i.toString(16).padStart(32, '0');
      const windowCode = codes[Math.floor(random() * WINDOWS)]!;
      const listing = { kind: 'case-listing', caseId, unitId: UNIT, windowCode, day, level: random() < 0.5 ? 1 : 2, state, ...(due ? { due } : {}) };
      const sk = keys.caseQueueSort(state, due ?? '9999-12-31', caseId);
      items.push({ pk: keys.caseQueuePartition(UNIT), sk, ...listing }, { pk: keys.caseWindowPartition(windowCode), sk, ...listing });
    }
    await batchWrite(doc, tables.ops, items);
    const seedSeconds = (performance.now() - seedStarted) / 1000;
    log(`cases: seeded ${items.length.toLocaleString('en')} queue entries in ${seedSeconds.toFixed(0)} s`);

    const measures: Measure[] = [];
    const before = { ...commands };
    const measure = async (name: string, bare: boolean, work: () => Promise<number>) => {
      await work(); // warm
      const p50s: number[] = [];
      const all: number[] = [];
      let items = 0;
      for (let r = 0; r < options.rounds; r++) {
        const samples: number[] = [];
        for (let i = 0; i < options.samples; i++) {
          const started = performance.now();
          items = await work();
          samples.push(performance.now() - started);
        }
        p50s.push(round(median(samples)));
        all.push(...samples);
      }
      measures.push({ name, items, p50s, p95: round(percentile(all, 95)), bare });
      log(`cases: ${name}: p50 ${p50s.join(' / ')} ms, p95 ${round(percentile(all, 95))} ms (${items} items)`);
    };
    // The page a unit administrator opens, through the use case as the route calls it (the query parsed by its contract).
    const page = async (query: Record<string, string>) => (await listCases(deps, ADMIN, CaseQueueQuery.parse({ unitId: UNIT, ...query }))).items.length;
    const bareQuery = async (pk: string, from?: string, to?: string) =>
      (
        await doc.send(
          new QueryCommand({
            TableName: tables.ops,
            KeyConditionExpression: from ? 'pk = :pk AND sk BETWEEN :from AND :to' : 'pk = :pk',
            ExpressionAttributeValues: { ':pk': pk, ...(from ? { ':from': from, ':to': to } : {}) },
            Limit: 50,
          }),
        )
      ).Items?.length ?? 0;
    await measure('first page, all states (50)', false, () => page({}));
    await measure('first page, 待核实', false, () => page({ state: 'pending' }));
    await measure('first page, 待核实 超期', false, () => page({ state: 'pending', overdue: 'true' }));
    await measure('first page, 限期整改 超期', false, () => page({ state: 'deadline', overdue: 'true' }));
    await measure('first page, one window', false, () => page({ window: codes[3]! }));
    await measure('first page, one window, 待核实 超期', false, () => page({ window: codes[3]!, state: 'pending', overdue: 'true' }));
    const cursor = (await listCases(deps, ADMIN, CaseQueueQuery.parse({ unitId: UNIT, state: 'closed' }))).cursor!;
    await measure('next page, 已办结', false, () => page({ state: 'closed', cursor }));
    await measure('  bare Query, 待核实 超期 (same key condition, 50)', true, () => bareQuery(keys.caseQueuePartition(UNIT), 'pending#', `pending#${today}`));
    await measure('  bare Query, all states (50)', true, () => bareQuery(keys.caseQueuePartition(UNIT)));
    const used = Object.fromEntries(Object.entries(commands).map(([name, count]) => [name, count - (before[name] ?? 0)]).filter(([, count]) => Number(count) > 0));
    if ((used.ScanCommand ?? 0) > 0) throw new Error(`a queue page scanned the table: ${JSON.stringify(used)}`);

    const pages = measures.filter((m) => !m.bare);
    const worst = pages.reduce((a, b) => (median(b.p50s) > median(a.p50s) ? b : a));
    const checks: CasesResult['checks'] = [
      {
        target: `差评 queue of ${options.cases.toLocaleString('en')} cases: first page under every filter ≤ ${QUEUE_FIRST_PAGE_MAX_MS} ms p50 in every round`,
        measured: `slowest: ${worst.name}, p50 ${worst.p50s.join(' / ')} ms`,
        status: pages.every((m) => m.p50s.every((p50) => p50 <= QUEUE_FIRST_PAGE_MAX_MS)) ? 'pass' : 'FAIL',
      },
      { target: 'A queue page never scans', measured: Object.entries(used).map(([name, count]) => `${name} ${count}`).join(', '), status: (used.ScanCommand ?? 0) === 0 ? 'pass' : 'FAIL' },
    ];
    doc.destroy();
    return { cases: options.cases, windows: WINDOWS, seedSeconds: round(seedSeconds, 0), measures, commands: used, checks };
  } finally {
    raw.destroy();
    await db.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

export function casesMarkdown(result: CasesResult): string {
  return [
    `差评 queue: one unit with ${result.cases.toLocaleString('en')} cases over a year (60 % 已办结, 12 % 待核实, 8 % 限期整改 …; waiting ones due 1–7 days after their day, so most are 超期) on ${result.windows} windows, seeded in ${result.seedSeconds} s; each page through the use case (access check, audit entry, window names), ${result.measures[0]?.p50s.length ?? 0} rounds:`,
    '',
    markdownTable(
      ['page', 'items', 'p50 per round (ms)', 'p95 (ms)'],
      result.measures.map((m) => [m.name, String(m.items), m.p50s.join(' / '), String(m.p95)]),
    ),
    '',
    markdownTable(['target', 'measured', 'status'], result.checks.map((c) => [c.target, c.measured, c.status])),
  ].join('\n');
}
