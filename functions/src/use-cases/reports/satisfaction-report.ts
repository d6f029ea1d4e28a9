import type { ReportQuery, SatisfactionReport } from '#shared/contracts/reports.js';
import { buildReport, scopeGroups, selectChannel, SELF_KEY, type ReportFacts } from '#shared/domain/report-build.js';
import { chinaDay } from '#shared/domain/china-time.js';
import { periodReads } from '#shared/domain/report-period.js';
import type { WindowsDays } from '../../data/totals.js';
import type { Principal } from '../../auth/principal.js';
import type { UnitRecord } from '../../data/units.js';
import type { WindowRecord } from '../../data/windows.js';
import { ValidationError } from '../../errors.js';
import { resolveDefinitions } from './rate-definitions.js';
import { authorize, record, refuse, type Attempt, type Permission } from '../../access/index.js';
import { allPages, readTotals, TOTALS_CONCURRENCY, type ReportDeps } from './report-deps.js';
import { reportSettings } from './report-settings.js';

/** A report with what it cost to read: the benchmark and the tests check items read ≤ W × D. */
export interface ReportRun {
  report: SatisfactionReport;
  windowsRead: number;
  itemsRead: number;
}

/**
 * The committee report of a unit subtree (or of one window of it) over a period, from running
 * totals only. Committee members, unit admins and system admins read their scope; a system admin
 * names a unit. Out-of-scope units and windows answer 404 exactly like unknown ones, audited.
 * The page, the JSON API and every export call this one function, so they show the same numbers.
 */
export async function buildSatisfactionReport(deps: ReportDeps, principal: Principal, query: ReportQuery, now: Date, access: ReportAccess = READ_REPORT): Promise<SatisfactionReport> {
  return (await runSatisfactionReport(deps, principal, query, now, access)).report;
}

/** What a report is read for: the page and API read it (results:read); a download exports it (reports:export). */
export interface ReportAccess {
  permission: Permission;
  action: string;
}
export const READ_REPORT: ReportAccess = { permission: 'results:read', action: 'report.read' };

export async function runSatisfactionReport(deps: ReportDeps, principal: Principal, query: ReportQuery, now: Date, access: ReportAccess = READ_REPORT): Promise<ReportRun> {
  const unitId = query.unit ?? (principal.role === 'system-admin' ? undefined : principal.unitId);
  const attempt: Attempt = query.window
    ? { action: access.action, objectType: 'window', objectId: query.window }
    : { action: access.action, objectType: 'unit', objectId: unitId ?? '' };
  await authorize(deps, principal, access.permission, attempt);
  if (unitId === undefined) {
    await record(deps, principal, attempt, 'invalid', { detail: 'system admin named no unit' });
    throw ValidationError.forField('unit', 'is required for a system administrator (whose scope is every unit tree)');
  }
  const scope = await authorize(deps, principal, access.permission, attempt, { unit: unitId, field: 'unit' });
  const window = query.window ? (await authorize(deps, principal, access.permission, attempt, { window: query.window, field: 'window', within: scope })).window : undefined;
  // Scope first, then the rest of the query: an out-of-scope id is answered alike whatever else is wrong.
  let settings: ReturnType<typeof reportSettings>;
  try {
    settings = reportSettings(query, await resolveDefinitions(deps, query.definition), now);
  } catch (error) {
    // A bad period or definition is a refusal too, audited once here (a download does not add another).
    return refuse(deps, principal, attempt, error as Error, { unitId: scope.id });
  }

  const [listed, children] = window
    ? [[window], [] as UnitRecord[]]
    : await Promise.all([
        windowsUpTo(deps, scope.path, deps.windowRowsLimit ?? WINDOW_ROWS_LIMIT),
        allPages<UnitRecord>((cursor) => deps.units.children(scope.id, { includeArchived: true, limit: 500, cursor })),
      ]);
  // A scope too wide to list its windows is read from its units' rollups (decision 0031).
  const windows = listed ?? [];
  const wide = listed === undefined ? await unitGroupsOf(deps, scope, children) : undefined;
  const windowsOver = deps.windowRowsLimit ?? WINDOW_ROWS_LIMIT;
  const codes = windows.map((w) => w.code);
  const { days, itemsRead } = wide
    ? await deps.totals.unitsTotals([...wide.keys()], periodReads(settings.period.from, settings.period.to, undefined, { years: true }), { concurrency: TOTALS_CONCURRENCY })
    : await readWindowTotals(deps.totals, codes, settings.period, chinaDay(now).slice(0, 7));
  const extractedAt = deps.now().toISOString();
  const breakdowns = days.map((day) => selectChannel(day, settings.channel, settings.definitions.upheldAppeals));
  const staffIds = [...new Set(breakdowns.flatMap((day) => Object.keys(day.staff)))];
  const staff = staffIds.length > 0 ? await deps.staff.getMany(staffIds) : new Map();

  const shape: Pick<ReportFacts, 'groups' | 'windows' | 'units'> = window
    ? { groups: [], windows: [{ code: window.code, name: window.name }] }
    : wide
      ? wideShape(scope, children, wide, days, windowsOver)
      : scopeGroups(
          scope,
          children,
          windows.map((w) => ({ code: w.code, name: w.name, unitPath: w.unitPath ?? [] })),
        );
  const report = buildReport(
    {
      scope: { unitId: scope.id, name: scope.name, path: scope.path, ...(window ? { window: { code: window.code, name: window.name } } : {}) },
      ...shape,
      staffNames: new Map([...staff.values()].map((person) => [person.id, person.name])),
      days: breakdowns,
    },
    { ...settings, extractedAt },
  );
  return { report, windowsRead: codes.length, itemsRead };
}

/**
 * Windows a report lists at most, with their staff (decision 0031): a scope with more is read from
 * its units' rollups and lists units only. 2,000 windows × 12 window-month rollups is a year of
 * 24,000 items, the size of today's monthly report of 1,000 windows.
 */
export const WINDOW_ROWS_LIMIT = 2000;

/** The subtree's windows, or undefined as soon as there are more than `limit`. */
async function windowsUpTo(deps: ReportDeps, path: readonly string[], limit: number): Promise<WindowRecord[] | undefined> {
  const windows: WindowRecord[] = [];
  let cursor: string | undefined;
  do {
    const page = await deps.windows.listSubtree(path, { limit: 500, cursor });
    windows.push(...page.items);
    if (windows.length > limit) return undefined;
    cursor = page.cursor;
  } while (cursor);
  return windows;
}

/** Every unit of the subtree, each with its row: the child of the scope it lies under, or the scope itself ("self"). */
async function unitGroupsOf(deps: ReportDeps, scope: UnitRecord, children: readonly UnitRecord[]): Promise<Map<string, string>> {
  const units = await allPages<UnitRecord>((cursor) => deps.units.subtree(scope.path, { limit: 500, cursor }));
  const childIds = new Set(children.map((child) => child.id));
  const depth = scope.path.length;
  const groups = new Map<string, string>([[scope.id, SELF_KEY]]);
  for (const unit of units) {
    const child = unit.path.length > depth ? unit.path[depth]! : undefined;
    // A unit whose path names no current child (a move half done) counts for the scope itself, as its windows would.
    groups.set(unit.id, child !== undefined && childIds.has(child) ? child : SELF_KEY);
  }
  return groups;
}

function wideShape(
  scope: UnitRecord,
  children: readonly UnitRecord[],
  unitGroups: Map<string, string>,
  days: readonly { unitId?: string }[],
  windowsOver: number,
): Pick<ReportFacts, 'groups' | 'windows' | 'units'> {
  const { groups } = scopeGroups(scope, children, []);
  // "本级" when the units counted for the scope itself have ratings, as a narrow report shows it when the scope has windows.
  if (days.some((day) => day.unitId !== undefined && unitGroups.get(day.unitId) === SELF_KEY)) groups.unshift({ key: SELF_KEY, label: `本级（${scope.name}）` });
  return { groups, windows: [], units: { unitGroups, windowsOver } };
}

/**
 * A narrow report's totals: the closed whole months from the window-month rollups, every other
 * day — the current China-time month above all, exact at every instant — from the window-days.
 */
async function readWindowTotals(totals: ReportDeps['totals'], codes: string[], period: { from: string; to: string }, currentMonth: string): Promise<WindowsDays> {
  const reads = periodReads(period.from, period.to, currentMonth);
  const parts = await Promise.all([
    ...reads.days.map((range) => readTotals(totals, codes, range.from, range.to)),
    ...(reads.months.length > 0 ? [totals.windowsMonths(codes, reads.months[0]!, reads.months.at(-1)!, { concurrency: TOTALS_CONCURRENCY })] : []),
  ]);
  return { days: parts.flatMap((part) => part.days), itemsRead: parts.reduce((sum, part) => sum + part.itemsRead, 0) };
}
