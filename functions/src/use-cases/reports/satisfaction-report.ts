import type { ReportQuery, SatisfactionReport } from '#shared/contracts/reports.js';
import { buildReport, scopeGroups, selectChannel, type ReportFacts } from '#shared/domain/report-build.js';
import type { Principal } from '../../auth/principal.js';
import type { UnitRecord, WindowRecord } from '../../data/directory.js';
import { ValidationError } from '../../errors.js';
import { resolveDefinitions } from './rate-definitions.js';
import { allPages, auditReport, readTotals, reportUnit, reportWindow, requireReportPermission, type ReportAttempt, type ReportDeps } from './report-deps.js';
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
export async function buildSatisfactionReport(deps: ReportDeps, principal: Principal, query: ReportQuery, now: Date): Promise<SatisfactionReport> {
  return (await runSatisfactionReport(deps, principal, query, now)).report;
}

export async function runSatisfactionReport(deps: ReportDeps, principal: Principal, query: ReportQuery, now: Date): Promise<ReportRun> {
  const unitId = query.unit ?? (principal.role === 'system-admin' ? undefined : principal.unitId);
  const attempt: ReportAttempt = query.window
    ? { action: 'report.read', objectType: 'window', objectId: query.window }
    : { action: 'report.read', objectType: 'unit', objectId: unitId ?? '' };
  await requireReportPermission(deps, principal, 'results:read', attempt);
  if (unitId === undefined) {
    await auditReport(deps, principal, attempt, 'invalid', { detail: 'system admin named no unit' });
    throw ValidationError.forField('unit', 'is required for a system administrator (whose scope is every unit tree)');
  }
  const scope = await reportUnit(deps, principal, unitId, 'unit', attempt);
  const window = query.window ? await reportWindow(deps, principal, scope, query.window, attempt) : undefined;
  // Scope first, then the rest of the query: an out-of-scope id is answered alike whatever else is wrong.
  const definitions = await resolveDefinitions(deps, query.definition);
  const settings = reportSettings(query, definitions, now);

  const [windows, children] = window
    ? [[window], [] as UnitRecord[]]
    : await Promise.all([
        allPages<WindowRecord>((cursor) => deps.windows.listSubtree(scope.path, { limit: 500, cursor })),
        allPages<UnitRecord>((cursor) => deps.units.children(scope.id, { includeArchived: true, limit: 500, cursor })),
      ]);
  const codes = windows.map((w) => w.code);
  const { days, itemsRead } = await readTotals(deps.totals, codes, settings.period.from, settings.period.to);
  const extractedAt = deps.now().toISOString();
  const breakdowns = days.map((day) => selectChannel(day, settings.channel));
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
