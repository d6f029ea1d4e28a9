import { DEADLINE_STATES } from '#shared/domain/cases/case-state.js';
import { chinaDay } from '#shared/domain/china-time.js';
import type { AuditLog } from '../../data/audit.js';
import type { CaseStore } from '../../data/cases/cases.js';
import type { UnitRecord, UnitStore } from '../../data/units.js';
import { allPages } from '../reports/report-deps.js';

/**
 * The overdue sweep (issue 15 §1; docs/decisions/0028): once a day (EventBridge in AWS, a timer in
 * `npm start`), every case still waiting past its due day — 待核实, 立行立改 or 限期整改, due before
 * today, China time — is escalated to its unit's parent: listed in the parent's escalated queue,
 * flagged on its own, the step recorded on the case, and audited (actor `system`). Once per case:
 * a case escalated stays escalated, and a sweep that meets a step of the same case leaves it (the
 * next sweep finds it again if it is still overdue). A top-level unit has no one to escalate to:
 * its overdue cases are counted and stay flagged 超期 in its own queue.
 *
 * It reads queues, never whole tables: per unit, one Query per state with a deadline, its due days
 * before today — overdue cases only.
 */
export interface SweepDeps {
  units: Pick<UnitStore, 'children' | 'subtree'>;
  cases: Pick<CaseStore, 'unitQueue' | 'get' | 'events' | 'escalate'>;
  audit: Pick<AuditLog, 'append'>;
  now: () => Date;
}

export interface SweepResult {
  /** China-time day the sweep counted overdue on. */
  today: string;
  units: number;
  /** Overdue cases found not yet escalated. */
  overdue: number;
  escalated: number;
  /** Overdue cases of top-level units: no parent to escalate to. */
  topLevel: number;
  /** Cases a step changed while the sweep read them: left for the next sweep. */
  skipped: number;
}

/** The actor of the sweep's steps and audit entries: no account. */
export const SWEEP_ACTOR = 'system';

export async function sweepOverdueCases(deps: SweepDeps): Promise<SweepResult> {
  const now = deps.now();
  const today = chinaDay(now);
  const result: SweepResult = { today, units: 0, overdue: 0, escalated: 0, topLevel: 0, skipped: 0 };
  const roots = await allPages((cursor) => deps.units.children(null, { cursor, includeArchived: true, limit: 200 }));
  for (const root of roots) {
    const units = await allPages((cursor) => deps.units.subtree(root.path, { cursor, includeArchived: true, limit: 200 }));
    for (const unit of units) {
      result.units++;
      await sweepUnit(deps, unit, now, result);
    }
  }
  return result;
}

async function sweepUnit(deps: SweepDeps, unit: UnitRecord, now: Date, result: SweepResult): Promise<void> {
  for (const state of DEADLINE_STATES) {
    const overdue = await allPages((cursor) => deps.cases.unitQueue(unit.id, { state, dueBefore: result.today, limit: 200, cursor }));
    for (const listed of overdue.filter((item) => !item.escalated)) {
      result.overdue++;
      if (!unit.parentId) {
        result.topLevel++;
        continue;
      }
      const found = await deps.cases.get(listed.caseId);
      if (!found || found.escalatedTo || found.state !== listed.state || found.due !== listed.due) {
        result.skipped++;
        continue;
      }
      const events = await deps.cases.events(found.caseId);
      const at = now.toISOString();
      const note = `超期未办（期限 ${found.due}），已上报上级单位`;
      const escalated = await deps.cases.escalate(found, unit.parentId, { at, by: SWEEP_ACTOR, from: found.state, to: found.state, note, escalatedTo: unit.parentId }, events.length + 1);
      if (!escalated) {
        result.skipped++;
        continue;
      }
      result.escalated++;
      await deps.audit.append({
        at,
        actor: SWEEP_ACTOR,
        role: SWEEP_ACTOR,
        action: 'case.escalate',
        objectType: 'case',
        objectId: found.caseId,
        unitId: found.unitId,
        result: 'ok',
        detail: `${found.state} due ${found.due} → escalated to ${unit.parentId}`,
      });
    }
  }
}
