import type { CaseDeadlinesInput, CaseDeadlinesView } from '#shared/contracts/cases/deadlines.js';
import { DEFAULT_DEADLINE_DAYS } from '#shared/domain/cases/case-state.js';
import { effectiveDeadlines, type EffectiveDeadlines } from '#shared/domain/cases/deadlines.js';
import { authorize, record, type AccessDeps, type Attempt } from '../../access/index.js';
import type { Principal } from '../../auth/principal.js';
import type { CaseStore } from '../../data/cases/cases.js';
import type { UnitStore } from '../../data/units.js';

/**
 * A unit's 差评 deadlines (issue 15 §1; docs/decisions/0028): read by those who read its cases, set
 * by those who work them (a unit for itself and the units below that have none of their own).
 * A change applies to deadlines started from then on — a case's running deadline stays as given.
 */
export interface DeadlineDeps extends AccessDeps {
  units: Pick<UnitStore, 'get' | 'getMany'>;
  cases: Pick<CaseStore, 'deadlineSettings' | 'setDeadlines'>;
}

/** What applies to the unit at `path` (ids from the root to it): one BatchGet of the path's settings. */
export async function deadlinesForPath(deps: { cases: Pick<CaseStore, 'deadlineSettings'> }, path: readonly string[]): Promise<EffectiveDeadlines> {
  return effectiveDeadlines(path, await deps.cases.deadlineSettings(path));
}

async function view(deps: DeadlineDeps, unit: { id: string; path: string[] }): Promise<CaseDeadlinesView> {
  const settings = await deps.cases.deadlineSettings(unit.path);
  const { deadlines, from } = effectiveDeadlines(unit.path, settings);
  const own = settings.get(unit.id);
  const fromName = from && from !== unit.id ? (await deps.units.get(from))?.name : undefined;
  return { unitId: unit.id, ...(own ? { own } : {}), effective: deadlines, from, ...(fromName ? { fromName } : {}), defaults: DEFAULT_DEADLINE_DAYS };
}

export async function getCaseDeadlines(deps: DeadlineDeps, principal: Principal, unitId: string): Promise<CaseDeadlinesView> {
  const attempt: Attempt = { action: 'case.deadlines.read', objectType: 'unit', objectId: unitId };
  const unit = await authorize(deps, principal, 'cases:read', attempt, { unit: unitId, field: 'unitId' });
  await record(deps, principal, attempt, 'ok', { unitId: unit.id });
  return view(deps, unit);
}

export async function setCaseDeadlines(deps: DeadlineDeps, principal: Principal, input: CaseDeadlinesInput): Promise<CaseDeadlinesView> {
  const attempt: Attempt = { action: 'case.deadlines.set', objectType: 'unit', objectId: input.unitId };
  const unit = await authorize(deps, principal, 'cases:work', attempt, { unit: input.unitId, field: 'unitId' });
  const deadlines = input.inherit ? undefined : { verify: input.verify!, immediate: input.immediate!, deadline: input.deadline! };
  await deps.cases.setDeadlines(unit.id, deadlines, principal.username, deps.now());
  await record(deps, principal, attempt, 'ok', { unitId: unit.id, detail: deadlines ? `核实 ${deadlines.verify}, 立行立改 ${deadlines.immediate}, 限期整改 ${deadlines.deadline} working days` : 'inherits' });
  return view(deps, unit);
}
