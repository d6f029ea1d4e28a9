import type { ReportQuery, SatisfactionReport } from '#shared/contracts/reports.js';
import { emptyLevelCounts, totalCount } from '#shared/domain/level-counts.js';
import { RATING_LEVELS } from '#shared/domain/rating-level.js';
import { buildReport, selectChannel, type DayBreakdown } from '#shared/domain/report-build.js';
import type { Principal } from '../../auth/principal.js';
import type { StaffRecord } from '../../data/staff.js';
import type { WindowRecord } from '../../data/windows.js';
import { NotFoundError } from '../../errors.js';
import { resolveDefinitions } from './rate-definitions.js';
import { authorize, record } from '../../access/index.js';
import { allPages, readTotals, type ReportDeps } from './report-deps.js';
import { reportSettings } from './report-settings.js';

/**
 * A staff member's own aggregate (role `staff`). The account is linked to a staff record by its
 * personId, which is the staff member's 工号 (staffNo) in the account's unit; the report covers the
 * windows of that unit's subtree and counts only the ratings whose resident named this person as
 * the one who served them (docs/decisions/0012-attribution.md), saying how many ratings of those
 * windows named anybody.
 * Never single ratings, and small-group suppression applies as everywhere: fewer than 5 ratings
 * show "<5". `window` narrows to one window; `unit`, if given, must be the account's unit.
 */
export async function myReport(deps: ReportDeps, principal: Principal, query: ReportQuery, now: Date): Promise<SatisfactionReport> {
  const attempt = { action: 'report.own', objectType: 'staff', objectId: principal.username } as const;
  const unit = await authorize(deps, principal, 'reports:own', attempt, { unit: query.unit ?? principal.unitId, field: 'unit' });
  if (unit.id !== principal.unitId) {
    await record(deps, principal, attempt, 'denied', { unitId: unit.id, detail: 'unit is not the account’s own' });
    throw new NotFoundError('unit', 'unit');
  }
  const person = await linkedStaff(deps, principal, unit.id);
  if (!person) {
    await record(deps, principal, attempt, 'not-found', { unitId: unit.id, detail: 'no staff record for the account’s personId' });
    throw new NotFoundError('personId', 'staff member in the account’s unit whose 工号 (staffNo) is the account’s person id; ask an administrator to set it');
  }
  const window = query.window ? (await authorize(deps, principal, 'reports:own', attempt, { window: query.window, field: 'window', within: unit })).window : undefined;
  const definitions = await resolveDefinitions(deps, query.definition);
  const settings = reportSettings(query, definitions, now);

  const windows: WindowRecord[] = window ? [window] : await allPages((cursor) => deps.windows.listSubtree(unit.path, { limit: 500, cursor }));
  const { days } = await readTotals(deps.totals, windows.map((w) => w.code), settings.period.from, settings.period.to);
  // What the attribution sentence counts: every rating of the report's windows, and those that named anybody.
  const ratings = emptyLevelCounts();
  const attributed = emptyLevelCounts();
  const own: DayBreakdown[] = days.map((day) => {
    const part = selectChannel(day, settings.channel, settings.definitions.upheldAppeals);
    for (const level of RATING_LEVELS) {
      ratings[level] += part.counts[level];
      attributed[level] += part.attributed[level];
    }
    // The person's share of the day: the ratings that named them (0012-attribution.md), no service
    // items or reasons (those are not broken down per person, and a reason next to a small count
    // would point at a rating).
    const mine = part.staff[person.id] ?? emptyLevelCounts();
    return { windowCode: day.windowCode, day: day.day, counts: mine, attributed: mine, staff: {}, serviceItems: {}, reasons: {}, suspect: emptyLevelCounts(), upheld: emptyLevelCounts(), cases: {} };
  });
  const rated = new Set(own.filter((day) => totalCount(day.counts) > 0).map((day) => day.windowCode));
  const report = buildReport(
    {
      scope: { unitId: unit.id, name: `${person.name}（工号 ${person.staffNo}）`, path: unit.path, ...(window ? { window: { code: window.code, name: window.name } } : {}) },
      groups: [],
      windows: windows.filter((w) => rated.has(w.code) || w.code === window?.code).map((w) => ({ code: w.code, name: w.name })),
      staffNames: new Map(),
      days: own,
      ownAttribution: { ratings, attributed },
    },
    { ...settings, extractedAt: deps.now().toISOString() },
  );
  return report;
}

/** The staff record of the account's unit whose 工号 is the account's personId (its username when unset). */
export async function linkedStaff(deps: Pick<ReportDeps, 'accounts' | 'staff'>, principal: Principal, unitId: string): Promise<StaffRecord | undefined> {
  const account = await deps.accounts.get(principal.username);
  const staffNo = account?.personId ?? principal.username;
  // Pattern O8: the unit's staff listing by 工号 (tens of people), read a page at a time.
  let cursor: string | undefined;
  do {
    const page = await deps.staff.listUnit(unitId, { limit: 500, cursor });
    const found = page.items.find((person) => person.staffNo === staffNo);
    if (found) return found;
    cursor = page.cursor;
  } while (cursor);
  return undefined;
}
