import type { WindowList } from '#shared/contracts/api.js';
import { REPORT_DEFAULTS } from '#shared/contracts/reports.js';
import type { SatisfactionQuery, SatisfactionResult } from '#shared/contracts/results.js';
import type { Principal } from '../auth/principal.js';
import type { WindowRecord } from '../data/windows.js';
import type { UnitStore } from '../data/units.js';
import { ValidationError } from '../errors.js';
import { authorize, isInScope, type Attempt } from '../access/index.js';
import type { HallStore } from '../data/halls.js';
import type { WindowStore } from '../data/windows.js';
import type { ReportDeps } from './reports/report-deps.js';
import { runSatisfactionReport, type ReportAccess } from './reports/satisfaction-report.js';

/** Refusals (role without results:read, a window missing or out of scope) are audited. */
export interface SatisfactionDeps extends ReportDeps {
  units: Pick<UnitStore, 'get' | 'getMany' | 'children' | 'subtree'>;
  windows: Pick<WindowStore, 'get' | 'listSubtree'>;
  halls: Pick<HallStore, 'getMany'>;
}

/** What GET /api/results/satisfaction is audited as: the same verb as before it became a report view. */
const READ_WINDOW_RESULTS: ReportAccess = { permission: 'results:read', action: 'results.satisfaction' };

/**
 * Satisfaction of one window over a range of China-time days: a view of the committee report of
 * that window (runSatisfactionReport: custom period from..to, all channels, the national
 * definitions), so it shows exactly what the report's summary shows and goes through the report
 * engine's one small-group suppression. One to k − 1 = 4 ratings in the range: no n, no counts,
 * no rate, and `suppressed` says why; none at all shows n = 0 (a zero reveals nobody). Never read
 * from raw ratings.
 *
 * Access is checked on the window first, as before (404 alike for unknown and out of scope,
 * audited once as results.satisfaction); the report then runs for the window's own unit, which the
 * caller's scope covers, so it refuses nothing more.
 */
export async function windowSatisfaction(
  deps: SatisfactionDeps,
  principal: Principal,
  query: SatisfactionQuery,
  now: Date = deps.now(),
): Promise<SatisfactionResult> {
  const attempt: Attempt = { action: READ_WINDOW_RESULTS.action, objectType: 'window', objectId: query.window };
  const { window, unit } = await authorize(deps, principal, READ_WINDOW_RESULTS.permission, attempt, { window: query.window, field: 'window' });
  const { report } = await runSatisfactionReport(
    deps,
    principal,
    {
      unit: unit.id,
      window: window.code,
      period: 'custom',
      from: query.from,
      to: query.to,
      channel: REPORT_DEFAULTS.channel,
      definition: REPORT_DEFAULTS.definition,
      minN: REPORT_DEFAULTS.minN,
    },
    now,
    READ_WINDOW_RESULTS,
  );
  const { summary } = report;
  return {
    window: { code: window.code, name: window.name, unitId: unit.id, unitName: unit.name },
    from: report.period.from,
    to: report.period.to,
    timeZone: report.timeZone,
    suppressed: summary.suppressed,
    n: summary.n,
    counts: summary.counts,
    goodRate: summary.goodRate,
    satisfiedRate: summary.satisfiedRate,
    suppression: { k: report.suppression.k, rule: report.suppression.rule },
    interval: report.interval,
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
