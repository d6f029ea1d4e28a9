import type { RateDefinitionInput, RateDefinitionList } from '#shared/contracts/ops-reports.js';
import type { RateDefinitionSet as RateDefinitionSetView } from '#shared/contracts/reports.js';
import { defineRateSet, NATIONAL_DEFINITIONS, type RateDefinitionSet } from '#shared/domain/report-definitions.js';
import type { Principal } from '../../auth/principal.js';
import { RateDefinitionExistsError, type StoredRateDefinition } from '../../data/rate-definitions.js';
import { ConflictError, ValidationError } from '../../errors.js';
import { authorize, record } from '../../access/index.js';
import type { ReportDeps } from './report-deps.js';

export function definitionSet(stored: StoredRateDefinition): RateDefinitionSet {
  return defineRateSet(stored);
}

/**
 * The definition set a report uses: the built-in national one, or one of the registry. An unknown
 * id is bad input (400 naming `definition`), not a missing resource: the registry is not scoped.
 */
export async function resolveDefinitions(deps: Pick<ReportDeps, 'rateDefinitions'>, id: string): Promise<RateDefinitionSet> {
  if (id === NATIONAL_DEFINITIONS.id) return NATIONAL_DEFINITIONS;
  const stored = await deps.rateDefinitions.get(id);
  if (!stored) throw ValidationError.forField('definition', 'no such rate definition (GET /api/rate-definitions lists them)');
  return definitionSet(stored);
}

/** The registry, built-in national set first, then the local ones by id. */
export async function listRateDefinitions(deps: Pick<ReportDeps, 'rateDefinitions' | 'audit' | 'now'>, principal: Principal): Promise<RateDefinitionList> {
  await authorize(deps, principal, 'results:read', { action: 'rate-definition.list', objectType: 'rate-definition', objectId: '*' });
  const stored = await deps.rateDefinitions.list();
  return { definitions: [NATIONAL_DEFINITIONS, ...stored.sort((a, b) => (a.id < b.id ? -1 : 1)).map(definitionSet)] };
}

/** Add a local definition (system admin). Immutable: an existing id, the national one included, is a conflict. */
export async function createRateDefinition(deps: Pick<ReportDeps, 'rateDefinitions' | 'audit' | 'now'>, principal: Principal, input: RateDefinitionInput): Promise<RateDefinitionSetView> {
  const attempt = { action: 'rate-definition.create', objectType: 'rate-definition', objectId: input.id } as const;
  await authorize(deps, principal, 'definitions:manage', attempt);
  // 满意 is the stricter rate: every level it counts must count as 好评 too.
  const loose = input.satisfiedLevels.filter((level) => !input.goodLevels.includes(level));
  if (loose.length > 0) {
    await record(deps, principal, attempt, 'invalid', { detail: 'satisfiedLevels not within goodLevels' });
    throw ValidationError.forField('satisfiedLevels', `must be levels that also count as 好评 (goodLevels); ${loose.join(', ')} is not`);
  }
  const stored: StoredRateDefinition = { ...input, createdAt: deps.now().toISOString(), createdBy: principal.username };
  try {
    if (input.id === NATIONAL_DEFINITIONS.id) throw new RateDefinitionExistsError('built in');
    await deps.rateDefinitions.create(stored);
  } catch (error) {
    if (!(error instanceof RateDefinitionExistsError)) throw error;
    await record(deps, principal, attempt, 'invalid', { detail: 'id exists' });
    throw new ConflictError('id', 'a rate definition with this id exists; definitions never change, choose a new id');
  }
  await record(deps, principal, attempt, 'ok');
  return definitionSet(stored);
}
