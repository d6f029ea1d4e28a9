import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { createDocumentClient } from '../../functions/src/data/client.js';
import { createDataLayer } from '../../functions/src/data/index.js';
import { keys } from '../../functions/src/data/keys.js';
import { totalsChangeOf } from '../../functions/src/data/rollups/stream-records.js';
import type { RollupStore } from '../../functions/src/data/rollups/rollups.js';
import { dataTables } from '../../functions/src/data/tables.js';
import { windowDayTotalsUpdate } from '../../functions/src/data/totals.js';
import { unitIndexAttributes } from '../../functions/src/data/units.js';
import { applyTotalsChanges } from '../../functions/src/use-cases/rollups/apply-totals-changes.js';
import { createTables } from '../../infra/local/create-tables.js';
import { startDynamoDbLocal } from '../../infra/local/dynamodb-local.js';
import { freePort } from '../../infra/local/ports.js';
import { createStreamPoller } from '../../infra/local/stream-poller.js';
import { NATIONAL_SURVEY } from '../../shared/src/domain/national-survey.js';
import type { RatingLevel } from '../../shared/src/domain/rating-level.js';
import { batchWrite, benchWindowItem, seededRandom } from './dynamo.js';
import { markdownTable, median } from './stats.js';

/**
 * Section `peak` of `npm run bench` (issue 16): a province's busiest hour, three times over, replayed
 * against DynamoDB Local with the rollups' consumer running as `npm start` runs it. The model
 * (ACCESS_PATTERNS.md, "Peak model"): 50,000 windows; today's province-wide peak ≈ 50 ratings/s
 * (QUALITY.md), × 3 = 150 ratings/s, spread over the windows as residents are (uniformly at random
 * here, every window equally busy). Each rating is its window-day totals Update — the one totals
 * write of the rating's transaction, timed so that the consumer can tell its lag. Measured: the
 * consumer's lag per change (p50, p99, max), and the writes per second of the busiest key of each
 * kind (window-day items, and each rollup level).
 *
 * Knobs: BENCH_PEAK_RATE=150 (ratings/s), BENCH_PEAK_SECONDS=60, BENCH_PEAK_WINDOWS=50000.
 */
export const PEAK_LAG_P99_MAX_MS = 5000;
/** QUALITY.md: no key above ~300 writes/s at three times a province's peak. */
export const KEY_WRITES_MAX = 300;

export interface PeakResult {
  windows: number;
  units: number;
  rate: number;
  seconds: number;
  ratings: number;
  lagMs: { p50: number; p99: number; max: number };
  /** Per kind of key: the most writes one key took in one second, and the key's kind. */
  busiest: { kind: string; writesPerSecond: number }[];
  batches: number;
  /** Time spent inside the consumer's apply, all batches: the rest of the lag is reading the stream. */
  applyMs: number;
  checks: { target: string; measured: string; status: 'pass' | 'FAIL' | 'info' }[];
}


function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
}

export async function runPeak(options: { rate?: number; seconds?: number; windows?: number; log: (line: string) => void }): Promise<PeakResult> {
  const { log } = options;
  const rate = options.rate ?? 150;
  const seconds = options.seconds ?? 60;
  const windowCount = options.windows ?? 50_000;
  const dataDir = mkdtempSync(join(tmpdir(), 'manyi-bench-peak-'));
  const port = await freePort();
  log(`peak: starting DynamoDB Local on disk (${dataDir}) on port ${port} …`);
  const db = await startDynamoDbLocal({ port, dataDir, log: () => {} });
  const raw = new DynamoDBClient({ endpoint: db.endpoint, region: 'local', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  try {
    const tables = dataTables(await createTables(raw, 'benchpeak'));
    const doc = createDocumentClient({ region: 'local', endpoint: db.endpoint });
    const data = createDataLayer(doc, tables);
    // The province of section `province`: 1,600 departments under 160 counties under 16 cities.
    const departments: { id: string; path: string[] }[] = [];
    const units: Record<string, unknown>[] = [{ id: 'pk', name: '基准省', parentId: null, path: ['pk'] }];
    for (let c = 0; c < 16; c++) {
      units.push({ id: `pk-c${c}`, name: `市${c}`, parentId: 'pk', path: ['pk', `pk-c${c}`] });
      for (let k = 0; k < 10; k++) {
        const county = `pk-c${c}-k${k}`;
        units.push({ id: county, name: `县${c}-${k}`, parentId: `pk-c${c}`, path: ['pk', `pk-c${c}`, county] });
        for (let d = 0; d < 10; d++) {
          const id = `${county}-d${d}`;
          const path = ['pk', `pk-c${c}`, county, id];
          units.push({ id, name: `部门${c}-${k}-${d}`, parentId: county, path });
          departments.push({ id, path });
        }
      }
    }
    await batchWrite(doc, tables.ops, units.map((unit) => ({ ...keys.unit(String(unit.id)), kind: 'unit', ...unit, ...unitIndexAttributes(unit as never) })));
    const windows = Array.from({ length: windowCount }, (_, i) => ({ code: `k${String(i).padStart(7, '0')}`, unitId: departments[i % departments.length]!.id, unitPath: departments[i % departments.length]!.path }));
    await batchWrite(
      doc,
      tables.ops,
      windows.map((w) => benchWindowItem(w, NATIONAL_SURVEY.surveyId, NATIONAL_SURVEY.version)),
    );
    log(`peak: ${units.length} units, ${windows.length} windows; replaying ${rate} ratings/s for ${seconds} s`);

    // Writes per key and second, by kind of key.
    const perKeySecond = new Map<string, number>();
    const count = (kind: string, key: string) => {
      const id = `${kind}\u0000${key}\u0000${Math.floor(performance.now() / 1000)}`;
      perKeySecond.set(id, (perKeySecond.get(id) ?? 0) + 1);
    };
    const counting: RollupStore = {
      async apply(write) {
        count(write.target.level, `${write.target.key.pk}#${write.target.key.sk}`);
        return data.rollups.apply(write);
      },
    };
    const lags: number[] = [];
    let batches = 0;
    let applyMs = 0;
    const consumer = createStreamPoller({
      endpoint: db.endpoint,
      table: tables.totals,
      apply: async (records) => {
        batches++;
        const changes = records.map(totalsChangeOf);
        const began = performance.now();
        await applyTotalsChanges({ rollups: counting, windows: data.windows }, changes);
        applyMs += performance.now() - began;
        const now = Date.now();
        for (const change of changes) if (typeof change.newImage?.writtenAt === 'number') lags.push(now - change.newImage.writtenAt);
      },
      log,
    });
    consumer.start();

    const next = seededRandom(150);
    const interval = 1000 / rate;
    const started = performance.now();
    const total = Math.round(rate * seconds);
    const inFlight = new Set<Promise<unknown>>();
    for (let i = 0; i < total; i++) {
      const due = started + i * interval;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      const window = windows[Math.floor(next() * windows.length)]!;
      const level = (next() < 0.85 ? 5 - Math.floor(next() * 2) : 1 + Math.floor(next() * 3)) as RatingLevel;
      const update = windowDayTotalsUpdate(tables.totals, { windowCode: window.code, day: '2026-12-07', level, channel: 'window-qr', ...(level <= 2 ? { reasons: ['SLOW'] } : {}) });
      // The write time, for the lag: an attribute of the item, not a counter (the rollups ignore it).
      update.UpdateExpression += ', writtenAt = :writtenAt';
      (update.ExpressionAttributeValues as Record<string, unknown>)[':writtenAt'] = Date.now();
      count('window-day', `${update.Key.pk}#${update.Key.sk}`);
      const sent = doc.send(new UpdateCommand(update)).finally(() => inFlight.delete(sent));
      inFlight.add(sent);
    }
    await Promise.all(inFlight);
    const sentSeconds = (performance.now() - started) / 1000;
    // Let the consumer catch up, then stop it.
    const deadline = Date.now() + 60_000;
    while (lags.length < total && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 200));
    await consumer.stop();
    lags.sort((a, b) => a - b);
    const busiest = new Map<string, number>();
    for (const [id, writes] of perKeySecond) {
      const kind = id.split('\u0000')[0]!;
      busiest.set(kind, Math.max(busiest.get(kind) ?? 0, writes));
    }
    const result: PeakResult = {
      windows: windows.length,
      units: units.length,
      rate: Math.round(total / sentSeconds),
      seconds,
      ratings: total,
      lagMs: { p50: percentile(lags, 0.5), p99: percentile(lags, 0.99), max: lags.at(-1) ?? 0 },
      busiest: [...busiest].map(([kind, writesPerSecond]) => ({ kind, writesPerSecond })).sort((a, b) => b.writesPerSecond - a.writesPerSecond),
      batches,
      applyMs: Math.round(applyMs),
      checks: [],
    };
    const top = result.busiest[0]?.writesPerSecond ?? 0;
    result.checks.push(
      { target: `Consumer lag p99 ≤ ${PEAK_LAG_P99_MAX_MS} ms at ${rate} ratings/s (150 = 3 × a province's peak)`, measured: `p99 ${result.lagMs.p99} ms (p50 ${result.lagMs.p50}, max ${result.lagMs.max}; ${lags.length}/${total} changes applied)`, status: result.lagMs.p99 <= PEAK_LAG_P99_MAX_MS && lags.length === total ? 'pass' : 'FAIL' },
      { target: `Busiest key ≤ ${KEY_WRITES_MAX} writes/s (DynamoDB's partition limit is 1,000)`, measured: `${top} writes/s (${result.busiest[0]?.kind ?? '—'})`, status: top <= KEY_WRITES_MAX ? 'pass' : 'FAIL' },
    );
    void median;
    return result;
  } finally {
    raw.destroy();
    await db.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

export function peakMarkdown(result: PeakResult): string {
  return [
    `A province's busiest hour × 3 replayed: ${result.ratings.toLocaleString('en')} ratings at ${result.rate}/s for ${result.seconds} s over ${result.windows.toLocaleString('en')} windows in ${result.units.toLocaleString('en')} units, the rollups' consumer polling as in \`npm start\` (${result.batches} stream batches):`,
    '',
    markdownTable(['key kind', 'most writes one key took in one second'], result.busiest.map((b) => [b.kind, b.writesPerSecond])),
    '',
    `Consumer lag (write → applied to every rollup): p50 ${result.lagMs.p50} ms, p99 ${result.lagMs.p99} ms, max ${result.lagMs.max} ms. Time inside the consumer's writes: ${(result.applyMs / 1000).toFixed(1)} s for ${result.batches} batches.`,
    '',
    markdownTable(['target', 'measured', 'status'], result.checks.map((c) => [c.target, c.measured, c.status])),
  ].join('\n');
}
