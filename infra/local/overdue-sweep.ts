import { sweepOverdueCases, type SweepDeps, type SweepResult } from '../../functions/src/use-cases/cases/sweep.js';

/** How often `npm start` sweeps: hourly, so a new China-time day is swept within the hour of its start. */
export const LOCAL_SWEEP_EVERY_MS = 3_600_000;

/**
 * The overdue sweep of 差评 cases in `npm start` (what EventBridge runs daily in AWS): once at start,
 * then every hour. The sweep is idempotent — a case is escalated once — so sweeping more often
 * than daily changes nothing but how soon a case is escalated. A failed sweep is logged; the next
 * one tries again.
 */
export async function startOverdueSweep(deps: SweepDeps, log: (line: string) => void, everyMs = LOCAL_SWEEP_EVERY_MS): Promise<{ stop(): void }> {
  const run = async (): Promise<void> => {
    try {
      report(await sweepOverdueCases(deps), log);
    } catch (error) {
      log(`超期 sweep failed (${(error as Error).name}); the next one tries again`);
    }
  };
  await run();
  const timer = setInterval(() => void run(), everyMs);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}

function report(result: SweepResult, log: (line: string) => void): void {
  log(`超期 sweep of ${result.today}: ${result.units} units, ${result.overdue} overdue cases not yet escalated, ${result.escalated} escalated to their parent unit, ${result.topLevel} of top-level units, ${result.skipped} left for the next sweep`);
}
