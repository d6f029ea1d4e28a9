import { execFileSync } from 'node:child_process';
import { createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { reportPdf } from '../../functions/src/use-cases/exports/export-pdf.js';
import { reportXlsx, writeReportXlsx } from '../../functions/src/use-cases/exports/export-xlsx.js';
import { reportDataHash } from '../../functions/src/use-cases/exports/integrity.js';
import { posterFont } from '../../functions/src/use-cases/posters/poster-font.js';
import { fixtureReport } from '../support/report-fixture.js';
import { kb, markdownTable, median } from './stats.js';

/**
 * Section `exports` of `npm run bench` (issue 4 targets): XLSX of a 5,000-window report ≤ 1 s and
 * PDF of a 5,000-window report ≤ 1 s (median of BENCH_EXPORT_SAMPLES runs in this process, after
 * one warm-up), and XLSX of 50,000 windows streamed to a file within 512 MB: a fresh child
 * process builds the report and streams it, and reports its peak resident set (getrusage maxrss,
 * which counts every page the process ever held, V8 heap and native zlib buffers alike).
 * The reports are synthetic (test/support/report-fixture.ts, seeded), shaped like the real one.
 */
export const XLSX_5K_MAX_MS = 1000;
export const PDF_5K_MAX_MS = 1000;
export const XLSX_50K_MAX_MB = 512;

export interface ExportsCheck {
  target: string;
  measured: string;
  status: 'pass' | 'FAIL' | 'info';
}

export interface ExportsResult {
  samples: number;
  xlsx5k: { medianMs: number; runsMs: number[]; cpuMedianMs: number; bytes: number };
  pdf5k: { medianMs: number; runsMs: number[]; cpuMedianMs: number; bytes: number; pages: number };
  xlsx50k: { ms: number; peakRssMb: number; bytes: number; heapLimitMb: number };
  checks: ExportsCheck[];
}

const CHILD_FLAG = '--xlsx-50k-child';

/**
 * Wall time of each run, and the CPU time this process spent on it (user + system): on a shared
 * 2-core machine the wall time grows with other people's load, the CPU time much less.
 */
async function timeRuns(samples: number, run: () => Promise<Buffer>): Promise<{ runsMs: number[]; cpuMs: number[]; bytes: number }> {
  let bytes = (await run()).length; // warm-up: module init, font parsing
  const runsMs: number[] = [];
  const cpuMs: number[] = [];
  for (let i = 0; i < samples; i++) {
    const t = performance.now();
    const cpu = process.cpuUsage();
    bytes = (await run()).length;
    const used = process.cpuUsage(cpu);
    runsMs.push(Math.round(performance.now() - t));
    cpuMs.push(Math.round((used.user + used.system) / 1000));
  }
  return { runsMs, cpuMs, bytes };
}

export async function runExports(options: { samples?: number; log: (line: string) => void }): Promise<ExportsResult> {
  const samples = Math.max(5, options.samples ?? 7);
  const report = fixtureReport({ windows: 5000, units: 40, seed: 5000 });
  const stamp = { dataHash: reportDataHash(report), generatedAt: new Date().toISOString() };
  const font = posterFont();

  options.log(`exports: XLSX of ${report.byWindow.length} windows, ${samples} runs`);
  const xlsx = await timeRuns(samples, () => reportXlsx(report, stamp));
  options.log(`exports: PDF of ${report.byWindow.length} windows, ${samples} runs`);
  const pdf = await timeRuns(samples, () => reportPdf(report, stamp, font));
  const pages = (await reportPdf(report, stamp, font)).toString('latin1').match(/\/Type \/Page\b/g)?.length ?? 0;

  options.log('exports: XLSX of 50,000 windows streamed to a file in a child process');
  const heapLimitMb = 448;
  const out = execFileSync(process.execPath, [`--max-old-space-size=${heapLimitMb}`, '--import', 'tsx', fileURLToPath(import.meta.url), CHILD_FLAG], {
    encoding: 'utf8',
    maxBuffer: 1 << 20,
  });
  const child = JSON.parse(out.trim().split('\n').pop()!) as { ms: number; peakRssMb: number; bytes: number };

  const result: ExportsResult = {
    samples,
    xlsx5k: { medianMs: median(xlsx.runsMs), runsMs: xlsx.runsMs, cpuMedianMs: median(xlsx.cpuMs), bytes: xlsx.bytes },
    pdf5k: { medianMs: median(pdf.runsMs), runsMs: pdf.runsMs, cpuMedianMs: median(pdf.cpuMs), bytes: pdf.bytes, pages },
    xlsx50k: { ...child, heapLimitMb },
    checks: [],
  };
  result.checks.push(
    {
      target: `XLSX, 5,000 windows ≤ ${XLSX_5K_MAX_MS} ms (median of ${samples})`,
      measured: `${result.xlsx5k.medianMs} ms (runs ${xlsx.runsMs.join(', ')}; CPU median ${result.xlsx5k.cpuMedianMs} ms), ${kb(xlsx.bytes)}`,
      status: result.xlsx5k.medianMs <= XLSX_5K_MAX_MS ? 'pass' : 'FAIL',
    },
    {
      target: `XLSX, 50,000 windows streamed within ${XLSX_50K_MAX_MB} MB`,
      measured: `peak RSS ${child.peakRssMb} MB, ${child.ms} ms, ${kb(child.bytes)} (V8 heap capped at ${heapLimitMb} MB)`,
      status: child.peakRssMb <= XLSX_50K_MAX_MB ? 'pass' : 'FAIL',
    },
    {
      target: `PDF, 5,000 windows ≤ ${PDF_5K_MAX_MS} ms (median of ${samples})`,
      measured: `${result.pdf5k.medianMs} ms (runs ${pdf.runsMs.join(', ')}; CPU median ${result.pdf5k.cpuMedianMs} ms), ${pages} pages, ${kb(pdf.bytes)}`,
      status: result.pdf5k.medianMs <= PDF_5K_MAX_MS ? 'pass' : 'FAIL',
    },
  );
  return result;
}

export function exportsMarkdown(result: ExportsResult): string {
  return markdownTable(
    ['export (synthetic report)', 'median wall', 'median CPU', 'runs (wall ms)', 'size', 'memory'],
    [
      ['XLSX, 5,000 windows (in memory)', `${result.xlsx5k.medianMs} ms`, `${result.xlsx5k.cpuMedianMs} ms`, result.xlsx5k.runsMs.join(', '), kb(result.xlsx5k.bytes), '–'],
      ['PDF, 5,000 windows', `${result.pdf5k.medianMs} ms`, `${result.pdf5k.cpuMedianMs} ms`, result.pdf5k.runsMs.join(', '), `${kb(result.pdf5k.bytes)}, ${result.pdf5k.pages} pages`, '–'],
      ['XLSX, 50,000 windows streamed to a file (child process)', `${result.xlsx50k.ms} ms (one run)`, '–', '1', kb(result.xlsx50k.bytes), `peak RSS ${result.xlsx50k.peakRssMb} MB`],
    ],
  );
}

/** The child: build a 50,000-window report, stream its XLSX to a file, print time and peak RSS. */
async function child(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'manyi-xlsx-'));
  try {
    const file = join(dir, 'report.xlsx');
    const report = fixtureReport({ windows: 50_000, units: 200, seed: 50_000 });
    const stamp = { dataHash: reportDataHash(report), generatedAt: new Date().toISOString() };
    let sampled = 0;
    const timer = setInterval(() => (sampled = Math.max(sampled, process.memoryUsage().rss)), 20);
    const t = performance.now();
    const stream = createWriteStream(file);
    const closed = new Promise<void>((resolve, reject) => {
      stream.on('close', resolve);
      stream.on('error', reject);
    });
    await writeReportXlsx(report, stamp, stream);
    await closed;
    const ms = Math.round(performance.now() - t);
    clearInterval(timer);
    const peakRssMb = Math.round(process.resourceUsage().maxRSS / 1024);
    console.log(JSON.stringify({ ms, peakRssMb, sampledMb: sampled >> 20, bytes: statSync(file).size }));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv.includes(CHILD_FLAG)) await child();
