import type { SurveyDraftInput, SurveyVersionList, SurveyVersionOutput } from '#shared/contracts/surveys-versions.js';
import { agencySurveyId, applicableVersion, nearestSection, transition, type SurveyVersionEvent } from '#shared/domain/survey-version.js';
import type { Principal } from '../../auth/principal.js';
import { SurveyVersionExistsError, SurveyVersionStateError, type SurveyStore, type SurveyVersionRecord } from '../../data/surveys.js';
import { ConflictError, NotFoundError } from '../../errors.js';
import { authorize, record, type AccessDeps, type Attempt } from '../../access/index.js';
import type { UnitStore } from '../../data/units.js';

export interface SurveyDeps extends AccessDeps {
  units: Pick<UnitStore, 'get'>;
  surveys: SurveyStore;
}

function output(record: SurveyVersionRecord): SurveyVersionOutput {
  const { surveyId, unitId, version, state, title, questions, createdAt, publishedAt, retiredAt } = record;
  return { surveyId, unitId, version, state, title, questions, createdAt, ...(publishedAt ? { publishedAt } : {}), ...(retiredAt ? { retiredAt } : {}) };
}

const versionAttempt = (unitId: string, version: number | string, action: string): Attempt => ({
  action,
  objectType: 'survey-version',
  objectId: `${agencySurveyId(unitId)}@${version}`,
});

/** Versions of a unit's own section, newest first, and the version its windows show. */
export async function listSurveyVersions(deps: SurveyDeps, principal: Principal, unitId: string): Promise<SurveyVersionList> {
  const unit = await authorize(deps, principal, 'org:read', { action: 'survey.list', objectType: 'survey', objectId: agencySurveyId(unitId) }, { unit: unitId, field: 'id' });
  const [versions, current] = await Promise.all([deps.surveys.listVersions(unit.id), deps.surveys.currentForUnits(unit.path)]);
  const applies = nearestSection(unit.path, current);
  return {
    unit: { id: unit.id, name: unit.name },
    surveyId: agencySurveyId(unit.id),
    versions: versions.map((v) => {
      const { questions, ...rest } = output(v);
      return { ...rest, questionCount: questions.length };
    }),
    applies: applies ? { surveyId: applies.surveyId, version: applies.version, unitId: applies.unitId, inherited: applies.unitId !== unit.id } : null,
  };
}

/** `'3'` → 3; anything else names no version. */
function versionNumber(text: string): number | undefined {
  return /^[1-9]\d{0,3}$/.test(text) ? Number(text) : undefined;
}

export async function getSurveyVersion(deps: SurveyDeps, principal: Principal, unitId: string, versionText: string): Promise<SurveyVersionOutput> {
  const attempt = versionAttempt(unitId, versionText, 'survey.read');
  const unit = await authorize(deps, principal, 'org:read', attempt, { unit: unitId, field: 'id' });
  const version = versionNumber(versionText);
  const found = version === undefined ? undefined : await deps.surveys.getVersion(unit.id, version);
  if (!found) {
    await record(deps, principal, attempt, 'not-found', { unitId: unit.id });
    throw new NotFoundError('version', 'survey version');
  }
  return output(found);
}

/** A new draft copies the newest version's questions, as version + 1; one draft at a time. */
export async function createSurveyDraft(deps: SurveyDeps, principal: Principal, unitId: string): Promise<SurveyVersionOutput> {
  const attempt = { action: 'survey.draft', objectType: 'survey', objectId: agencySurveyId(unitId) };
  const unit = await authorize(deps, principal, 'org:write', attempt, { unit: unitId, field: 'id' });
  const versions = await deps.surveys.listVersions(unit.id);
  const refuse = async (message: string) => {
    await record(deps, principal, attempt, 'invalid', { unitId: unit.id, detail: message });
    return new ConflictError('id', message);
  };
  if (versions.some((v) => v.state === 'draft')) throw await refuse('this unit already has a draft; edit or publish it first');
  const newest = versions[0];
  const draft: SurveyVersionRecord = {
    surveyId: agencySurveyId(unit.id),
    unitId: unit.id,
    version: (newest?.version ?? 0) + 1,
    state: 'draft',
    title: newest?.title ?? `${unit.name}补充问卷`,
    questions: newest?.questions ?? [],
    createdAt: deps.now().toISOString(),
    createdBy: principal.username,
    revision: 0,
  };
  try {
    await deps.surveys.createDraft(draft);
  } catch (error) {
    if (error instanceof SurveyVersionExistsError) throw await refuse('another draft was started at the same time');
    throw error;
  }
  await record(deps, principal, { ...attempt, objectId: `${draft.surveyId}@${draft.version}` }, 'ok', { unitId: unit.id });
  return output(draft);
}

const DONE: Record<SurveyVersionEvent, string> = { edit: 'edited', publish: 'published', retire: 'retired' };

/**
 * Apply one lifecycle event to a version: check it in the transition table first (a published
 * version is immutable: 409), then write conditionally, so a concurrent change also ends in 409.
 */
async function change(
  deps: SurveyDeps,
  principal: Principal,
  unitId: string,
  versionText: string,
  event: SurveyVersionEvent,
  write: (found: SurveyVersionRecord, versions: SurveyVersionRecord[]) => Promise<SurveyVersionRecord>,
): Promise<SurveyVersionOutput> {
  const attempt = versionAttempt(unitId, versionText, `survey.${event}`);
  const unit = await authorize(deps, principal, 'org:write', attempt, { unit: unitId, field: 'id' });
  const versions = await deps.surveys.listVersions(unit.id);
  const version = versionNumber(versionText);
  const found = versions.find((v) => v.version === version);
  if (!found) {
    await record(deps, principal, attempt, 'not-found', { unitId: unit.id });
    throw new NotFoundError('version', 'survey version');
  }
  const refuse = async () => {
    await record(deps, principal, attempt, 'invalid', { unitId: unit.id, detail: `version is ${found.state}` });
    return new ConflictError('version', `a ${found.state} version cannot be ${DONE[event]}`);
  };
  if (!transition(found.state, event)) throw await refuse();
  let saved: SurveyVersionRecord;
  try {
    saved = await write(found, versions);
  } catch (error) {
    if (error instanceof SurveyVersionStateError) throw await refuse();
    throw error;
  }
  await record(deps, principal, attempt, 'ok', { unitId: unit.id });
  return output(saved);
}

export function updateSurveyDraft(deps: SurveyDeps, principal: Principal, unitId: string, version: string, input: SurveyDraftInput) {
  return change(deps, principal, unitId, version, 'edit', (found) =>
    deps.surveys.updateDraft(unitId, found.version, {
      title: input.title,
      questions: input.questions.map((q) => ({ id: q.id, kind: q.kind, text: q.text, required: q.required, ...(q.choices?.length ? { choices: q.choices } : {}) })),
    }),
  );
}

export function publishSurveyVersion(deps: SurveyDeps, principal: Principal, unitId: string, version: string) {
  return change(deps, principal, unitId, version, 'publish', (found) => deps.surveys.publish(unitId, found.version, deps.now().toISOString()));
}

/** Retiring the version the windows show makes the previous published version apply again (or none). */
export function retireSurveyVersion(deps: SurveyDeps, principal: Principal, unitId: string, version: string) {
  return change(deps, principal, unitId, version, 'retire', async (found, versions) => {
    const applying = applicableVersion(versions);
    const next = applying?.version === found.version ? (applicableVersion(versions.filter((v) => v.version !== found.version)) ?? null) : undefined;
    return deps.surveys.retire(unitId, found.version, deps.now().toISOString(), next);
  });
}
