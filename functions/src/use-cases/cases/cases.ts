import type { CaseQueuePage, CaseQueueQuery, CaseTransitionInput, CaseView } from '#shared/contracts/cases/cases.js';
import { CASE_TRANSITIONS, checkCaseTransition, DEFAULT_DEADLINE_DAYS, deadlineKindOf, FINAL_CASE_STATES, type CaseState } from '#shared/domain/cases/case-state.js';
import { addWorkingDays } from '#shared/domain/cases/working-days.js';
import { chinaDay } from '#shared/domain/china-time.js';
import { authorize, authorizeOwned, record, type AccessDeps, type Attempt } from '../../access/index.js';
import type { Principal } from '../../auth/principal.js';
import { CaseStateError, type CaseEvent, type CaseListing, type CaseRecord, type CaseStore } from '../../data/cases/cases.js';
import type { UnitStore } from '../../data/units.js';
import type { WindowStore } from '../../data/windows.js';
import { ConflictError, ForbiddenError, ValidationError } from '../../errors.js';

/**
 * Working 差评 cases (issue 15 §1–2; docs/decisions/0028): a unit's queue, one case, one step. Every
 * read and step goes through the one access rule (a case outside the caller's scope is the same 404
 * as a missing one); a step not allowed from the case's state is 409 naming it; an appeal is decided
 * by an administrator of a superior unit — never the case's own unit, never the account that
 * appealed (403). Every step is audited with its states; the note stays in the case, not the log.
 */
export interface CaseDeps extends AccessDeps {
  units: Pick<UnitStore, 'get'>;
  windows: Pick<WindowStore, 'get'>;
  cases: CaseStore;
  now: () => Date;
}

const APPEAL_DECISIONS: readonly CaseState[] = ['appeal-upheld', 'appeal-rejected'];

/** Whether a waiting case is past its due day on `today` (China time): 超期. */
const isOverdue = (state: CaseState, due: string | undefined, today: string) => due !== undefined && deadlineKindOf(state) !== undefined && due < today;

async function windowNames(deps: Pick<CaseDeps, 'windows'>, codes: Iterable<string>): Promise<Map<string, string>> {
  const names = new Map<string, string>();
  await Promise.all([...new Set(codes)].map(async (code) => names.set(code, (await deps.windows.get(code))?.name ?? code)));
  return names;
}

export async function listCases(deps: CaseDeps, principal: Principal, query: CaseQueueQuery): Promise<CaseQueuePage> {
  const attempt: Attempt = { action: 'case.list', objectType: 'unit', objectId: query.unitId };
  const unit = await authorize(deps, principal, 'cases:read', attempt, { unit: query.unitId, field: 'unitId' });
  if (query.window) {
    const window = await deps.windows.get(query.window);
    if (!window || window.unitId !== unit.id) {
      await record(deps, principal, attempt, 'invalid', { unitId: unit.id, detail: 'window not of the unit' });
      throw ValidationError.forField('window', "is not a window of this unit: a window's cases are in its own unit's queue");
    }
  }
  const today = chinaDay(deps.now());
  const filter = { limit: query.limit, cursor: query.cursor, ...(query.state ? { state: query.state } : {}), ...(query.state && query.overdue === 'true' ? { dueBefore: previousDay(today) } : {}) };
  const page = query.window ? await deps.cases.windowQueue(query.window, filter) : await deps.cases.unitQueue(unit.id, filter);
  const names = await windowNames(deps, page.items.map((item) => item.windowCode));
  await record(deps, principal, attempt, 'ok', { unitId: unit.id });
  return { unitId: unit.id, today, items: page.items.map((item) => summary(item, names, today)), ...(page.cursor ? { cursor: page.cursor } : {}) };
}

/** The day before: a case due yesterday is overdue today (the sort key compares due ≤ the bound). */
function previousDay(day: string): string {
  const date = new Date(`${day}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() - 1);
  return date.toISOString().slice(0, 10);
}

function summary(item: CaseListing | CaseRecord, names: Map<string, string>, today: string) {
  return {
    caseId: item.caseId,
    unitId: item.unitId,
    windowCode: item.windowCode,
    windowName: names.get(item.windowCode) ?? item.windowCode,
    day: item.day,
    level: item.level,
    state: item.state,
    ...(item.due ? { due: item.due } : {}),
    overdue: isOverdue(item.state, item.due, today),
    ...(item.suspect ? { suspect: true } : {}),
  };
}

async function authorizeCase(deps: CaseDeps, principal: Principal, attempt: Attempt, permission: 'cases:read' | 'cases:work' | 'cases:review'): Promise<CaseRecord> {
  const found = await deps.cases.get(attempt.objectId);
  return (await authorizeOwned(deps, principal, permission, attempt, found, { field: 'caseId', noun: 'case' })).object;
}

async function caseView(deps: CaseDeps, found: CaseRecord, events?: CaseEvent[]): Promise<CaseView> {
  const today = chinaDay(deps.now());
  const names = await windowNames(deps, [found.windowCode]);
  return {
    ...summary(found, names, today),
    hallId: found.hallId,
    ...(found.reasons?.length ? { reasons: found.reasons } : {}),
    ...(found.comment ? { comment: found.comment } : {}),
    channel: found.channel,
    named: found.contactId !== undefined,
    reopened: found.reopened,
    ...(found.dueUncoveredYears?.length ? { dueUncoveredYears: found.dueUncoveredYears } : {}),
    next: [...CASE_TRANSITIONS[found.state]],
    events: (events ?? (await deps.cases.events(found.caseId))).map(({ at, by, from, to, note, due }) => ({ at, by, from, to, note, ...(due ? { due } : {}) })),
  };
}

export async function getCase(deps: CaseDeps, principal: Principal, caseId: string): Promise<CaseView> {
  const attempt: Attempt = { action: 'case.read', objectType: 'case', objectId: caseId };
  const found = await authorizeCase(deps, principal, attempt, 'cases:read');
  await record(deps, principal, attempt, 'ok', { unitId: found.unitId });
  return caseView(deps, found);
}

/**
 * One step of a case. The deadline follows the state the case goes to: 待核实, 立行立改 and 限期整改
 * start theirs (in working days from today), every other state runs none. Back to 待核实 from
 * 已回访 (the resident unhappy with the result) counts a reopening.
 */
export async function transitionCase(deps: CaseDeps, principal: Principal, caseId: string, input: CaseTransitionInput): Promise<CaseView> {
  const attempt: Attempt = { action: 'case.transition', objectType: 'case', objectId: caseId };
  const deciding = APPEAL_DECISIONS.includes(input.to);
  const found = await authorizeCase(deps, principal, attempt, deciding ? 'cases:review' : 'cases:work');
  const refuse = async (message: string) => {
    await record(deps, principal, attempt, 'invalid', { unitId: found.unitId, detail: message });
    return new ConflictError('to', message);
  };
  const check = checkCaseTransition(found.state, input.to);
  if (!check.ok) throw await refuse(check.message);
  const events = await deps.cases.events(found.caseId);
  if (deciding) {
    // 申诉复核: a superior unit decides — never the case's own, never the account that appealed.
    const appellant = [...events].reverse().find((event) => event.to === 'appealing')?.by;
    const own = principal.unitId === found.unitId;
    if (own || appellant === principal.username) {
      const detail = own ? 'an appeal is decided by a superior unit, not the case’s own' : 'the account that appealed may not decide the appeal';
      await record(deps, principal, attempt, 'denied', { unitId: found.unitId, detail });
      throw new ForbiddenError(`authorization: ${detail} (申诉复核)`);
    }
  }
  const now = deps.now();
  const today = chinaDay(now);
  const kind = deadlineKindOf(input.to);
  const deadline = kind ? addWorkingDays(today, DEFAULT_DEADLINE_DAYS[kind]) : undefined;
  const next: CaseRecord = {
    ...found,
    state: input.to,
    reopened: found.reopened + (found.state === 'called-back' && input.to === 'pending' ? 1 : 0),
    updatedAt: now.toISOString(),
  };
  delete next.due;
  delete next.dueUncoveredYears;
  if (deadline) {
    next.due = deadline.day;
    if (deadline.uncoveredYears.length) next.dueUncoveredYears = deadline.uncoveredYears;
  }
  const event: CaseEvent = { at: now.toISOString(), by: principal.username, from: found.state, to: input.to, note: input.note, ...(deadline ? { due: deadline.day } : {}) };
  try {
    await deps.cases.transition(found, next, event, events.length + 1);
  } catch (error) {
    if (error instanceof CaseStateError) throw await refuse(`another step came first: the case is ${error.current ?? 'gone'} now`);
    throw error;
  }
  await record(deps, principal, attempt, 'ok', { unitId: found.unitId, detail: `${found.state} → ${input.to}${FINAL_CASE_STATES.includes(input.to) ? ' (final)' : ''}` });
  return caseView(deps, next, [...events, event]);
}
