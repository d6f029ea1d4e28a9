import type { ReportQuery, SatisfactionReport } from '#shared/contracts/reports.js';
import { buildReport, scopeGroups, selectChannel, type ReportFacts } from '#shared/domain/report-build.js';
import type { Principal } from '../../auth/principal.js';
import type { UnitRecord } from '../../data/units.js';
import type { WindowRecord } from '../../data/windows.js';
import { ValidationError } from '../../errors.js';
import { resolveDefinitions } from './rate-definitions.js';
import { authorize, record, refuse, type Attempt, type Permission } from '../../access/index.js';
import { allPages, readTotals, type ReportDeps } from './report-deps.js';
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

  const [windows, children] = window
    ? [[window], [] as UnitRecord[]]
    : await Promise.all([
        allPages<WindowRecord>((cursor) => deps.windows.listSubtree(scope.path, { limit: 500, cursor })),
        allPages<UnitRecord>((cursor) => deps.units.children(scope.id, { includeArchived: true, limit: 500, cursor })),
      ]);
  const codes = windows.map((w) => w.code);
  const { days, itemsRead } = await readTotals(deps.totals, codes, settings.period.from, settings.period.to);
  const extractedAt = deps.now().toISOString();
  const breakdowns = days.map((day) => selectChannel(day, settings.channel, settings.definitions.upheldAppeals));
  const staffIds = [...new Set(breakdowns.flatMap((day) => Object.keys(day.staff)))];
  const staff = staffIds.length > 0 ? await deps.staff.getMany(staffIds) : new Map();

  const shape: Pick<ReportFacts, 'groups' | 'windows'> = window
    ? { groups: [], windows: [{ code: window.code, name: window.name }] }
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
