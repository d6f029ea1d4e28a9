import type { WindowList } from '#shared/contracts/api.js';
import type { SatisfactionQuery, SatisfactionResult } from '#shared/contracts/results.js';
import { mergeLevelCounts, totalCount } from '#shared/domain/level-counts.js';
import { computeRate, NATIONAL_GOOD_RATE, NATIONAL_SATISFIED_RATE } from '#shared/domain/rates.js';
import type { Principal } from '../auth/tokens.js';
import type { Directory } from '../data/directory.js';
import type { TotalsReader } from '../data/totals.js';
import { NotFoundError } from '../errors.js';
import { inScope, requirePermission } from '../auth/authorization.js';

export interface SatisfactionDeps {
  directory: Pick<Directory, 'getWindow' | 'getUnits' | 'listWindows' | 'getHalls'>;
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
  requirePermission(principal, 'results:read');
  const window = await deps.directory.getWindow(query.window);
  if (!window) throw new NotFoundError('window', 'window');
  const unit = (await deps.directory.getUnits([window.unitId])).get(window.unitId);
  if (!inScope(principal, unit)) throw new NotFoundError('window', 'window');
  const days = await deps.totals.windowDays(window.code, query.from, query.to);
  const counts = mergeLevelCounts(days.map((day) => day.counts));
  return {
    window: { code: window.code, name: window.name, unitName: unit?.name ?? '' },
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

export async function listWindows(deps: SatisfactionDeps, principal: Principal): Promise<WindowList> {
  requirePermission(principal, 'results:read');
  const windows = await deps.directory.listWindows();
  const [units, halls] = await Promise.all([
    deps.directory.getUnits([...new Set(windows.map((w) => w.unitId))]),
    deps.directory.getHalls([...new Set(windows.map((w) => w.hallId))]),
  ]);
  return {
    windows: windows
      .filter((w) => inScope(principal, units.get(w.unitId)))
      .map((w) => ({ code: w.code, name: w.name, unitName: units.get(w.unitId)?.name ?? '', hallName: halls.get(w.hallId)?.name ?? '' }))
      .sort((a, b) => a.hallName.localeCompare(b.hallName, 'zh-CN') || a.name.localeCompare(b.name, 'zh-CN')),
  };
}
