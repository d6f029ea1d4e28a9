import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { QueryCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { Principal } from '../../functions/src/auth/principal.js';
import { createDocumentClient } from '../../functions/src/data/client.js';
import { createDataLayer } from '../../functions/src/data/index.js';
import { STAFF_PER_JOB_BATCH } from '../../functions/src/data/import-jobs.js';
import { pool } from '../../functions/src/data/pool.js';
import { keys } from '../../functions/src/data/keys.js';
import { unitIndexAttributes } from '../../functions/src/data/units.js';
import { windowIndexAttributes } from '../../functions/src/data/windows.js';
import { getUnitTree } from '../../functions/src/use-cases/org/units.js';
import { applyStaffImport } from '../../functions/src/use-cases/org/imports.js';
import { MAX_UNIT_POSTERS, unitPosters, windowPoster } from '../../functions/src/use-cases/posters/posters.js';
import { listWindows } from '../../functions/src/use-cases/satisfaction.js';
import { createTables } from '../../infra/local/create-tables.js';
import { dataTables } from '../../functions/src/data/tables.js';
import { startDynamoDbLocal } from '../../infra/local/dynamodb-local.js';
import { freePort } from '../../infra/local/ports.js';
import { NATIONAL_SURVEY } from '../../shared/src/domain/national-survey.js';
import { markdownTable, median, percentile, round } from './stats.js';
import { batchWrite, countCommands } from './dynamo.js';

/**
 * Section `org` (issue 3, Performance): (a) a 5,000-row staff import through the use case, against
 * the bare DynamoDB writes of the same items; (b) QR posters for 500 windows (per window, and per
 * unit of 100); (c) the unit tree and window lists with 50,000 windows seeded by BatchWrite, first
 * and next pages, against the bare Query of the same key condition. DynamoDB Local runs on disk in
 * a temp folder; every command sent is counted by name to prove that no list scans.
 *
 * Knobs: BENCH_ORG_ROUNDS=3 (import rounds), BENCH_ORG_SAMPLES=40 (latency samples per list),
 * BENCH_ORG_WINDOWS=50000, BENCH_ORG_POSTERS=500.
 */

export interface OrgOptions {
  rounds: number;
  samples: number;
  windows: number;
  posters: number;
  log: (line: string) => void;
}

interface Latency {
  name: string;
  pattern: string;
  items: number;
  p50: number;
  p95: number;
}

export interface OrgResult {
  import: { rows: number; wallMs: number[]; medianMs: number; bareMs: number[]; bareMedianMs: number; peakRssMiB: number; baseRssMiB: number; batches: number };
  posters: {
    windows: number;
    perWindow: { totalMs: number; medianMs: number; p95Ms: number; medianBytes: number; peakRssMiB: number };
    perUnit: { pdfs: number; windowsEach: number; totalMs: number; medianMs: number; medianBytes: number; peakRssMiB: number };
    maxPerUnitPdf: number;
  };
  lists: { windows: number; units: number; seedSeconds: number; latencies: Latency[]; commands: Record<string, number> };
}

const ADMIN: Principal = { username: 'bench.admin', role: 'system-admin', unitId: 'bp' };
const mib = (bytes: number) => round(bytes / 1024 / 1024, 1);

/** Peak RSS of this process while `work` runs, sampled every 10 ms (plus the final value). */
async function withPeakRss<T>(work: () => Promise<T>): Promise<{ value: T; peak: number; base: number }> {
  const base = process.memoryUsage().rss;
  let peak = base;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 10);
  try {
    const value = await work();
    peak = Math.max(peak, process.memoryUsage().rss);
    return { value, peak, base };
  } finally {
    clearInterval(timer);
  }
}

function staffCsv(prefix: string, unitIds: string[], rows: number): string {
  const lines = ['姓名,工号,所属单位编码,岗位,职责,服务承诺,是否党员'];
  for (let i = 0; i < rows; i++) lines.push(`工作人员${i},${prefix}${String(i).padStart(5, '0')},${unitIds[i % unitIds.length]},综合受理员,一窗受理,首问负责，一次告知，限时办结。,${i % 3 === 0 ? '是' : '否'}`);
  return `${lines.join('\r\n')}\r\n`;
}

async function time<T>(work: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const started = performance.now();
  const value = await work();
  return { ms: performance.now() - started, value };
}

export async function runOrg(options: OrgOptions): Promise<OrgResult> {
  const { log } = options;
  const dataDir = mkdtempSync(join(tmpdir(), 'manyi-bench-org-'));
  const port = await freePort();
  log(`org: starting DynamoDB Local on disk (${dataDir}) on port ${port} …`);
  const db = await startDynamoDbLocal({ port, dataDir, log: () => {} });
  const raw = new DynamoDBClient({ endpoint: db.endpoint, region: 'local', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  try {
    const names = await createTables(raw, 'benchorg');
    const tables = dataTables(names);
    const doc = createDocumentClient({ region: 'local', endpoint: db.endpoint });
    const commands = countCommands(doc);
    const data = createDataLayer(doc, tables);
    const deps = { ...data, now: () => new Date() };

    // (a) 5,000 staff rows through the use case, 10 units, a fresh set of units per round.
    const imports: number[] = [];
    const bare: number[] = [];
    let peak = 0;
    let base = Number.POSITIVE_INFINITY;
    let batches = 0;
    await data.units.put({ id: 'bi', name: '导入基准省', parentId: null, path: ['bi'] });
    for (let round = 0; round < options.rounds; round++) {
      const unitIds = Array.from({ length: 10 }, (_, i) => `bi-r${round}-u${i}`);
      for (const id of unitIds) await data.units.put({ id, name: `部门${id}`, parentId: 'bi', path: ['bi', id] });
      const csv = staffCsv(`R${round}`, unitIds, 5_000);
      const measured = await withPeakRss(() => time(() => applyStaffImport(deps, ADMIN, { body: csv, isBase64Encoded: false })));
      if (measured.value.value.created !== 5_000) throw new Error(`import round ${round} created ${measured.value.value.created}`);
      batches = measured.value.value.batches ?? 0;
      imports.push(measured.value.ms);
      peak = Math.max(peak, measured.peak);
      base = Math.min(base, measured.base);
      log(`org: import round ${round + 1}: ${measured.value.ms.toFixed(0)} ms, peak RSS ${mib(measured.peak)} MiB`);

      // The bare ceiling: the same 10,000 items in transactions of the same size and parallelism,
      // without parsing, checks, job rows or the commit.
      const bareIds = Array.from({ length: 10 }, (_, i) => `bi-bare${round}-u${i}`);
      const rows = Array.from({ length: 5_000 }, (_, i) => ({
        id: `s-bare${round}-${i}`,
        unitId: bareIds[i % 10]!,
        staffNo: `B${String(i).padStart(5, '0')}`,
        name: `工作人员${i}`,
        post: '综合受理员',
        duties: '一窗受理',
        pledge: '首问负责，一次告知，限时办结。',
        partyMember: i % 3 === 0,
      }));
      const chunks: (typeof rows)[] = [];
      for (let i = 0; i < rows.length; i += STAFF_PER_JOB_BATCH) chunks.push(rows.slice(i, i + STAFF_PER_JOB_BATCH));
      const bareRun = await time(() =>
        pool(chunks, 4, async (chunk) => {
          await doc.send(
            new TransactWriteCommand({
              TransactItems: chunk.flatMap((staff) => [
                { Put: { TableName: tables.ops, Item: { ...keys.staff(staff.id), kind: 'staff', ...staff }, ConditionExpression: 'attribute_not_exists(pk)' } },
                { Put: { TableName: tables.ops, Item: { ...keys.staffListing(staff.unitId, staff.staffNo), kind: 'staff-listing', ...staff }, ConditionExpression: 'attribute_not_exists(pk)' } },
              ]),
            }),
          );
        }),
      );
      bare.push(bareRun.ms);
      log(`org: bare writes round ${round + 1}: ${bareRun.ms.toFixed(0)} ms`);
    }

    // (b) posters for 500 windows: 5 units of 100 windows, each window with a hall and one person on duty.
    log(`org: seeding ${options.posters} windows for posters …`);
    await data.units.put({ id: 'bp', name: '海州市政务服务管理局', parentId: null, path: ['bp'] });
    const posterUnits = Array.from({ length: Math.ceil(options.posters / 100) }, (_, i) => `bp-u${i}`);
    const codes: string[] = [];
    for (const [u, id] of posterUnits.entries()) {
      await data.units.put({ id, name: `海州市第${u + 1}政务服务中心`, parentId: 'bp', path: ['bp', id] });
      await data.halls.put({ id: `h-${id}`, unitId: id, name: `第${u + 1}服务大厅`, address: '人民路1号' });
    }
    const posterItems: Record<string, unknown>[] = [];
    for (let i = 0; i < options.posters; i++) {
      const unitId = posterUnits[Math.floor(i / 100)]!;
      const staff = { id: `s-bp-${i}`, unitId, staffNo: `P${i}`, name: `窗口人员${i}`, post: '综合受理员', duties: '一窗受理', pledge: '首问负责，一次告知，限时办结，服务不满意请扫码评价。', partyMember: false };
      const code = `bp${String(i).padStart(6, '0')}`;
      codes.push(code);
      posterItems.push({ ...keys.staff(staff.id), kind: 'staff', ...staff });
      const window = { code, unitId, hallId: `h-${unitId}`, name: `综合受理${i % 100}号窗口`, active: true, staffOnDutyIds: [staff.id], staffIds: [staff.id], serviceItems: [], surveyId: NATIONAL_SURVEY.surveyId, surveyVersion: NATIONAL_SURVEY.version, unitPath: ['bp', unitId] };
      posterItems.push({ ...keys.window(code), kind: 'window', ...window, ...windowIndexAttributes(window) });
    }
    await batchWrite(doc, tables.ops, posterItems);
    const posterDeps = { ...deps, publicBaseUrl: 'https://manyi.example.gov.cn' };
    // One warm-up poster: loading the CJK font once per process is a cold-start cost, reported apart.
    const warm = await time(() => windowPoster(posterDeps, ADMIN, codes[0]!, { format: 'pdf', size: 'A4' }));
    log(`org: first poster (font load) ${warm.ms.toFixed(0)} ms`);
    const perWindowMs: number[] = [];
    const perWindowBytes: number[] = [];
    const perWindow = await withPeakRss(() =>
      time(async () => {
        for (const code of codes) {
          const one = await time(() => windowPoster(posterDeps, ADMIN, code, { format: 'pdf', size: 'A4' }));
          perWindowMs.push(one.ms);
          perWindowBytes.push(one.value.body.length);
        }
      }),
    );
    log(`org: ${codes.length} window posters in ${perWindow.value.ms.toFixed(0)} ms`);
    const perUnitMs: number[] = [];
    const perUnitBytes: number[] = [];
    const perUnit = await withPeakRss(() =>
      time(async () => {
        for (const unitId of posterUnits) {
          const one = await time(() => unitPosters(posterDeps, ADMIN, unitId, { size: 'A4' }));
          perUnitMs.push(one.ms);
          perUnitBytes.push(one.value.body.length);
        }
      }),
    );
    log(`org: ${posterUnits.length} unit PDFs in ${perUnit.value.ms.toFixed(0)} ms`);

    // (c) 1 province → 10 cities → 100 counties → 1,000 departments, 50 windows each.
    log(`org: seeding a province with ${options.windows} windows by BatchWrite …`);
    const seedStarted = performance.now();
    const units: { id: string; name: string; parentId: string | null; path: string[] }[] = [{ id: 'sz', name: '山泽省', parentId: null, path: ['sz'] }];
    for (let c = 0; c < 10; c++) {
      const city = { id: `sz-c${c}`, name: `第${c}市`, parentId: 'sz', path: ['sz', `sz-c${c}`] };
      units.push(city);
      for (let k = 0; k < 10; k++) {
        const county = { id: `${city.id}-k${k}`, name: `第${c}市第${k}县`, parentId: city.id, path: [...city.path, `${city.id}-k${k}`] };
        units.push(county);
        for (let d = 0; d < 10; d++) units.push({ id: `${county.id}-d${d}`, name: `${county.name}第${d}局`, parentId: county.id, path: [...county.path, `${county.id}-d${d}`] });
      }
    }
    const departments = units.filter((unit) => unit.path.length === 4);
    const perDepartment = Math.ceil(options.windows / departments.length);
    const seedItems: Record<string, unknown>[] = units.map((unit) => ({ ...keys.unit(unit.id), kind: 'unit', ...unit, ...unitIndexAttributes(unit) }));
    let windowCount = 0;
    for (const department of departments) {
      for (let w = 0; w < perDepartment && windowCount < options.windows; w++, windowCount++) {
        const code = `w${String(windowCount).padStart(7, '0')}`;
        const window = { code, unitId: department.id, hallId: '', name: `${department.name}${w}号窗口`, active: true, staffOnDutyIds: [], staffIds: [], serviceItems: [], surveyId: NATIONAL_SURVEY.surveyId, surveyVersion: NATIONAL_SURVEY.version, unitPath: department.path };
        seedItems.push({ ...keys.window(code), kind: 'window', ...window, ...windowIndexAttributes(window) });
      }
    }
    await batchWrite(doc, tables.ops, seedItems);
    const seedSeconds = (performance.now() - seedStarted) / 1000;
    log(`org: seeded ${units.length} units and ${windowCount} windows in ${seedSeconds.toFixed(0)} s`);

    const before = { ...commands };
    const latencies: Latency[] = [];
    const measure = async (name: string, pattern: string, work: () => Promise<number>) => {
      await work(); // warm
      const samples: number[] = [];
      let items = 0;
      for (let i = 0; i < options.samples; i++) {
        const run = await time(work);
        samples.push(run.ms);
        items = run.value;
      }
      latencies.push({ name, pattern, items, p50: round(median(samples)), p95: round(percentile(samples, 95)) });
      log(`org: ${name}: p50 ${median(samples).toFixed(2)} ms, p95 ${percentile(samples, 95).toFixed(2)} ms (${items} items)`);
    };
    const province = ['sz'];
    const city = ['sz', 'sz-c3'];
    const county = ['sz', 'sz-c3', 'sz-c3-k7'];
    const countyAdmin: Principal = { username: 'bench.county', role: 'unit-admin', unitId: 'sz-c3-k7' };
    const bareQuery = (prefix: string, limit: number, start?: Record<string, unknown>) =>
      doc.send(
        new QueryCommand({
          TableName: tables.ops,
          IndexName: 'bySubtree',
          KeyConditionExpression: 'treeKey = :tree AND begins_with(subtreeKey, :prefix)',
          ExpressionAttributeValues: { ':tree': 'TREE#sz', ':prefix': prefix },
          Limit: limit,
          ExclusiveStartKey: start,
        }),
      );

    await measure('children of a county, first page', 'O2', async () => (await data.units.children('sz-c3-k7')).items.length);
    const childCursor = (await data.units.children('sz-c3-k7', { limit: 5 })).cursor;
    await measure('children of a county, next page (limit 5)', 'O2', async () => (await data.units.children('sz-c3-k7', { limit: 5, cursor: childCursor })).items.length);
    await measure('unit tree of the province, first page (500)', 'O1 + O5', async () => (await getUnitTree(deps, ADMIN, { includeArchived: false })).units.length);
    const treeCursor = (await getUnitTree(deps, ADMIN, { includeArchived: false })).cursor;
    await measure('unit tree of the province, next page (500)', 'O1', async () => (await getUnitTree(deps, ADMIN, { includeArchived: false, cursor: treeCursor })).units.length);
    await measure('windows of the province (50,000), first page (100)', 'O3', async () => (await data.windows.listSubtree(province, { limit: 100 })).items.length);
    let deep: string | undefined;
    for (let i = 0; i < 250; i++) deep = (await data.windows.listSubtree(province, { limit: 100, cursor: deep })).cursor;
    await measure('windows of the province, page 251 (next page deep inside)', 'O3', async () => (await data.windows.listSubtree(province, { limit: 100, cursor: deep })).items.length);
    await measure('  bare Query, same key condition, first page (100)', 'O3 ceiling', async () => (await bareQuery(`W#sz/`, 100)).Items?.length ?? 0);
    await measure('  bare Query, same key condition, page 251', 'O3 ceiling', async () => {
      const key = JSON.parse(Buffer.from(deep!, 'base64url').toString('utf8')) as Record<string, unknown>;
      return (await bareQuery(`W#sz/`, 100, key)).Items?.length ?? 0;
    });
    await measure('windows of a city (5,000), first page (100)', 'O3', async () => (await data.windows.listSubtree(city, { limit: 100 })).items.length);
    await measure('windows of one department, first page', 'O4', async () => (await data.windows.listUnit([...county, 'sz-c3-k7-d2'])).items.length);
    await measure('  bare Query, same key condition', 'O4 ceiling', async () => (await bareQuery(`W#sz/sz-c3/sz-c3-k7/sz-c3-k7-d2/#`, 100)).Items?.length ?? 0);
    await measure('results window list, system admin, first page (1,000)', 'O5 + O3 + BatchGet units', async () => (await listWindows(deps, ADMIN, {})).windows.length);
    const resultsCursor = (await listWindows(deps, ADMIN, {})).cursor;
    await measure('results window list, system admin, next page (1,000)', 'O3 + BatchGet units', async () => (await listWindows(deps, ADMIN, { cursor: resultsCursor! })).windows.length);
    await measure('  bare Query ×2 (500 + 500), same key condition', 'O3 ceiling', async () => {
      const first = await bareQuery(`W#sz/`, 500);
      const second = await bareQuery(`W#sz/`, 500, first.LastEvaluatedKey);
      return (first.Items?.length ?? 0) + (second.Items?.length ?? 0);
    });
    await measure('results window list, county admin (500 windows)', 'O3 + BatchGet units', async () => (await listWindows(deps, countyAdmin, {})).windows.length);
    const used = Object.fromEntries(Object.entries(commands).map(([name, count]) => [name, count - (before[name] ?? 0)]).filter(([, count]) => Number(count) > 0));
    if ((used.ScanCommand ?? 0) > 0) throw new Error(`a list scanned the table: ${JSON.stringify(used)}`);

    doc.destroy();
    return {
      import: { rows: 5_000, wallMs: imports.map((v) => round(v, 0)), medianMs: round(median(imports), 0), bareMs: bare.map((v) => round(v, 0)), bareMedianMs: round(median(bare), 0), peakRssMiB: mib(peak), baseRssMiB: mib(base), batches },
      posters: {
        windows: codes.length,
        perWindow: { totalMs: round(perWindow.value.ms, 0), medianMs: round(median(perWindowMs)), p95Ms: round(percentile(perWindowMs, 95)), medianBytes: median(perWindowBytes), peakRssMiB: mib(perWindow.peak) },
        perUnit: { pdfs: posterUnits.length, windowsEach: 100, totalMs: round(perUnit.value.ms, 0), medianMs: round(median(perUnitMs), 0), medianBytes: median(perUnitBytes), peakRssMiB: mib(perUnit.peak) },
        maxPerUnitPdf: MAX_UNIT_POSTERS,
      },
      lists: { windows: windowCount, units: units.length, seedSeconds: round(seedSeconds, 0), latencies, commands: used as Record<string, number> },
    };
  } finally {
    raw.destroy();
    await db.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

export function orgMarkdown(result: OrgResult): string {
  const { import: imp, posters, lists } = result;
  return [
    `**Staff import, 5,000 rows** (CSV, 10 units, through \`applyStaffImport\`: parse, checks, job rows, ${imp.batches} transactions of ≤ 49 staff at parallelism 4, commit): median **${(imp.medianMs / 1000).toFixed(1)} s** (rounds: ${imp.wallMs.join(', ')} ms); peak RSS **${imp.peakRssMiB} MiB** (process at ${imp.baseRssMiB} MiB before). Bare ceiling (the same 10,000 conditional Puts in the same transactions and parallelism, nothing else): median ${(imp.bareMedianMs / 1000).toFixed(1)} s (${imp.bareMs.join(', ')} ms).`,
    '',
    `**QR posters, ${posters.windows} windows**: one A4 PDF per window, sequentially: **${(posters.perWindow.totalMs / 1000).toFixed(1)} s** in all, median ${posters.perWindow.medianMs} ms, p95 ${posters.perWindow.p95Ms} ms, ${(posters.perWindow.medianBytes / 1024).toFixed(0)} KB each, peak RSS ${posters.perWindow.peakRssMiB} MiB. Per unit: ${posters.perUnit.pdfs} PDFs of ${posters.perUnit.windowsEach} windows: **${(posters.perUnit.totalMs / 1000).toFixed(1)} s** in all, median ${(posters.perUnit.medianMs / 1000).toFixed(1)} s and ${(posters.perUnit.medianBytes / 1024 / 1024).toFixed(1)} MB per PDF, peak RSS ${posters.perUnit.peakRssMiB} MiB (limit ${posters.maxPerUnitPdf} windows per PDF).`,
    '',
    `**Unit tree and window lists at ${lists.windows.toLocaleString('en')} windows** (${lists.units.toLocaleString('en')} units, seeded by BatchWrite in ${lists.seedSeconds} s); commands sent while measuring: ${Object.entries(lists.commands).map(([name, count]) => `${name} ${count}`).join(', ')} — no Scan.`,
    '',
    markdownTable(
      ['list', 'pattern', 'items', 'p50 ms', 'p95 ms'],
      lists.latencies.map((l) => [l.name, l.pattern, l.items, l.p50.toFixed(2), l.p95.toFixed(2)]),
    ),
  ].join('\n');
}
