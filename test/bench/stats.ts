import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

/** Small statistics and /proc helpers shared by the benchmark sections. */

export function median(values: number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Nearest-rank percentile (p in 0..100) of unsorted samples. */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1]!;
}

export interface LatencySummary {
  count: number;
  p50: number;
  p95: number;
  p99: number;
  mean: number;
  max: number;
}

export function summarize(samples: number[]): LatencySummary {
  return {
    count: samples.length,
    p50: percentile(samples, 50),
    p95: percentile(samples, 95),
    p99: percentile(samples, 99),
    mean: samples.reduce((sum, value) => sum + value, 0) / Math.max(1, samples.length),
    max: samples.length ? Math.max(...samples) : Number.NaN,
  };
}

export const round = (value: number, digits = 2): number => (Number.isFinite(value) ? Number(value.toFixed(digits)) : value);

export const kb = (bytes: number): string => `${(bytes / 1024).toFixed(1)} KB`;

let clockTicks: number | undefined;
function ticksPerSecond(): number {
  if (clockTicks === undefined) {
    try {
      clockTicks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      clockTicks = 100;
    }
  }
  return clockTicks;
}

/** CPU time (user + system, ms) a process has used so far, from /proc/<pid>/stat; NaN when unreadable. */
export function processCpuMs(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name is in parentheses and may contain spaces: split after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // Fields after the name start at field 3 (state): utime is field 14, stime field 15.
    const utime = Number(fields[11]);
    const stime = Number(fields[12]);
    return ((utime + stime) * 1000) / ticksPerSecond();
  } catch {
    return Number.NaN;
  }
}

/** Direct children of a process (Linux /proc), with their command names. */
export function childProcesses(pid: number): { pid: number; comm: string }[] {
  const children: { pid: number; comm: string }[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === pid) children.push({ pid: Number(entry), comm });
    } catch {
      // The process went away while we looked.
    }
  }
  return children;
}

/** Fixed-width text table for the console. */
export function table(headers: string[], rows: (string | number)[][]): string {
  const cells = [headers, ...rows.map((row) => row.map(String))];
  const widths = headers.map((_, i) => Math.max(...cells.map((row) => [...(row[i] ?? '')].length)));
  const line = (row: string[]) => row.map((cell, i) => cell.padEnd(widths[i]!)).join('  ');
  return [line(cells[0]!), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.slice(1).map(line)].join('\n');
}

/** Markdown table. */
export function markdownTable(headers: string[], rows: (string | number)[][]): string {
  return [
    `| ${headers.join(' | ')} |`,
    `| ${headers.map(() => '---').join(' | ')} |`,
    ...rows.map((row) => `| ${row.map(String).join(' | ')} |`),
  ].join('\n');
}

/** Whole-machine CPU counters from /proc/stat, ms summed over all cores. */
export interface MachineCpu {
  busyMs: number;
  idleMs: number;
  stealMs: number;
}

export function machineCpu(): MachineCpu {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n')[0]!;
    const [, user, nice, system, idle, iowait, irq, softirq, steal] = line.trim().split(/\s+/).map(Number) as number[];
    const toMs = (ticks: number) => (ticks * 1000) / ticksPerSecond();
    return { busyMs: toMs(user! + nice! + system! + irq! + softirq!), idleMs: toMs(idle! + iowait!), stealMs: toMs(steal ?? 0) };
  } catch {
    return { busyMs: Number.NaN, idleMs: Number.NaN, stealMs: Number.NaN };
  }
}

/** 1-minute load average. */
export function loadAverage(): number {
  try {
    return Number(readFileSync('/proc/loadavg', 'utf8').split(' ')[0]);
  } catch {
    return Number.NaN;
  }
}

/** CPU (in cores) used by all processes on the machine over `ms`. */
export async function machineBusyCores(ms: number): Promise<number> {
  const before = machineCpu();
  await new Promise((resolve) => setTimeout(resolve, ms));
  return (machineCpu().busyMs - before.busyMs) / ms;
}

/**
 * Wait up to `maxMs` for the machine to be nearly idle (under `threshold` cores busy over a
 * `sampleMs` window). Resolves with the last measured load and whether it got quiet.
 */
export async function waitForQuiet(maxMs: number, options: { threshold?: number; sampleMs?: number; onWait?: (busy: number) => void } = {}): Promise<{ quiet: boolean; busy: number }> {
  const threshold = options.threshold ?? 0.15;
  const deadline = Date.now() + maxMs;
  for (;;) {
    const busy = await machineBusyCores(options.sampleMs ?? 1000);
    if (busy < threshold) return { quiet: true, busy };
    if (Date.now() >= deadline) return { quiet: false, busy };
    options.onWait?.(busy);
  }
}
