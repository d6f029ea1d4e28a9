import type { AccessDeps } from '../../access/index.js';
import type { Accounts } from '../../data/accounts.js';
import type { RateDefinitionStore } from '../../data/rate-definitions.js';
import type { StaffStore } from '../../data/staff.js';
import type { TotalsReader, WindowsDays } from '../../data/totals.js';
import type { UnitStore } from '../../data/units.js';
import type { WindowStore } from '../../data/windows.js';

/** What the report use cases need. The runtime (data layer + clock) satisfies it. */
export interface ReportDeps extends AccessDeps {
  units: Pick<UnitStore, 'get' | 'children' | 'subtree'>;
  windows: Pick<WindowStore, 'get' | 'listSubtree'>;
  staff: Pick<StaffStore, 'getMany' | 'listUnit'>;
  totals: Pick<TotalsReader, 'windowsDays' | 'windowsMonths' | 'unitsTotals'>;
  rateDefinitions: RateDefinitionStore;
  accounts: Pick<Accounts, 'get'>;
  /** Windows a report lists at most before it reads its units' rollups instead (default WINDOW_ROWS_LIMIT; tests and the benchmark lower it). */
  windowRowsLimit?: number;
}

/** Every page of a paginated listing. */
export async function allPages<T>(list: (cursor: string | undefined) => Promise<{ items: T[]; cursor?: string }>): Promise<T[]> {
  const items: T[] = [];
  let cursor: string | undefined;
  do {
    const page = await list(cursor);
    items.push(...page.items);
    cursor = page.cursor;
  } while (cursor);
  return items;
}

/** Default parallelism of totals queries: DynamoDB Local on two cores saturates around here. */
export const TOTALS_CONCURRENCY = 16;

/**
 * The window-day totals of many windows: one Query per window (pattern 6), so at most W × D items,
 * with bounded parallelism.
 */
export function readTotals(totals: ReportDeps['totals'], codes: string[], from: string, to: string): Promise<WindowsDays> {
  return totals.windowsDays(codes, from, to, { concurrency: TOTALS_CONCURRENCY });
}
