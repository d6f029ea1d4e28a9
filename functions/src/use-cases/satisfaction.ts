import type { WindowList } from '#shared/contracts/api.js';
import type { SatisfactionQuery, SatisfactionResult } from '#shared/contracts/results.js';
import { mergeLevelCounts, totalCount } from '#shared/domain/level-counts.js';
import { computeRate, NATIONAL_GOOD_RATE, NATIONAL_SATISFIED_RATE } from '#shared/domain/rates.js';
import type { Principal } from '../auth/principal.js';
import type { WindowRecord } from '../data/windows.js';
import type { UnitStore } from '../data/units.js';
import type { TotalsReader } from '../data/totals.js';
import { NotFoundError, ValidationError } from '../errors.js';
import { authorize, isInScope, type AccessDeps } from '../access/index.js';
import type { HallStore } from '../data/halls.js';
import type { WindowStore } from '../data/windows.js';

/** Refusals (role without results:read, a window missing or out of scope) are audited. */
export interface SatisfactionDeps extends AccessDeps {
  units: Pick<UnitStore, 'get' | 'getMany' | 'children'>;
  windows: Pick<WindowStore, 'get' | 'listSubtree'>;
  halls: Pick<HallStore, 'getMany'>;
  totals: TotalsReader;
}

/**
 * Satisfaction of one window over a range of China-time days, from the running totals
 * (one item per day with ratings), never from raw ratings.
 */
export async function windowSatisfaction(
  deps: SatisfactionDeps,
  principal: Principal,
  query: SatisfactionQuery,
): Promise<SatisfactionResult> {
  const attempt = { action: 'results.satisfaction', objectType: 'window', objectId: query.window };
  const { window, unit } = await authorize(deps, principal, 'results:read', attempt, { window: query.window, field: 'window' });
  const days = await deps.totals.windowDays(window.code, query.from, query.to);
  const counts = mergeLevelCounts(days.map((day) => day.counts));
  return {
    window: { code: window.code, name: window.name, unitName: unit.name },
    from: query.from,
    to: query.to,
    timeZone: 'Asia/Shanghai',
    n: totalCount(counts),
    counts: { '1': counts[1], '2': counts[2], '3': counts[3], '4': counts[4], '5': counts[5] },
    goodRate: computeRate(counts, NATIONAL_GOOD_RATE),
    satisfiedRate: computeRate(counts, NATIONAL_SATISFIED_RATE),
    interval: { method: 'wilson', confidence: 0.95 },
  };
}

/**
 * Windows of the caller's scope, one page at a time (GSI bySubtree: never a scan). A system admin's
 * scope is every root of the unit tree; everyone else's is the subtree of their unit. Without a
 * cursor the results form gets up to `limit` windows (default 1,000).
 */
export async function listWindows(
  deps: SatisfactionDeps,
  principal: Principal,
  page: { limit?: number; cursor?: string } = {},
): Promise<WindowList> {
  await authorize(deps, principal, 'results:read', { action: 'results.list-windows', objectType: 'window', objectId: `unit:${principal.unitId}` });
  const limit = Math.min(Math.max(page.limit ?? 1000, 1), 1000);
  const scopes =
    principal.role === 'system-admin'
      ? (await deps.units.children(null, { includeArchived: true, limit: 500 })).items.map((root) => root.path)
      : [(await deps.units.get(principal.unitId))?.path].filter((path): path is string[] => path !== undefined);
  // The cursor names the scope root it continues in, then the DynamoDB cursor within it.
  const [startRoot, innerCursor] = page.cursor ? splitCursor(page.cursor) : [0, undefined];
  const windows: WindowRecord[] = [];
  let cursor: string | undefined;
  for (let index = startRoot; index < scopes.length && windows.length < limit; index++) {
    let inner = index === startRoot ? innerCursor : undefined;
    do {
      const result = await deps.windows.listSubtree(scopes[index]!, { limit: Math.min(limit - windows.length, 500), cursor: inner });
      windows.push(...result.items);
      inner = result.cursor;
    } while (inner && windows.length < limit);
    if (inner) cursor = `${index}.${inner}`;
    else if (windows.length >= limit && index + 1 < scopes.length) cursor = `${index + 1}.`;
  }
  const [units, halls] = await Promise.all([
    deps.units.getMany([...new Set(windows.map((w) => w.unitId))]),
    deps.halls.getMany([...new Set(windows.map((w) => w.hallId).filter((id) => id !== ''))]),
  ]);
  return {
    windows: windows
      .filter((w) => isInScope(principal, units.get(w.unitId)))
      .map((w) => ({
        code: w.code,
        name: w.name,
        unitName: units.get(w.unitId)?.name ?? '',
        hallName: halls.get(w.hallId)?.name ?? units.get(w.unitId)?.name ?? '',
      }))
      .sort((a, b) => a.hallName.localeCompare(b.hallName, 'zh-CN') || a.name.localeCompare(b.name, 'zh-CN')),
    ...(cursor ? { cursor } : {}),
  };
}

function splitCursor(cursor: string): [number, string | undefined] {
  const dot = cursor.indexOf('.');
  const index = Number(cursor.slice(0, dot));
  if (dot < 1 || !Number.isInteger(index) || index < 0) throw ValidationError.forField('cursor', 'is not a cursor of this list');
  return [index, cursor.slice(dot + 1) || undefined];
}
