import { randomBytes } from 'node:crypto';
import type { CreateHallInput, Hall, HallListQuery, HallPage, UpdateHallInput, WindowHallOptions } from '#shared/contracts/org-halls.js';
import type { Principal } from '../../auth/principal.js';
import type { HallRecord } from '../../data/halls.js';
import type { UnitRecord } from '../../data/units.js';
import type { WindowRecord } from '../../data/windows.js';
import { HallIdTakenError, HallMissingError, type HallStore } from '../../data/halls.js';
import { ConflictError, NotFoundError } from '../../errors.js';
import { authorize, record, refuse, type Attempt } from '../../access/index.js';
import type { OrgDeps } from './org-deps.js';

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

export async function listUnitHalls(deps: HallDeps, principal: Principal, unitId: string, query: HallListQuery): Promise<HallPage> {
  const attempt = { action: 'hall.list', objectType: 'unit', objectId: unitId } as const;
  const unit = await authorize(deps, principal, 'org:read', attempt, { unit: unitId, field: 'unitId' });
  const page = await deps.halls.listUnit(unit.id, { limit: query.limit, cursor: query.cursor, includeArchived: query.includeArchived });
  return { halls: page.items.map(hallView), ...(page.cursor ? { cursor: page.cursor } : {}) };
}

const ID_ATTEMPTS = 3;

export async function createHall(deps: HallDeps & { newHallId?: () => string }, principal: Principal, unitId: string, input: CreateHallInput): Promise<Hall> {
  const attempt = { action: 'hall.create', objectType: 'hall', objectId: `unit:${unitId}` } as const;
  const unit = await authorize(deps, principal, 'org:write', attempt, { unit: unitId, field: 'unitId' });
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
    await record(deps, principal, { ...attempt, objectId: hall.id }, 'ok', { unitId });
    return hallView(hall);
  }
  // 64 random bits: three collisions in a row mean the generator is broken, not bad luck.
  throw new Error('could not find a free hall id');
}

export async function updateHall(deps: HallDeps, principal: Principal, hallId: string, input: UpdateHallInput): Promise<Hall> {
  const attempt = { action: 'hall.update', objectType: 'hall', objectId: hallId } as const;
  const { unit } = await authorize(deps, principal, 'org:write', attempt, { hall: hallId, field: 'hallId' });
  try {
    const hall = await deps.halls.update(hallId, { name: input.name, address: input.address });
    await record(deps, principal, attempt, 'ok', { unitId: unit.id, detail: Object.keys(input).join(',') });
    return hallView(hall);
  } catch (error) {
    if (error instanceof HallMissingError) throw new NotFoundError('hallId', 'hall');
    throw error;
  }
}

/** Archive or restore. There is no delete: windows (and the ratings made at them) point at halls. */
export async function archiveHall(deps: HallDeps, principal: Principal, hallId: string, archived: boolean): Promise<Hall> {
  const attempt = { action: archived ? 'hall.archive' : 'hall.restore', objectType: 'hall', objectId: hallId } as const;
  const { unit } = await authorize(deps, principal, 'org:write', attempt, { hall: hallId, field: 'hallId' });
  const hall = await deps.halls.update(hallId, { archived });
  await record(deps, principal, attempt, 'ok', { unitId: unit.id });
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
  const { window, unit } = await authorize(deps, principal, 'org:read', attempt, { window: code, field: 'code' });
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
    await record(deps, principal, attempt, hall ? 'denied' : 'not-found', { unitId: unit.id, detail: hall ? `hallId of unit ${hall.unitId} not on the window's path` : 'hallId not found' });
    throw new NotFoundError('hallId', 'hall');
  }
  if (hall.archived) await refuse(deps, principal, attempt, new ConflictError('hallId', 'is archived'), { unitId: unit.id });
}
