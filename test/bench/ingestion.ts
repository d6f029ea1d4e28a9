import { caseOpening } from '../../shared/src/domain/cases/case-opening.js';
import { caseOpeningItems } from '../../functions/src/data/cases/cases.js';
import { execFileSync } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { Agent, request as httpRequest } from 'node:http';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { QueryCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { SubmitRatingInput } from '#shared/contracts/rating.js';
import { chinaDay } from '#shared/domain/china-time.js';
import type { RatingLevel } from '#shared/domain/rating-level.js';
import { NATIONAL_SURVEY } from '#shared/domain/national-survey.js';
import { createDocumentClient } from '../../functions/src/data/client.js';
import { createUnitStore } from '../../functions/src/data/units.js';
import { createWindowStore } from '../../functions/src/data/windows.js';
import { keys } from '../../functions/src/data/keys.js';
import { createRatingStore, type StoredRating } from '../../functions/src/data/ratings.js';
import { admissionItems } from '../../functions/src/data/throttle.js';
import { windowDayTotalsUpdate } from '../../functions/src/data/totals.js';
import { canonical, IDEMPOTENCY_TTL_SECONDS, submitRating } from '../../functions/src/use-cases/submit-rating.js';
import { localBurst, localThrottle, randomId } from '../../functions/src/runtime.js';
import { hourCountUpdate } from '../../functions/src/data/burst.js';
import { hourIndex } from '../../shared/src/domain/burst.js';
import { mac128, ratingAdmission } from '../../functions/src/throttle/index.js';
import { CLIENT_HEADER, DEVICE_HEADER, forwardedClient } from '#shared/domain/client-key.js';
import { BENCH_HALL, BENCH_UNIT } from './server.js';
import { BENCH_BURST_FLOOR, startServerProcess, type ServerProcess } from './server-process.js';
import { machineCpu, median, processCpuMs, summarize, waitForQuiet, type LatencySummary } from './stats.js';

/**
 * Ingestion: the rating submission through the local gateway and the real handler, against the
 * same DynamoDB writes sent straight from the SDK (the "bare ceiling"), with DynamoDB Local on disk.
 *
 * Phases (all closed-loop, distinct Idempotency-Key per request, same bodies):
 *  - bare:     one TransactWriteCommand per request from this process, built by the data layer's
 *              own RatingStore (idempotency Put + rating Put, both conditional, + totals ADD).
 *  - gateway:  HTTP POST /api/public/ratings over keep-alive sockets to the server child process
 *              (local gateway → submit-rating Lambda handler → use case → data layer).
 *  Every phase sends the anti-stuffing admission items too (a fresh phone per request, 1,000
 *  forwarded clients; decision 0015): the device slot and the client counter ride in the transaction.
 *  And the burst detector's conditional hour count (decision 0016), with a floor no phase reaches.
 *  - check:    diagnostic, not a target: the bare transaction plus a ConditionCheck that the window
 *              exists and is active, i.e. what a submission would cost DynamoDB if the handler
 *              checked the window inside the transaction (with a cached window record) instead
 *              of reading it first.
 *  - usecase:  diagnostic, not a target: the submitRating use case called in this process with
 *              the plain (uncached) directory: GetItem of the window + the same TransactWrite,
 *              without HTTP, the gateway, middy or zod. The handler caches that read for 10 s
 *              (data/read-cache.ts); this phase shows what one read per rating costs.
 */
export type PhaseName = 'bare' | 'gateway' | 'usecase' | 'check';
export const PHASES: PhaseName[] = ['bare', 'gateway', 'usecase', 'check'];
export const PHASE_LABELS: Record<PhaseName, string> = {
  bare: 'bare SDK TransactWrite',
  gateway: 'gateway + handler (HTTP)',
  usecase: 'use case in-process, uncached window (GetItem + TransactWrite)',
  check: 'bare + window ConditionCheck in the transaction',
};

export interface IngestionOptions {
  rounds: number;
  /** Seconds per phase per round at concurrency 16. */
  phaseSeconds: number;
  /** Sequential requests per phase per round at concurrency 1. */
  sequentialRequests: number;
  warmupSeconds: number;
  /** Stop warming up after this long even if the rate is still climbing (default 75). */
  warmupMaxSeconds?: number;
  windows: number;
  /** Phases to run (default all three); the gateway and bare phases are always needed. */
  phases?: PhaseName[];
  /**
   * A phase during which other processes used more than this many cores is run again (after
   * waiting for the machine to calm down), within `redoBudgetSeconds` for the whole section.
   */
  othersLimit?: number;
  redoBudgetSeconds?: number;
  /** Write a CPU profile of the server during one extra (uncounted) gateway phase here. */
  profileFile?: string;
  /**
   * Diagnostic: pin DynamoDB Local's JVM to CPU 0 and both Node processes (server and load
   * generator) to CPU 1 (taskset), so that the gateway cannot take CPU from DynamoDB Local.
   */
  pin?: boolean;
  log: (line: string) => void;
}

export interface PhaseRun {
  phase: PhaseName;
  concurrency: number;
  round: number;
  /** Run again because other processes were busy during it; not in the medians. */
  discarded?: boolean;
  ok: number;
  errors: number;
  elapsedMs: number;
  throughput: number;
  latency: LatencySummary;
  /** CPU ms per successful request. */
  serverCpuMsPerRequest: number;
  javaCpuMsPerRequest: number;
  loadGenCpuMsPerRequest: number;
  /**
   * CPU used during the phase, in cores (1 = one core fully busy): the three benchmark processes,
   * and everything else on the machine (other people's jobs), from /proc/stat.
   */
  cpuBusy: { server: number; java: number; loadGen: number; others: number; steal: number };
}

export interface IngestionResult {
  config: Omit<IngestionOptions, 'log' | 'profileFile'>;
  pinned?: string;
  /** Phases run again because the machine was busy with other work. */
  redone: number;
  /** Measured phases kept although other processes were busy (the redo budget ran out). */
  contaminated: number;
  dataDir: string;
  runs: PhaseRun[];
  /** Medians over rounds, per phase. */
  phases: PhaseName[];
  c16: Record<PhaseName, { throughput: number; serverCpuMsPerRequest: number; javaCpuMsPerRequest: number; loadGenCpuMsPerRequest: number; p50: number; p99: number }>;
  c1: Record<PhaseName, LatencySummary & { p50OfRounds: number; serverCpuMsPerRequest: number; javaCpuMsPerRequest: number; loadGenCpuMsPerRequest: number }>;
  throughputRatio: number;
  p50DeltaMs: number;
  errors: number;
  errorSamples: string[];
  totalsCheck: { stored: number; counted: number; consistent: boolean };
  profileFile?: string;
}

interface Driver {
  /** Send one rating; resolves true when it was stored (201 / no error). */
  send(i: number): Promise<boolean>;
}

function post(agent: Agent, url: URL, body: string, headers: Record<string, string>): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      url,
      {
        method: 'POST',
        agent,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), ...headers },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

const LEVELS: RatingLevel[] = [5, 4, 5, 3, 5, 4, 2, 5];
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** The same body for request i on every side. */
function ratingInput(windowCodes: string[], i: number): SubmitRatingInput {
  const level = LEVELS[i % LEVELS.length]!;
  return { windowCode: windowCodes[i % windowCodes.length]!, level, indicators: { efficiency: level, competence: level, attitude: level } };
}

interface LoopResult {
  ok: number;
  errors: number;
  elapsedMs: number;
  latencies: number[];
}

/**
 * Closed loop: `concurrency` workers each send one request after the other, until `until` says
 * stop (a deadline or a request count). Latency is measured around each send.
 */
async function closedLoop(driver: Driver, concurrency: number, until: { ms?: number; requests?: number }, onError: (e: unknown) => void): Promise<LoopResult> {
  const latencies: number[] = [];
  let ok = 0;
  let errors = 0;
  let issued = 0;
  const started = performance.now();
  const deadline = until.ms ? started + until.ms : Number.POSITIVE_INFINITY;
  const limit = until.requests ?? Number.POSITIVE_INFINITY;
  async function worker() {
    while (issued < limit && performance.now() < deadline) {
      const i = issued++;
      const t = performance.now();
      try {
        if (await driver.send(i)) ok++;
        else errors++;
      } catch (error) {
        errors++;
        onError(error);
      }
      latencies.push(performance.now() - t);
    }
  }
  await Promise.all(Array.from({ length: concurrency }, worker));
  return { ok, errors, elapsedMs: performance.now() - started, latencies };
}

export async function runIngestion(options: IngestionOptions): Promise<IngestionResult> {
  const { log } = options;
  // The benchmark must be on disk: DynamoDB Local's SQLite files in a temp folder on the root fs.
  const dataDir = mkdtempSync(join(tmpdir(), 'manyi-bench-'));
  log(`starting the server process (DynamoDB Local on disk in ${dataDir}) …`);
  const server: ServerProcess = await startServerProcess({ dataDir, web: false, seed: false, windows: options.windows });
  const { ready } = server;
  const javaPid = ready.javaPid;
  log(`server pid ${server.pid} at ${ready.url}, DynamoDB Local (java) pid ${javaPid ?? 'not found'}, ${ready.windowCodes.length} windows`);
  let pinned: string | undefined;
  const agent = new Agent({ keepAlive: true, maxSockets: 32, keepAliveMsecs: 10_000 });
  const doc = createDocumentClient({ region: 'local', endpoint: ready.dynamoEndpoint });
  const store = createRatingStore(doc, ready.tables);
  const plainLookups = { windows: createWindowStore(doc, ready.tables.ops), units: createUnitStore(doc, ready.tables.ops) };
  const windows = new Map(
    ready.windowCodes.map((code) => [code, { code, unitId: BENCH_UNIT.id, hallId: BENCH_HALL.id, staffOnDutyIds: [] as string[], surveyId: NATIONAL_SURVEY.surveyId, surveyVersion: NATIONAL_SURVEY.version }]),
  );
  const errorSamples: string[] = [];
  const noteError = (error: unknown) => {
    if (errorSamples.length < 5) errorSamples.push(error instanceof Error ? `${error.name}: ${error.message}` : String(error));
  };
  let stored = 0;

  // With the checks on, as residents arrive: every request from a fresh phone (device id), the
  // phones spread over 1,000 addresses, forwarded with a proof as the web server does. The bare
  // phase writes the same admission items (device slot, client counter) in its transaction.
  const throttle = localThrottle(doc, ready.tables.ops, Buffer.from(ready.clientKey, 'base64'));
  const burst = localBurst(doc, ready.tables.ops, { floor: BENCH_BURST_FLOOR });
  const CLIENTS = 1_000;
  const address = (i: number) => `10.${(i % CLIENTS) >> 8}.${i % 256}.1`;
  // Unique over the whole run (the request index restarts with every phase): each request is a new phone.
  let phones = 0;
  const deviceFor = (_i: number) => `bench-${String(++phones).padStart(16, '0')}`;
  const requester = async (i: number) => {
    const key = await throttle.keyring.dayKey(chinaDay(new Date()));
    return { client: forwardedClient(mac128, key, address(i)).split('.')[0]!, deviceId: deviceFor(i) };
  };
  const requesterHeaders = async (i: number) => {
    const key = await throttle.keyring.dayKey(chinaDay(new Date()));
    return { [CLIENT_HEADER]: forwardedClient(mac128, key, address(i)), [DEVICE_HEADER]: deviceFor(i) };
  };

  /** The rating and idempotency claim submitRating would build for request i (window known). */
  function bareWrite(i: number): { rating: StoredRating; idempotency: { keyHash: string; fingerprint: string; expiresAt: number } } {
    const input = ratingInput(ready.windowCodes, i);
    const window = windows.get(input.windowCode)!;
    const now = new Date();
    const nowSeconds = Math.floor(now.getTime() / 1000);
    return {
      rating: {
        id: randomId(),
        windowCode: window.code,
        unitId: window.unitId,
        hallId: window.hallId,
        day: chinaDay(now),
        level: input.level,
        ...(input.indicators ? { indicators: input.indicators } : {}),
        surveyId: window.surveyId,
        surveyVersion: window.surveyVersion,
        channel: 'window-qr',
        trust: 'poster',
        hasContact: false,
      },
      // As the use case: the claim's expiry rounded up to a UTC day boundary.
      idempotency: { keyHash: sha256(randomUUID()), fingerprint: sha256(canonical(input)), expiresAt: Math.ceil((nowSeconds + IDEMPOTENCY_TTL_SECONDS) / 86_400) * 86_400 },
    };
  }

  const drivers: Record<PhaseName, Driver> = {
    bare: {
      // Exactly the transaction submitRating sends, built by the data layer's RatingStore.
      async send(i) {
        const write = bareWrite(i);
        const now = new Date();
        const opening = caseOpening(write.rating.level, write.rating.day);
        await store.store({
          ...write,
          // A 差评 opens its case in the same transaction, as submitRating does (issue 15).
          ...(opening ? { opensCase: opening } : {}),
          admission: await ratingAdmission(throttle, await requester(i), write.rating.windowCode, now),
          burst: { hour: hourIndex(now), threshold: BENCH_BURST_FLOOR },
          now,
        });
        stored++;
        return true;
      },
    },
    check: {
      // The same items, plus a ConditionCheck on the window item (attribute_exists + active).
      async send(i) {
        const { rating, idempotency } = bareWrite(i);
        const { pk, sk } = keys.rating(rating.windowCode, rating.day, rating.id);
        const now = new Date();
        const opening = caseOpening(rating.level, rating.day);
        const admission = admissionItems(ready.tables.ops, await ratingAdmission(throttle, await requester(i), rating.windowCode, now), now).items;
        await doc.send(
          new TransactWriteCommand({
            ClientRequestToken: rating.id,
            TransactItems: [
              {
                Put: {
                  TableName: ready.tables.ops,
                  Item: { ...keys.idempotency(idempotency.keyHash), fingerprint: idempotency.fingerprint, ratingId: rating.id, expiresAt: idempotency.expiresAt },
                  ConditionExpression: 'attribute_not_exists(pk)',
                  ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
                },
              },
              { Put: { TableName: ready.tables.ops, Item: { pk, sk, kind: 'rating', ...rating }, ConditionExpression: 'attribute_not_exists(pk)' } },
              { Update: windowDayTotalsUpdate(ready.tables.totals, rating) },
              hourCountUpdate(ready.tables.ops, rating.windowCode, hourIndex(now), BENCH_BURST_FLOOR),
              ...admission,
              // A 差评's case, as the rating store adds it (issue 15).
              ...(opening ? caseOpeningItems(ready.tables.ops, { rating, opening, suspect: false, at: now }) : []),
              {
                ConditionCheck: {
                  TableName: ready.tables.ops,
                  Key: keys.window(rating.windowCode),
                  ConditionExpression: 'attribute_exists(pk) AND active = :true',
                  ExpressionAttributeValues: { ':true': true },
                },
              },
            ],
          }),
        );
        stored++;
        return true;
      },
    },
    gateway: {
      async send(i) {
        const body = JSON.stringify(ratingInput(ready.windowCodes, i));
        const res = await post(agent, new URL('/api/public/ratings', ready.url), body, { ...(await requesterHeaders(i)), 'idempotency-key': randomUUID() });
        if (res.status === 201) {
          stored++;
          return true;
        }
        noteError(new Error(`HTTP ${res.status}: ${res.body.slice(0, 200)}`));
        return false;
      },
    },
    usecase: {
      async send(i) {
        await submitRating(
          {
            ...plainLookups,
            ratings: store,
            sealer: { seal: () => Promise.reject(new Error('no contact in the benchmark')) } as never,
            throttle,
            burst,
            now: () => new Date(),
            randomId,
          },
          ratingInput(ready.windowCodes, i),
          { idempotencyKey: randomUUID(), requester: await requester(i) },
        );
        stored++;
        return true;
      },
    },
  };

  async function phase(name: PhaseName, concurrency: number, until: { ms?: number; requests?: number }, roundNo: number): Promise<PhaseRun> {
    const serverBefore = await server.cpuMs();
    const javaBefore = javaPid ? processCpuMs(javaPid) : Number.NaN;
    const machineBefore = machineCpu();
    const selfBefore = process.cpuUsage();
    const result = await closedLoop(drivers[name], concurrency, until, noteError);
    const selfUsage = process.cpuUsage(selfBefore);
    const machineAfter = machineCpu();
    const serverMs = (await server.cpuMs()) - serverBefore;
    const javaMs = javaPid ? processCpuMs(javaPid) - javaBefore : Number.NaN;
    const selfMs = (selfUsage.user + selfUsage.system) / 1000;
    // Machine busy time minus ours; /proc/stat ticks are coarse (10 ms), so this is approximate.
    const othersMs = Math.max(0, machineAfter.busyMs - machineBefore.busyMs - serverMs - javaMs - selfMs);
    const per = (ms: number) => ms / Math.max(1, result.ok);
    const busy = (ms: number) => ms / result.elapsedMs;
    const run: PhaseRun = {
      phase: name,
      concurrency,
      round: roundNo,
      ok: result.ok,
      errors: result.errors,
      elapsedMs: result.elapsedMs,
      throughput: (result.ok / result.elapsedMs) * 1000,
      latency: summarize(result.latencies),
      serverCpuMsPerRequest: per(serverMs),
      javaCpuMsPerRequest: per(javaMs),
      loadGenCpuMsPerRequest: per(selfMs),
      cpuBusy: { server: busy(serverMs), java: busy(javaMs), loadGen: busy(selfMs), others: busy(othersMs), steal: busy(machineAfter.stealMs - machineBefore.stealMs) },
    };
    sampleStore.set(run, result.latencies);
    return run;
  }

  const describe = (run: PhaseRun) =>
    `  ${run.round === 0 ? 'warm-up' : `round ${run.round}`} c=${String(run.concurrency).padEnd(2)} ${PHASE_LABELS[run.phase].padEnd(46)} ` +
    `${run.throughput.toFixed(1).padStart(7)} req/s  p50 ${run.latency.p50.toFixed(2).padStart(6)} ms  ` +
    `cpu/req server ${run.serverCpuMsPerRequest.toFixed(2)} java ${run.javaCpuMsPerRequest.toFixed(2)} loadgen ${run.loadGenCpuMsPerRequest.toFixed(2)} ms` +
    `  others ${run.cpuBusy.others.toFixed(2)} cores` +
    (run.errors ? `  ERRORS ${run.errors}` : '');

  const runs: PhaseRun[] = [];
  const phases = options.phases ?? PHASES;
  const othersLimit = options.othersLimit ?? 0.2;
  let redoBudgetMs = (options.redoBudgetSeconds ?? 60) * 1000;
  let redone = 0;
  let contaminated = 0;
  /** A measured phase; run again when other processes took CPU during it, while the budget lasts. */
  async function measured(name: PhaseName, concurrency: number, until: { ms?: number; requests?: number }, roundNo: number): Promise<void> {
    for (;;) {
      const run = await phase(name, concurrency, until, roundNo);
      runs.push(run);
      log(describe(run));
      if (run.cpuBusy.others <= othersLimit) return;
      if (redoBudgetMs <= 0) {
        contaminated++;
        log(`    other processes used ${run.cpuBusy.others.toFixed(2)} cores: kept (no redo budget left), results distorted`);
        return;
      }
      run.discarded = true;
      redone++;
      const waitStarted = Date.now();
      const { busy } = await waitForQuiet(redoBudgetMs, { threshold: 0.1 });
      redoBudgetMs -= Date.now() - waitStarted + run.elapsedMs;
      log(`    other processes used ${run.cpuBusy.others.toFixed(2)} cores: discarded, running it again (machine now ${busy.toFixed(2)} cores busy)`);
    }
  }
  /** Two runs of one phase as one: counts and CPU added up, latencies pooled. */
  function combine(a: PhaseRun, b: PhaseRun): PhaseRun {
    const ok = a.ok + b.ok;
    const elapsedMs = a.elapsedMs + b.elapsedMs;
    const perRequest = (key: 'serverCpuMsPerRequest' | 'javaCpuMsPerRequest' | 'loadGenCpuMsPerRequest') => (a[key] * a.ok + b[key] * b.ok) / Math.max(1, ok);
    const busy = (key: keyof PhaseRun['cpuBusy']) => (a.cpuBusy[key] * a.elapsedMs + b.cpuBusy[key] * b.elapsedMs) / elapsedMs;
    const samples = [...(sampleStore.get(a) ?? []), ...(sampleStore.get(b) ?? [])];
    const run: PhaseRun = {
      phase: a.phase,
      concurrency: a.concurrency,
      round: a.round,
      ok,
      errors: a.errors + b.errors,
      elapsedMs,
      throughput: (ok / elapsedMs) * 1000,
      latency: summarize(samples),
      serverCpuMsPerRequest: perRequest('serverCpuMsPerRequest'),
      javaCpuMsPerRequest: perRequest('javaCpuMsPerRequest'),
      loadGenCpuMsPerRequest: perRequest('loadGenCpuMsPerRequest'),
      cpuBusy: { server: busy('server'), java: busy('java'), loadGen: busy('loadGen'), others: busy('others'), steal: busy('steal') },
    };
    sampleStore.set(run, samples);
    return run;
  }

  /**
   * One round: each phase for `ms` in SLICES slices, in `names` order and then in reverse, again and
   * again (A B B A A B B A …); run again while other processes disturb it and the budget lasts.
   */
  async function interleavedRound(names: PhaseName[], concurrency: number, ms: number, roundNo: number): Promise<void> {
    for (;;) {
      const parts = new Map<PhaseName, PhaseRun>();
      for (let slice = 0; slice < SLICES; slice++) {
        for (const name of slice % 2 === 0 ? names : [...names].reverse()) {
          const run = await phase(name, concurrency, { ms: ms / SLICES }, roundNo);
          const before = parts.get(name);
          parts.set(name, before ? combine(before, run) : run);
        }
      }
      const round = names.map((name) => parts.get(name)!);
      runs.push(...round);
      for (const run of round) log(describe(run));
      const disturbed = round.filter((run) => run.cpuBusy.others > othersLimit);
      if (disturbed.length === 0) return;
      if (redoBudgetMs <= 0) {
        contaminated += disturbed.length;
        log(`    other processes used up to ${Math.max(...disturbed.map((run) => run.cpuBusy.others)).toFixed(2)} cores: kept (no redo budget left), results distorted`);
        return;
      }
      for (const run of round) run.discarded = true;
      redone += round.length;
      const waitStarted = Date.now();
      const { busy } = await waitForQuiet(redoBudgetMs, { threshold: 0.1 });
      redoBudgetMs -= Date.now() - waitStarted + round.reduce((sum, run) => sum + run.elapsedMs, 0);
      log(`    other processes were busy during the round: discarded, running it again (machine now ${busy.toFixed(2)} cores busy)`);
    }
  }

  try {
    if (options.pin) {
      if (!javaPid) throw new Error('cannot pin: the DynamoDB Local process was not found');
      // -a: every thread of the process, including those started later inherit it.
      const pin = (cpus: string, pid: number) => execFileSync('taskset', ['-a', '-cp', cpus, String(pid)], { stdio: 'ignore' });
      pin('0', javaPid);
      pin('1', server.pid);
      pin('1', process.pid);
      pinned = `DynamoDB Local JVM on CPU 0; server and load generator on CPU 1`;
      log(`pinned: ${pinned}`);
    }
    // Warm-up: JIT in both Node processes and the JVM, SQLite pages, sockets. Not counted.
    // DynamoDB Local's JVM keeps getting faster for 20–40 s after start, so warm up in slices
    // until the bare throughput of two consecutive undisturbed slices agrees within 7% (3 loops at least).
    const slice = Math.max(1, options.warmupSeconds / 3) * 1000;
    log(`warm-up: slices of ${slice / 1000} s per phase at c=16 until the bare rate is stable (at least ${(3 * slice) / 1000} s per phase) …`);
    let previous: number | undefined;
    const warmupEnds = Date.now() + (options.warmupMaxSeconds ?? 75) * 1000;
    for (let loop = 0; ; loop++) {
      let bareRate: number | undefined;
      let disturbed = false;
      for (const name of phases) {
        const run = await phase(name, 16, { ms: slice }, 0);
        log(describe(run));
        if (name === 'bare') bareRate = run.throughput;
        if (run.cpuBusy.others > othersLimit) disturbed = true;
      }
      const stable = previous !== undefined && !disturbed && Math.abs(bareRate! - previous) / previous < 0.07;
      if ((loop >= 2 && stable) || Date.now() > warmupEnds) {
        if (!stable) log('    warm-up: still not stable at its time limit; measuring anyway');
        break;
      }
      previous = disturbed ? undefined : bareRate;
      if (disturbed) await waitForQuiet(20_000, { threshold: 0.1 });
    }
    for (const name of phases) log(describe(await phase(name, 1, { requests: 100 }, 0)));

    // Rotate the phase order every round (a Latin square) so that neither side always runs
    // right after the other or first after a pause.
    const order = (r: number) => phases.map((_, i) => phases[(i + r) % phases.length]!);
    // At c=16 each round runs every phase in SLICES short slices, interleaved A B B A A B B A: the
    // JVM CPU per request of DynamoDB Local swings by up to 25 % from one phase to the next (its
    // garbage collector and JIT on a 2-core machine), and in whole 5-s phases whichever side ran
    // during a slow stretch lost the round (gateway/bare 80–117 % per round at the same median).
    // Interleaved slices give every phase the same share of the JVM's good and bad seconds.
    log(`measuring: ${options.rounds} rounds × ${options.phaseSeconds} s per phase at c=16, interleaved in ${SLICES} slices …`);
    for (let r = 1; r <= options.rounds; r++) await interleavedRound(order(r - 1), 16, options.phaseSeconds * 1000, r);
    log(`measuring: ${options.rounds} rounds × ${options.sequentialRequests} sequential requests per phase at c=1 …`);
    for (let r = 1; r <= options.rounds; r++) {
      for (const name of order(r - 1)) await measured(name, 1, { requests: options.sequentialRequests }, r);
    }

    let profileFile: string | undefined;
    if (options.profileFile) {
      log(`profiling the server during one extra gateway phase at c=16 (${options.phaseSeconds} s, not counted) …`);
      await server.profileStart();
      const run = await phase('gateway', 16, { ms: options.phaseSeconds * 1000 }, -1);
      await server.profileStop(options.profileFile);
      log(`${describe(run).replace('round -1', 'profiled')}`);
      profileFile = options.profileFile;
    }

    // Every stored rating must be counted exactly once in the running totals.
    let counted = 0;
    for (const code of ready.windowCodes) {
      const { Items = [] } = await doc.send(
        new QueryCommand({ TableName: ready.tables.totals, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': keys.windowTotalsPartition(code) }, ConsistentRead: true }),
      );
      for (const item of Items) for (const level of [1, 2, 3, 4, 5]) counted += Number(item[`c${level}`] ?? 0);
    }

    const kept = (name: PhaseName, c: number) => runs.filter((run) => run.phase === name && run.concurrency === c && run.round > 0 && !run.discarded);
    const c16 = Object.fromEntries(
      phases.map((name) => {
        const list = kept(name, 16);
        return [
          name,
          {
            throughput: median(list.map((run) => run.throughput)),
            serverCpuMsPerRequest: median(list.map((run) => run.serverCpuMsPerRequest)),
            javaCpuMsPerRequest: median(list.map((run) => run.javaCpuMsPerRequest)),
            loadGenCpuMsPerRequest: median(list.map((run) => run.loadGenCpuMsPerRequest)),
            p50: median(list.map((run) => run.latency.p50)),
            p99: median(list.map((run) => run.latency.p99)),
          },
        ];
      }),
    ) as IngestionResult['c16'];
    // c=1: percentiles over the pooled samples of all rounds (p99 needs the samples), and the
    // median of the per-round p50s as a cross-check.
    const c1 = Object.fromEntries(
      phases.map((name) => {
        const list = kept(name, 1);
        return [
          name,
          {
            ...pooled(list),
            p50OfRounds: median(list.map((run) => run.latency.p50)),
            serverCpuMsPerRequest: median(list.map((run) => run.serverCpuMsPerRequest)),
            javaCpuMsPerRequest: median(list.map((run) => run.javaCpuMsPerRequest)),
            loadGenCpuMsPerRequest: median(list.map((run) => run.loadGenCpuMsPerRequest)),
          },
        ];
      }),
    ) as IngestionResult['c1'];
    // Errors count in every run, discarded or not: a failed request is a failure whatever the load.
    const errors = runs.reduce((sum, run) => sum + run.errors, 0);

    return {
      ...(pinned ? { pinned } : {}),
      redone,
      contaminated,
      phases,
      config: { rounds: options.rounds, phaseSeconds: options.phaseSeconds, sequentialRequests: options.sequentialRequests, warmupSeconds: options.warmupSeconds, windows: options.windows },
      dataDir,
      runs,
      c16,
      c1,
      throughputRatio: c16.gateway.throughput / c16.bare.throughput,
      p50DeltaMs: c1.gateway.p50 - c1.bare.p50,
      errors,
      errorSamples,
      totalsCheck: { stored, counted, consistent: stored === counted },
      ...(profileFile ? { profileFile } : {}),
    };
  } finally {
    if (options.pin) {
      try {
        execFileSync('taskset', ['-a', '-cp', `0-${availableParallelism() - 1}`, String(process.pid)], { stdio: 'ignore' });
      } catch {
        log('WARNING: could not unpin the benchmark process');
      }
    }
    doc.destroy();
    agent.destroy();
    await server.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }

  function pooled(list: PhaseRun[]): LatencySummary {
    return summarize(list.flatMap((run) => sampleStore.get(run) ?? []));
  }
}

/** Latency samples per run, kept out of the JSON result (they are many). */
const sampleStore = new WeakMap<PhaseRun, number[]>();
/** Slices per phase and round at c=16 (see interleavedRound). */
const SLICES = 6;
