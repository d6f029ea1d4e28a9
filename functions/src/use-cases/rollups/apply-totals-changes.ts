import { planRollupWrites, sourceChangeOf, type SourceChange, type TotalsChange } from '../../data/rollups/rollup-layout.js';
import type { RollupStore } from '../../data/rollups/rollups.js';
import type { WindowStore } from '../../data/windows.js';
import { pool } from '../../data/pool.js';

export interface RollupDeps {
  rollups: RollupStore;
  windows: Pick<WindowStore, 'get'>;
}

export interface RollupRun {
  /** Stream records given. */
  records: number;
  /** Of those, changes of window-day items (the rest are the rollups' own changes). */
  sources: number;
  /** Conditional writes made; `already` of them found every part taken before (a redelivery). */
  writes: number;
  already: number;
}

/** A window's unit never changes (windows do not move between units): remembered for the life of the process. */
const unitOfWindow = new Map<string, string>();

/** Items written at once: the writes of one item go in order, items in parallel. */
const CONCURRENCY = 8;

/**
 * Apply a batch of the totals table's stream (decision 0031), in stream order, to the rollups:
 * the Lambda consumer in AWS and the local poller call this one function. Exactly once per item
 * whatever the retries (rollup-layout.ts). A failure throws after the writes in flight finish;
 * the batch is then delivered again, and what was written is recognised by the markers.
 */
export async function applyTotalsChanges(deps: RollupDeps, changes: readonly TotalsChange[]): Promise<RollupRun> {
  const sources: SourceChange[] = [];
  for (const change of changes) {
    const source = sourceChangeOf(change);
    if (source) sources.push(source);
  }
  const withUnits = [];
  for (const source of sources) withUnits.push({ source, unitId: await unitOf(deps, source.windowCode) });
  const items = planRollupWrites(withUnits);
  const run: RollupRun = { records: changes.length, sources: sources.length, writes: 0, already: 0 };
  await pool(items, CONCURRENCY, async (writes) => {
    for (const write of writes) {
      run.writes += 1;
      if ((await deps.rollups.apply(write)) === 'already') run.already += 1;
    }
  });
  return run;
}

async function unitOf(deps: RollupDeps, windowCode: string): Promise<string> {
  const known = unitOfWindow.get(windowCode);
  if (known) return known;
  const window = await deps.windows.get(windowCode);
  // Totals exist only for windows that exist: a missing one is a fault to retry and then to
  // dead-letter, never a change to drop silently.
  if (!window) throw new Error(`totals of window ${windowCode}, which does not exist`);
  unitOfWindow.set(windowCode, window.unitId);
  return window.unitId;
}
