import type { Principal } from '../../functions/src/auth/principal.js';
import { createDocumentClient } from '../../functions/src/data/client.js';
import { createDataLayer } from '../../functions/src/data/index.js';
import { localKeyring } from '../../functions/src/throttle/keyring.js';
import { drawRound, freezeRound } from '../../functions/src/use-cases/sampling/draw-round.js';
import { drawUnfinished } from '../../functions/src/use-cases/sampling/rounds.js';
import type { DataTables } from '../../functions/src/data/tables.js';

/**
 * One round's freeze and draw in a process of its own (the bench's `sampling` section spawns it),
 * so its peak RSS is what a Lambda running those calls holds, not the bench's with its seeding:
 * every call of the freeze job, then every call of the draw job, as the pages would make them.
 * Prints one JSON line: freezeMs, drawMs, calls, N, drawn, baseRssMiB (after loading), maxRssMiB.
 */
export interface SamplingJobRun {
  freezeMs: number;
  drawMs: number;
  freezeCalls: number;
  drawCalls: number;
  N: number;
  drawn: number;
  baseRssMiB: number;
  maxRssMiB: number;
}

const env = (name: string) => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is required`);
  return value;
};

async function main(): Promise<void> {
  const endpoint = env('BENCH_JOB_ENDPOINT');
  const tables = JSON.parse(env('BENCH_JOB_TABLES')) as DataTables;
  const doc = createDocumentClient({ region: 'local', endpoint });
  const data = createDataLayer(doc, tables);
  const deps = { ...data, now: () => new Date(), throttle: { keyring: localKeyring(Buffer.from(env('BENCH_JOB_KEY'), 'hex')) } };
  const admin = JSON.parse(env('BENCH_JOB_ADMIN')) as Principal;
  const drawer = JSON.parse(env('BENCH_JOB_DRAWER')) as Principal;
  const roundId = env('BENCH_JOB_ROUND');
  const baseRssMiB = process.memoryUsage().rss / 1024 / 1024;
  const publicInput = env('BENCH_JOB_PUBLIC_INPUT');
  let t = performance.now();
  let frozen = await freezeRound(deps, admin, roundId);
  let freezeCalls = 1;
  for (; frozen.state === 'committed'; freezeCalls++) frozen = await freezeRound(deps, admin, roundId);
  const freezeMs = performance.now() - t;
  t = performance.now();
  let drawn = await drawRound(deps, drawer, roundId, publicInput);
  let drawCalls = 1;
  for (; drawUnfinished(drawn); drawCalls++) drawn = await drawRound(deps, drawer, roundId, publicInput);
  const drawMs = performance.now() - t;
  const run: SamplingJobRun = {
    freezeMs: Math.round(freezeMs),
    drawMs: Math.round(drawMs),
    freezeCalls,
    drawCalls,
    N: frozen.frame?.N ?? 0,
    drawn: drawn.drawn ?? 0,
    baseRssMiB: Math.round(baseRssMiB * 10) / 10,
    maxRssMiB: Math.round((process.resourceUsage().maxRSS / 1024) * 10) / 10,
  };
  process.stdout.write(`${JSON.stringify(run)}\n`);
}

await main();
