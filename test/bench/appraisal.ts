import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { AppraisalTallyRun } from './appraisal-tally-job.js';
import { measureSlips, SLIPS_MAX_MS } from './slips.js';
import { markdownTable, median } from './stats.js';

const execFileAsync = promisify(execFile);

/**
 * Section `appraisal` (issue 14): the tally of 200 subjects × 5 rater groups × 2,000 ballots per
 * group (10,000 ballots, 2,000,000 choices) with every rule on, ≤ 2 s and ≤ 256 MB. Each round runs
 * test/bench/appraisal-tally-job.ts in a process of its own under the heap a 256 MB function
 * leaves its code, so the peak RSS is the tally's alone.
 */
export const TALLY_MAX_MS = 2_000;
export const TALLY_MAX_RSS_MIB = 256;
/** Heap of a 256 MB function after its code and buffers. */
const TALLY_HEAP_MIB = 160;

export interface AppraisalOptions {
  rounds: number;
  subjects: number;
  groups: number;
  ballotsPerGroup: number;
  log: (line: string) => void;
}

export interface AppraisalResult {
  runs: AppraisalTallyRun[];
  /** 2,000 slips rendered to one PDF, per round. */
  slips: { slips: number; ms: number; bytes: number }[];
  checks: { target: string; measured: string; status: 'pass' | 'FAIL' | 'info' }[];
}

export async function runAppraisal(options: AppraisalOptions): Promise<AppraisalResult> {
  const runs: AppraisalTallyRun[] = [];
  for (let round = 0; round < options.rounds; round++) {
    const { stdout } = await execFileAsync(
      process.execPath,
      [`--max-old-space-size=${process.env.BENCH_TALLY_HEAP_MIB ?? TALLY_HEAP_MIB}`, '--import', 'tsx', fileURLToPath(new URL('./appraisal-tally-job.ts', import.meta.url))],
      {
        env: {
          ...process.env,
          BENCH_TALLY_SUBJECTS: String(options.subjects),
          BENCH_TALLY_GROUPS: String(options.groups),
          BENCH_TALLY_BALLOTS: String(options.ballotsPerGroup),
        },
        maxBuffer: 1024 * 1024,
      },
    );
    const run = JSON.parse(stdout.trim().split('\n').at(-1)!) as AppraisalTallyRun;
    options.log(`appraisal round ${round}: tally ${run.tallyMs} ms (finish ${run.finishMs} ms), peak RSS ${run.maxRssMiB} MiB, ${run.invalid} invalid, ${run.proposedTop} 优秀, ${run.capped} capped, ${run.vetoed} vetoed`);
    runs.push(run);
  }
  const slips: AppraisalResult['slips'] = [];
  for (let round = 0; round < options.rounds; round++) {
    const run = await measureSlips(2_000);
    options.log(`appraisal slips round ${round}: ${run.slips} slips in ${run.ms} ms, ${(run.bytes / 1024 / 1024).toFixed(1)} MiB`);
    slips.push(run);
  }
  const slipMs = slips.map((run) => run.ms);
  const tallies = runs.map((run) => run.tallyMs);
  const rss = runs.map((run) => run.maxRssMiB);
  const size = `${options.subjects} subjects × ${options.groups} groups × ${options.ballotsPerGroup.toLocaleString('en')} ballots`;
  return {
    runs,
    slips,
    checks: [
      {
        target: `Appraisal: 2,000 printed slips as one PDF ≤ ${SLIPS_MAX_MS / 1000} s, every round`,
        measured: `median ${median(slipMs)} ms, worst ${Math.max(...slipMs)} ms (spread ${Math.max(...slipMs) - Math.min(...slipMs)} ms), ${(median(slips.map((run) => run.bytes)) / 1024 / 1024).toFixed(1)} MiB`,
        status: Math.max(...slipMs) <= SLIPS_MAX_MS ? 'pass' : 'FAIL',
      },
      {
        target: `Appraisal: tally of ${size} ≤ ${TALLY_MAX_MS / 1000} s, every round`,
        measured: `median ${median(tallies)} ms, worst ${Math.max(...tallies)} ms (spread ${Math.max(...tallies) - Math.min(...tallies)} ms)`,
        status: Math.max(...tallies) <= TALLY_MAX_MS ? 'pass' : 'FAIL',
      },
      {
        target: `Appraisal: … and ≤ ${TALLY_MAX_RSS_MIB} MB`,
        measured: `peak RSS of the tallying process ${Math.min(...rss)}–${Math.max(...rss)} MiB (of which ${median(runs.map((run) => run.baseRssMiB))} MiB before the first ballot)`,
        status: Math.max(...rss) <= TALLY_MAX_RSS_MIB ? 'pass' : 'FAIL',
      },
    ],
  };
}

export function appraisalMarkdown(result: AppraisalResult): string {
  const first = result.runs[0]!;
  return [
    `民主评议 tally (manyi-appraisal-v1, every rule on): ${first.subjects} subjects × ${first.groups} groups × ${first.ballotsPerGroup.toLocaleString('en')} ballots per group, ${first.indicators} indicator, ballots counted page by page in a process of its own; ${result.runs.length} rounds:`,
    '',
    markdownTable(
      ['measure', 'median', 'rounds'],
      [
        ['tally (ballot objects made page by page, counted, result computed), ms', String(median(result.runs.map((run) => run.tallyMs))), result.runs.map((run) => run.tallyMs).join(', ')],
        ['… of which the result from the counts, ms', String(median(result.runs.map((run) => run.finishMs))), result.runs.map((run) => run.finishMs).join(', ')],
        ['peak RSS of the process (MiB)', String(median(result.runs.map((run) => run.maxRssMiB))), result.runs.map((run) => run.maxRssMiB).join(', ')],
        ['2,000 slips (5 groups × 400) rendered to one PDF, ms', String(median(result.slips.map((run) => run.ms))), result.slips.map((run) => run.ms).join(', ')],
        ['invalid ballots / proposed 优秀 / moved by the cap / vetoed', `${first.invalid} / ${first.proposedTop} / ${first.capped} / ${first.vetoed}`, 'same every round (fixed seed)'],
      ],
    ),
    '',
    markdownTable(['target', 'measured', 'status'], result.checks.map((c) => [c.target, c.measured, c.status])),
  ].join('\n');
}
