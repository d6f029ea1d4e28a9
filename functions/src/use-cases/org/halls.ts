import { randomBytes } from 'node:crypto';
import type { CreateHallInput, Hall, HallListQuery, HallPage, UpdateHallInput, WindowHallOptions } from '#shared/contracts/org-halls.js';
import type { Principal } from '../../auth/principal.js';
import { inScope } from '../../auth/authorization.js';
import type { HallRecord, UnitRecord, WindowRecord } from '../../data/directory.js';
import { HallIdTakenError, HallMissingError, type HallStore } from '../../data/halls.js';
import { ConflictError, NotFoundError } from '../../errors.js';
import { audit, refuse, requireOrg, unitInScope, windowInScope, type Attempt, type OrgDeps } from './org-deps.js';

/** The org dependencies plus the hall store (服务大厅). */
export interface HallDeps extends OrgDeps {
  halls: HallStore;
}

/** Hall ids are random, like staff ids: `h-` and 16 hex digits. */
export const newHallId = () => `h-${randomBytes(8).toString('hex')}`;

export const hallView = (hall: HallRecord): Hall => ({
  id: hall.id,
  unitId: hall.unitId,
  name: hall.name,
  address: hall.address,
  archived: hall.archived === true,
});

/** A hall whose unit is in the caller's scope; missing and out of scope are the same 404, audited. */
async function hallInScope(deps: HallDeps, principal: Principal, hallId: string, attempt: Attempt): Promise<{ hall: HallRecord; unit: UnitRecord }> {
  const hall = await deps.halls.get(hallId);
  const unit = hall ? await deps.units.get(hall.unitId) : undefined;
  if (hall && unit && inScope(principal, unit)) return { hall, unit };
  await audit(deps, principal, attempt, hall ? 'denied' : 'not-found', hall ? { unitId: hall.unitId, detail: 'out of scope' } : {});
  throw new NotFoundError('hallId', 'hall');
}

export async function listUnitHalls(deps: HallDeps, principal: Principal, unitId: string, query: HallListQuery): Promise<HallPage> {
  const attempt = { action: 'hall.list', objectType: 'unit', objectId: unitId } as const;
  await requireOrg(deps, principal, 'org:read', attempt);
  const unit = await unitInScope(deps, principal, unitId, 'unitId', attempt);
  const page = await deps.halls.listUnit(unit.id, { limit: query.limit, cursor: query.cursor, includeArchived: query.includeArchived });
  return { halls: page.items.map(hallView), ...(page.cursor ? { cursor: page.cursor } : {}) };
}

const ID_ATTEMPTS = 3;

export async function createHall(deps: HallDeps & { newHallId?: () => string }, principal: Principal, unitId: string, input: CreateHallInput): Promise<Hall> {
  const attempt = { action: 'hall.create', objectType: 'hall', objectId: `unit:${unitId}` } as const;
  await requireOrg(deps, principal, 'org:write', attempt);
  const unit = await unitInScope(deps, principal, unitId, 'unitId', attempt);
  if (unit.archived) await refuse(deps, principal, attempt, new ConflictError('unitId', 'is archived and takes no new halls'), { unitId });
  const nextId = deps.newHallId ?? newHallId;
  for (let i = 0; i < ID_ATTEMPTS; i++) {
    const hall: HallRecord = { id: nextId(), unitId: unit.id, name: input.name, address: input.address ?? '' };
    try {
      await deps.halls.create(hall);
    } catch (error) {
      if (error instanceof HallIdTakenError) continue;
      throw error;
    }
    await audit(deps, principal, { ...attempt, objectId: hall.id }, 'ok', { unitId });
    return hallView(hall);
  }
  // 64 random bits: three collisions in a row mean the generator is broken, not bad luck.
  throw new Error('could not find a free hall id');
}

export async function updateHall(deps: HallDeps, principal: Principal, hallId: string, input: UpdateHallInput): Promise<Hall> {
  const attempt = { action: 'hall.update', objectType: 'hall', objectId: hallId } as const;
  await requireOrg(deps, principal, 'org:write', attempt);
  const { unit } = await hallInScope(deps, principal, hallId, attempt);
  try {
    const hall = await deps.halls.update(hallId, { name: input.name, address: input.address });
    await audit(deps, principal, attempt, 'ok', { unitId: unit.id, detail: Object.keys(input).join(',') });
    return hallView(hall);
  } catch (error) {
    if (error instanceof HallMissingError) throw new NotFoundError('hallId', 'hall');
    throw error;
  }
}

/** Archive or restore. There is no delete: windows (and the ratings made at them) point at halls. */
export async function archiveHall(deps: HallDeps, principal: Principal, hallId: string, archived: boolean): Promise<Hall> {
  const attempt = { action: archived ? 'hall.archive' : 'hall.restore', objectType: 'hall', objectId: hallId } as const;
  await requireOrg(deps, principal, 'org:write', attempt);
  const { unit } = await hallInScope(deps, principal, hallId, attempt);
  const hall = await deps.halls.update(hallId, { archived });
  await audit(deps, principal, attempt, 'ok', { unitId: unit.id });
  return hallView(hall);
}

/** Every hall of the units on `path` (one Query per unit, paths are at most a few units deep). */
async function hallsAlong(deps: HallDeps, path: readonly string[]): Promise<HallRecord[]> {
  const perUnit = await Promise.all(
    path.map(async (unitId) => {
      const halls: HallRecord[] = [];
      let cursor: string | undefined;
      do {
        const page = await deps.halls.listUnit(unitId, { limit: 500, cursor });
        halls.push(...page.items);
        cursor = page.cursor;
      } while (cursor && halls.length < 2_000);
      return halls;
    }),
  );
  return perUnit.flat();
}

/**
 * The halls a window may move to: those of its unit and of each ancestor unit, nearest unit first.
 * A unit admin sees the halls of the units above their scope here (and only here): hall names and
 * addresses are public (printed on every poster of a window in them), and a department's windows
 * usually sit in the county's 政务服务中心 hall.
 */
export async function listWindowHalls(deps: HallDeps, principal: Principal, code: string): Promise<WindowHallOptions> {
  const attempt = { action: 'window.halls', objectType: 'window', objectId: code } as const;
  await requireOrg(deps, principal, 'org:read', attempt);
  const { window, unit } = await windowInScope(deps, principal, code, attempt);
  const [halls, units, current] = await Promise.all([
    hallsAlong(deps, [...unit.path].reverse()),
    deps.units.getMany(unit.path),
    window.hallId ? deps.halls.get(window.hallId) : Promise.resolve(undefined),
  ]);
  return {
    current: current ? hallView(current) : null,
    halls: halls.map((hall) => ({ ...hallView(hall), unitName: units.get(hall.unitId)?.name ?? hall.unitId })),
  };
}

/**
 * Check a window's new hall: `''` (the unit's own premises), or a hall of the window's unit or of
 * one of its ancestors. Unknown halls and halls of any other unit get the same "no such hall"
 * naming hallId (audited); an archived hall takes no new windows, but re-sending the current one
 * is fine.
 */
export async function checkWindowHall(
  deps: HallDeps,
  principal: Principal,
  attempt: Attempt,
  window: WindowRecord,
  unit: UnitRecord,
  hallId: string,
): Promise<void> {
  if (hallId === '' || hallId === window.hallId) return;
  const hall = await deps.halls.get(hallId);
  if (!hall || !unit.path.includes(hall.unitId)) {
    await audit(deps, principal, attempt, hall ? 'denied' : 'not-found', { unitId: unit.id, detail: hall ? `hallId of unit ${hall.unitId} not on the window's path` : 'hallId not found' });
    throw new NotFoundError('hallId', 'hall');
  }
  if (hall.archived) await refuse(deps, principal, attempt, new ConflictError('hallId', 'is archived'), { unitId: unit.id });
}
