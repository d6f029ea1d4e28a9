import { addDays } from '#shared/domain/china-time.js';
import type { RatingStore } from '../data/ratings.js';
import { TotalsChangedError, type TotalsMaintenance } from '../data/totals.js';
import type { UnitStore } from '../data/units.js';
import type { WindowStore } from '../data/windows.js';
import { caseCounterValues, compareCounters, recountCounters, type CounterDrift, type Counters } from '../data/window-day-counters.js';
import { caseProgress, type CaseStore } from '../data/cases/cases.js';
import { caseCounters } from '#shared/domain/cases/case-metrics.js';
import { opensCase } from '#shared/domain/cases/case-state.js';

export interface RecountDeps {
  units: Pick<UnitStore, 'children'>;
  windows: Pick<WindowStore, 'listSubtree'>;
  ratings: Pick<RatingStore, 'listCounted'>;
  /** The cases the window-day's 差评 opened: their metrics' counters are on the same items. */
  cases: Pick<CaseStore, 'getMany'>;
  totals: TotalsMaintenance;
}

export interface RecountOptions {
  /** China-time days, inclusive. */
  from: string;
  to: string;
  /** Only these windows; default: every window of every org tree. */
  windowCodes?: readonly string[] | undefined;
  /** Report drift, change nothing. */
  dryRun?: boolean;
  /** Window-days recounted at once (default 8). */
  concurrency?: number;
  /** Called once per window-day whose totals differ from the recount. */
  onDrift?: (drift: WindowDayDrift) => void;
}

export interface WindowDayDrift {
  windowCode: string;
  day: string;
  /** Counters whose window-day sum differs from the recount (empty when only the layout is off). */
  counters: CounterDrift[];
  repaired: boolean;
  /** The window-day still had the legacy combined item `DAY#{day}` (before 0018): moved into per-channel items when repaired. */
  migrated?: true;
}

export interface RecountSummary {
  windows: number;
  windowDaysChecked: number;
  drifted: number;
  repaired: number;
  /** Of the drifted: window-days that still had a legacy combined item (moved into per-channel items unless a dry run). */
  migrated: number;
  /** Repairs that found the totals changed by a concurrent rating and read again. */
  retries: number;
}

/** How often a window-day is read again when ratings keep arriving during its repair. */
const MAX_REPAIR_ATTEMPTS = 10;

/** Every window code: the roots of the forest (O5), then each root's windows (O3). No Scan. */
export async function allWindowCodes(deps: Pick<RecountDeps, 'units' | 'windows'>): Promise<string[]> {
  const codes: string[] = [];
  let rootCursor: string | undefined;
  do {
    const roots = await deps.units.children(null, { includeArchived: true, cursor: rootCursor, limit: 500 });
    for (const root of roots.items) {
      let cursor: string | undefined;
      do {
        const page = await deps.windows.listSubtree(root.path, { cursor, limit: 500 });
        codes.push(...page.items.map((window) => window.code));
        cursor = page.cursor;
      } while (cursor);
    }
    rootCursor = roots.cursor;
  } while (rootCursor);
  return [...new Set(codes)].sort();
}

export function daysFrom(from: string, to: string): string[] {
  const days: string[] = [];
  for (let day = from; day <= to; day = addDays(day, 1)) days.push(day);
  return days;
}

/**
 * What a window-day's totals items must hold, from its raw ratings (pattern 7) and the cases they
 * opened (差评整改: each case, same id as its rating, adds its counters; case-metrics.ts).
 */
export async function recountedCounters(deps: Pick<RecountDeps, 'ratings' | 'cases'>, windowCode: string, day: string): Promise<Counters> {
  const ratings = await deps.ratings.listCounted(windowCode, day);
  const recounted = recountCounters(ratings);
  const opened = ratings.filter((rating) => opensCase(rating.level)).map((rating) => rating.id);
  for (const found of opened.length ? await deps.cases.getMany(opened) : []) {
    // Cases of these ratings: each has its rating's channel (only a mailbox letter has none).
    if (!found.channel) continue;
    for (const [name, value] of Object.entries(caseCounterValues(found.channel, caseCounters(caseProgress(found))))) recounted[name] = (recounted[name] ?? 0) + value;
  }
  return recounted;
}

/**
 * Totals are derived data (invariant 2): recount each window-day from its raw ratings (pattern 7),
 * compare every counter, breakdowns included, and replace drifted items — which also migrates a
 * legacy combined item into one item per channel (docs/decisions/0018-totals-per-channel.md).
 * Safe while ratings keep arriving: the totals are read BEFORE the ratings, and the replacement
 * is conditional on every item it writes or deletes being unchanged since that read. A rating
 * committed in between changes the item of its channel (its transaction adds to it), so the
 * condition fails and the window-day is read again; a rating committed before the totals read is
 * in both reads. Either way no count is lost or doubled.
 */
export async function recountTotals(deps: RecountDeps, options: RecountOptions): Promise<RecountSummary> {
  const codes = options.windowCodes?.length ? [...new Set(options.windowCodes)] : await allWindowCodes(deps);
  const days = daysFrom(options.from, options.to);
  const summary: RecountSummary = { windows: codes.length, windowDaysChecked: 0, drifted: 0, repaired: 0, migrated: 0, retries: 0 };
  const work = codes.flatMap((windowCode) => days.map((day) => ({ windowCode, day })));

  async function recountOne(windowCode: string, day: string): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      const stored = await deps.totals.read(windowCode, day);
      const recounted = await recountedCounters(deps, windowCode, day);
      const counters = compareCounters(stored.counters, recounted);
      if (counters.length === 0 && deps.totals.inLayout(stored, recounted)) return;
      const migrated = stored.legacy ? { migrated: true as const } : {};
      if (options.dryRun) {
        summary.drifted++;
        if (stored.legacy) summary.migrated++;
        options.onDrift?.({ windowCode, day, counters, repaired: false, ...migrated });
        return;
      }
      try {
        await deps.totals.replace(windowCode, day, stored, recounted);
        summary.drifted++;
        summary.repaired++;
        if (stored.legacy) summary.migrated++;
        options.onDrift?.({ windowCode, day, counters, repaired: true, ...migrated });
        return;
      } catch (error) {
        if (!(error instanceof TotalsChangedError) || attempt >= MAX_REPAIR_ATTEMPTS) throw error;
        summary.retries++;
        // Back off (jittered, 10 ms doubling): retrying at once against a window taking ratings
        // back to back can lose every race; a short pause lets the read and the repair fit between two.
        await new Promise((resolve) => setTimeout(resolve, 10 * 2 ** (attempt - 1) * Math.random()));
      }
    }
  }

  let next = 0;
  const lanes = Array.from({ length: Math.min(Math.max(1, options.concurrency ?? 8), work.length) }, async () => {
    while (next < work.length) {
      const { windowCode, day } = work[next++]!;
      await recountOne(windowCode, day);
      summary.windowDaysChecked++;
    }
  });
  await Promise.all(lanes);
  return summary;
}
