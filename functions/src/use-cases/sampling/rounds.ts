import { randomBytes } from 'node:crypto';
import type { RoundConfig, RoundList, RoundView } from '#shared/contracts/sampling/rounds.js';
import { transitionProblem, ROUND_TRANSITIONS, type RoundAction } from '#shared/domain/sampling/round-state.js';
import { authorize, authorizeOwned, record, type AccessDeps, type Attempt } from '../../access/index.js';
import type { Principal } from '../../auth/principal.js';
import type { InvitationStore } from '../../data/sampling-invitations.js';
import { RoundStateError, type RoundRecord, type RoundStore } from '../../data/sampling-rounds.js';
import type { SurveyStore } from '../../data/surveys.js';
import type { UnitRecord, UnitStore } from '../../data/units.js';
import type { WindowStore } from '../../data/windows.js';
import type { CaseStore } from '../../data/cases/cases.js';
import { ConflictError, ForbiddenError, ValidationError } from '../../errors.js';
import type { ClientKeyring } from '../../throttle/keyring.js';

/**
 * 阳光测评 rounds (issue 13 §2): a unit administrator configures a round of their scope, commits it
 * (the configuration is locked and the seed's commitment published), freezes the frame, draws, and
 * closes it; or cancels it before the draw. Every step is one conditional write from the states it
 * may start from (round-state.ts) and is audited; the frame and the draw are in draw-round.ts.
 */
export interface RoundDeps extends AccessDeps {
  units: Pick<UnitStore, 'get' | 'getMany' | 'subtree'>;
  surveys: Pick<SurveyStore, 'getVersionById'>;
  rounds: RoundStore;
  /** The close purges the people drawn (close-round.ts); Neyman's priors read an earlier round's counts (0023). */
  invitations: Pick<InvitationStore, 'list' | 'deleteContacts' | 'closeSample' | 'answerCounts' | 'answers'>;
  /** The close opens the round's 差评 cases (decision 0030). */
  windows: Pick<WindowStore, 'getMany'>;
  cases: Pick<CaseStore, 'openRoundCases' | 'deadlineSettings'>;
  throttle: { keyring: ClientKeyring };
  randomBytes?: (size: number) => Buffer;
  newRoundId?: () => string;
  /** The time budget of a freeze or draw call (draw-round.ts); the ROUND_JOB_BUDGET_MS setting. */
  jobBudgetMs?: number | undefined;
}

/** Whether the round is drawn but its sample not yet wholly stored (the draw is a job): nothing is sent or closed until it is. */
export function drawUnfinished(round: Pick<RoundRecord, 'state' | 'drawn' | 'sampleWritten'>): boolean {
  return round.state === 'drawn' && round.sampleWritten !== undefined && round.sampleWritten < (round.drawn ?? 0);
}

/** Separation of duties: the account that drew a round may not close it or publish its results (403, audited). */
export async function refuseDrawer(deps: Pick<RoundDeps, 'now' | 'audit'>, principal: Principal, attempt: Attempt, round: RoundRecord, verb: 'close' | 'publish'): Promise<void> {
  if (round.drawnBy !== principal.username) return;
  await record(deps, principal, attempt, 'denied', { unitId: round.unitId, detail: `the account that drew may not ${verb}` });
  throw new ForbiddenError(`authorization: the account that drew this round may not ${verb} it (separation of duties); ask another administrator`);
}

/** The 409 (audited) of a step that needs the whole sample while the draw is still storing it. */
export async function refuseUnfinishedDraw(deps: Pick<RoundDeps, 'now' | 'audit'>, principal: Principal, attempt: Attempt, round: RoundRecord): Promise<void> {
  if (!drawUnfinished(round)) return;
  const message = `the draw is still storing the sample (${round.sampleWritten} of ${round.drawn}): finish the draw first`;
  await record(deps, principal, attempt, 'invalid', { unitId: round.unitId, detail: message });
  throw new ConflictError('state', message);
}

export const newRoundId = () => `r-${randomBytes(8).toString('hex')}`;

/**
 * The round as the API shows it: everything but the seed, which shows once the round is closed;
 * with `names` (unit id → name), the scope's name and, for strata by unit, each stratum's.
 */
export function roundView(round: RoundRecord, names: ReadonlyMap<string, string> = new Map()): RoundView {
  const { seed, unitId: _unitId, frameChunks: _chunks, allocation: _allocation, priorsFrom: _priorsFrom, funnel: _funnel, strata, freezing, ...shown } = round;
  const revealed = round.state === 'closed' || round.state === 'published';
  const byUnit = (round.config as { strataBy?: string }).strataBy === 'unit';
  const unitName = names.get(round.unitId);
  return {
    ...shown,
    ...(unitName ? { unitName } : {}),
    ...(strata ? { strata: strata.map((stratum) => ({ ...stratum, ...(byUnit && names.has(stratum.key) ? { label: names.get(stratum.key)! } : {}) })) } : {}),
    ...(revealed && seed ? { seed } : {}),
    // A freeze under way shows how far it has read; the job's id and start stay inside.
    ...(round.state === 'committed' && freezing ? { freezing: { staged: freezing.staged, partitions: freezing.partitions } } : {}),
  };
}

/** The names roundView shows: the scope's unit and, for strata by unit, the strata's units. */
export async function unitNames(deps: Pick<RoundDeps, 'units'>, rounds: readonly RoundRecord[]): Promise<Map<string, string>> {
  const ids = new Set<string>();
  for (const round of rounds) {
    ids.add(round.unitId);
    if ((round.config as { strataBy?: string }).strataBy === 'unit') for (const stratum of round.strata ?? []) ids.add(stratum.key);
  }
  const units = await deps.units.getMany([...ids]);
  return new Map([...units].map(([id, unit]) => [id, unit.name]));
}

/** roundView with the names looked up. */
export async function shownRound(deps: Pick<RoundDeps, 'units'>, round: RoundRecord): Promise<RoundView> {
  return roundView(round, await unitNames(deps, [round]));
}

/** Problems of a configuration that its schema cannot see: the order of days, the survey, fixed sizes. */
async function configProblem(deps: RoundDeps, config: RoundConfig): Promise<ValidationError | undefined> {
  if (config.period.from > config.period.to) return ValidationError.forField('period.to', 'must not be before period.from');
  if (config.deadline < config.period.to) return ValidationError.forField('deadline', 'must not be before the end of the period (period.to)');
  if (config.allocation.method === 'fixed' && config.size.mode === 'total' && !config.allocation.fixed) {
    return ValidationError.forField('allocation.fixed', 'is required with the fixed method: n_h per stratum');
  }
  if (!config.invitationText.includes('{link}')) return ValidationError.forField('invitationText', 'must contain {link}, where the one-time link goes');
  if (config.survey) {
    const survey = await deps.surveys.getVersionById(config.survey.surveyId, config.survey.version);
    if (!survey || survey.state !== 'published') return ValidationError.forField('survey', 'no such published survey version');
  }
  return undefined;
}

export async function createRound(deps: RoundDeps, principal: Principal, config: RoundConfig): Promise<RoundView> {
  const attempt: Attempt = { action: 'round.create', objectType: 'unit', objectId: config.unitId };
  const unit = await authorize(deps, principal, 'sampling:manage', attempt, { unit: config.unitId, field: 'unitId' });
  const problem = await configProblem(deps, config);
  if (problem) {
    await record(deps, principal, attempt, 'invalid', { unitId: unit.id, detail: problem.message });
    throw problem;
  }
  const now = deps.now().toISOString();
  const round: RoundRecord = {
    roundId: (deps.newRoundId ?? newRoundId)(),
    unitId: unit.id,
    state: 'draft',
    config: config as unknown as Record<string, unknown>,
    createdAt: now,
    createdBy: principal.username,
    updatedAt: now,
  };
  await deps.rounds.create(round);
  await record(deps, principal, { ...attempt, objectType: 'round', objectId: round.roundId }, 'ok', { unitId: unit.id, detail: config.name });
  return shownRound(deps, round);
}

/** The round, if it exists and its unit is in the caller's scope for `permission`; the same 404 otherwise. */
export async function authorizeRound(
  deps: RoundDeps,
  principal: Principal,
  permission: 'sampling:manage' | 'results:read',
  attempt: Attempt,
): Promise<{ round: RoundRecord; unit: UnitRecord }> {
  const found = await deps.rounds.get(attempt.objectId);
  const { object: round, unit } = await authorizeOwned(deps, principal, permission, attempt, found, { field: 'roundId', noun: 'round' });
  return { round, unit };
}

/** One step of the round's life: refused (409, audited) from a state it cannot start from. */
export async function stepRound(
  deps: RoundDeps,
  principal: Principal,
  attempt: Attempt,
  round: RoundRecord,
  action: RoundAction,
  patch: Partial<RoundRecord>,
): Promise<RoundRecord> {
  const refuse = async (state: RoundRecord['state'] | undefined) => {
    const message = state ? transitionProblem(state, action)! : 'no such round';
    await record(deps, principal, attempt, 'invalid', { unitId: round.unitId, detail: message });
    return new ConflictError('state', message);
  };
  if (transitionProblem(round.state, action)) throw await refuse(round.state);
  try {
    return await deps.rounds.transition(round.roundId, ROUND_TRANSITIONS[action].from, { ...patch, state: ROUND_TRANSITIONS[action].to, updatedAt: deps.now().toISOString() });
  } catch (error) {
    if (error instanceof RoundStateError) throw await refuse(error.current);
    throw error;
  }
}

export async function getRound(deps: RoundDeps, principal: Principal, roundId: string): Promise<RoundView> {
  const { round } = await authorizeRound(deps, principal, 'results:read', { action: 'round.read', objectType: 'round', objectId: roundId });
  return shownRound(deps, round);
}

export async function listRounds(deps: RoundDeps, principal: Principal, unitId: string): Promise<RoundList> {
  const attempt: Attempt = { action: 'round.list', objectType: 'unit', objectId: unitId };
  const unit = await authorize(deps, principal, 'results:read', attempt, { unit: unitId, field: 'unitId' });
  const rounds = await deps.rounds.listUnit(unit.id);
  const names = new Map([[unit.id, unit.name]]);
  return { rounds: rounds.sort((a, b) => b.createdAt.localeCompare(a.createdAt)).map((round) => roundView(round, names)) };
}

export async function updateRound(deps: RoundDeps, principal: Principal, roundId: string, config: RoundConfig): Promise<RoundView> {
  const attempt: Attempt = { action: 'round.update', objectType: 'round', objectId: roundId };
  const { round } = await authorizeRound(deps, principal, 'sampling:manage', attempt);
  if (config.unitId !== round.unitId) throw ValidationError.forField('unitId', 'cannot change: create another round for another unit');
  const problem = await configProblem(deps, config);
  if (problem) {
    await record(deps, principal, attempt, 'invalid', { unitId: round.unitId, detail: problem.message });
    throw problem;
  }
  const updated = await stepRound(deps, principal, attempt, round, 'edit', { config: config as unknown as Record<string, unknown> });
  await record(deps, principal, attempt, 'ok', { unitId: round.unitId, detail: config.name });
  return shownRound(deps, updated);
}

export async function cancelRound(deps: RoundDeps, principal: Principal, roundId: string): Promise<RoundView> {
  const attempt: Attempt = { action: 'round.cancel', objectType: 'round', objectId: roundId };
  const { round } = await authorizeRound(deps, principal, 'sampling:manage', attempt);
  const now = deps.now().toISOString();
  const cancelled = await stepRound(deps, principal, attempt, round, 'cancel', { cancelledAt: now, cancelledBy: principal.username });
  await record(deps, principal, attempt, 'ok', { unitId: round.unitId });
  return shownRound(deps, cancelled);
}
