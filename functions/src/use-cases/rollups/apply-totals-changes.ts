import { planRollupWrites, sourceChangeOf, type SourceChange, type TotalsChange } from '../../data/rollups/rollup-layout.js';
import type { RollupStore } from '../../data/rollups/rollups.js';
import type { WindowStore } from '../../data/windows.js';
import { pool } from '../../data/pool.js';

export interface RollupDeps {
  rollups: RollupStore;
  windows: Pick<WindowStore, 'getMany'>;
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
const CONCURRENCY = 16;

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
  await learnUnits(deps, sources.map((source) => source.windowCode));
  const withUnits = sources.map((source) => ({ source, unitId: unitOfWindow.get(source.windowCode)! }));
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

/** The units of the windows not met yet, read in BatchGetItems of 100 (a province's busy batch meets hundreds). */
async function learnUnits(deps: RollupDeps, windowCodes: readonly string[]): Promise<void> {
  const unknown = [...new Set(windowCodes)].filter((code) => !unitOfWindow.has(code));
  if (unknown.length === 0) return;
  const found = await deps.windows.getMany(unknown);
  for (const code of unknown) {
    const window = found.get(code);
    // Totals exist only for windows that exist: a missing one is a fault to retry and then to
    // dead-letter, never a change to drop silently.
    if (!window) throw new Error(`totals of window ${code}, which does not exist`);
    unitOfWindow.set(code, window.unitId);
  }
}
