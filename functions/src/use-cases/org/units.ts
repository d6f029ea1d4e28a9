import { randomInt } from 'node:crypto';
import type { CreateUnitInput, MoveResult, Unit, UnitDetail, UnitPage, UnitTree, UnitTreeQuery, UnitListQuery } from '#shared/contracts/org-units.js';
import type { Principal } from '../../auth/principal.js';
import type { UnitRecord } from '../../data/units.js';
import { UnitChangedError, UnitExistsError, UnitMoveInProgressError } from '../../data/units.js';
import { ConflictError, NotFoundError, ValidationError } from '../../errors.js';
import { authorize, record, refuse } from '../../access/index.js';
import { unitView, type OrgDeps } from './org-deps.js';
import { moveRefusal } from './unit-tree.js';
import { WINDOW_CODE_ALPHABET } from './window-code.js';

type Deps = Pick<OrgDeps, 'units' | 'audit' | 'now'>;

/** The unit tree of the caller's scope, parents before children (a system admin: every root). */
export async function getUnitTree(deps: Deps, principal: Principal, query: UnitTreeQuery): Promise<UnitTree> {
  await authorize(deps, principal, 'org:read', { action: 'unit.tree', objectType: 'unit', objectId: principal.unitId });
  const roots =
    principal.role === 'system-admin'
      ? (await deps.units.children(null, { includeArchived: true, limit: 500 })).items.sort((a, b) => a.id.localeCompare(b.id))
      : [await deps.units.get(principal.unitId)].filter((u): u is UnitRecord => u !== undefined);
  const limit = query.limit ?? 500;
  let [rootIndex, inner] = splitCursor(query.cursor);
  const units: UnitTree['units'] = [];
  let cursor: string | undefined;
  while (rootIndex < roots.length && units.length < limit) {
    const root = roots[rootIndex]!;
    const page = await deps.units.subtree(root.path, { limit: limit - units.length, cursor: inner, includeArchived: query.includeArchived });
    units.push(...page.items.map((unit) => ({ ...unitView(unit), depth: unit.path.length - root.path.length })));
    if (page.cursor) {
      inner = page.cursor;
      cursor = `${rootIndex}.${inner}`;
    } else {
      rootIndex++;
      inner = undefined;
      cursor = rootIndex < roots.length ? `${rootIndex}.` : undefined;
    }
  }
  if (rootIndex >= roots.length) cursor = undefined;
  return { units, ...(cursor ? { cursor } : {}) };
}

function splitCursor(cursor: string | undefined): [number, string | undefined] {
  if (!cursor) return [0, undefined];
  const dot = cursor.indexOf('.');
  const index = Number(cursor.slice(0, dot));
  if (dot < 1 || !Number.isInteger(index) || index < 0 || index > 10_000) throw ValidationError.forField('cursor', 'is not a cursor of this list');
  return [index, cursor.slice(dot + 1) || undefined];
}

export async function getUnit(deps: Deps, principal: Principal, unitId: string): Promise<UnitDetail> {
  const attempt = { action: 'unit.read', objectType: 'unit', objectId: unitId } as const;
  const unit = await authorize(deps, principal, 'org:read', attempt, { unit: unitId, field: 'unitId' });
  const ancestors = await deps.units.getMany(unit.path.slice(0, -1));
  return {
    ...unitView(unit),
    ancestors: unit.path.slice(0, -1).map((id) => ({ id, name: ancestors.get(id)?.name ?? id })),
  };
}

export async function listUnitChildren(deps: Deps, principal: Principal, unitId: string, query: UnitListQuery): Promise<UnitPage> {
  const attempt = { action: 'unit.children', objectType: 'unit', objectId: unitId } as const;
  const unit = await authorize(deps, principal, 'org:read', attempt, { unit: unitId, field: 'unitId' });
  const page = await deps.units.children(unit.id, { limit: query.limit, cursor: query.cursor, includeArchived: query.includeArchived });
  return { units: page.items.map(unitView), ...(page.cursor ? { cursor: page.cursor } : {}) };
}

/** A generated 单位编码 when the administrator gives none: `u-` and 10 random characters. */
const newUnitId = () => `u-${Array.from({ length: 10 }, () => WINDOW_CODE_ALPHABET[randomInt(WINDOW_CODE_ALPHABET.length)]).join('')}`;

export async function createUnit(deps: Deps, principal: Principal, input: CreateUnitInput): Promise<Unit> {
  const id = input.id ?? newUnitId();
  const attempt = { action: 'unit.create', objectType: 'unit', objectId: id } as const;
  await authorize(deps, principal, 'org:write', attempt);
  let parent: UnitRecord | null = null;
  if (input.parentId === null) {
    // A new root is a new province-level tree: only a system admin may start one.
    if (principal.role !== 'system-admin') {
      await record(deps, principal, attempt, 'denied', { detail: 'root unit by non-system-admin' });
      throw new NotFoundError('parentId', 'unit');
    }
  } else {
    parent = await authorize(deps, principal, 'org:write', attempt, { unit: input.parentId, field: 'parentId' });
    if (parent.archived) await refuse(deps, principal, attempt, new ConflictError('parentId', 'is archived'), { unitId: parent.id });
  }
  const unit: UnitRecord = { id, name: input.name, parentId: parent?.id ?? null, path: [...(parent?.path ?? []), id] };
  try {
    await deps.units.create(unit);
  } catch (error) {
    if (error instanceof UnitExistsError) await refuse(deps, principal, attempt, new ConflictError('id', 'is already used by another unit'), { unitId: parent?.id });
    // The parent (or a unit above it) is being moved, or moved since it was read: the new unit
    // would get a path that no longer exists, so nothing is written.
    if (error instanceof UnitMoveInProgressError) await refuse(deps, principal, attempt, new ConflictError('parentId', error.reason), { unitId: parent?.id });
    if (error instanceof UnitChangedError) throw new NotFoundError('parentId', 'unit');
    throw error;
  }
  await record(deps, principal, attempt, 'ok', { unitId: id, detail: `under ${parent?.id ?? 'root'}` });
  return unitView(unit);
}

export async function renameUnit(deps: Deps, principal: Principal, unitId: string, name: string): Promise<Unit> {
  const attempt = { action: 'unit.rename', objectType: 'unit', objectId: unitId } as const;
  await authorize(deps, principal, 'org:write', attempt, { unit: unitId, field: 'unitId' });
  try {
    const unit = await deps.units.rename(unitId, name);
    await record(deps, principal, attempt, 'ok', { unitId });
    return unitView(unit);
  } catch (error) {
    if (error instanceof UnitChangedError) throw new NotFoundError('unitId', 'unit');
    throw error;
  }
}

export async function archiveUnit(deps: Deps, principal: Principal, unitId: string, archived: boolean): Promise<Unit> {
  const attempt = { action: archived ? 'unit.archive' : 'unit.restore', objectType: 'unit', objectId: unitId } as const;
  const unit = await authorize(deps, principal, 'org:write', attempt, { unit: unitId, field: 'unitId' });
  // A unit admin cannot archive their own scope root: they would hide their whole scope.
  if (principal.role !== 'system-admin' && unit.id === principal.unitId) {
    await refuse(deps, principal, attempt, new ConflictError('unitId', 'is the root of your scope'), { unitId });
  }
  const updated = await deps.units.setArchived(unitId, archived);
  await record(deps, principal, attempt, 'ok', { unitId });
  return unitView(updated);
}

/**
 * Move a unit and its subtree under a new parent in scope. Refused like "does not exist" when the
 * new parent is out of scope; never under itself or a descendant. Refused with 409 (naming unitId
 * or parentId) when another move holds either of them, or moved either since they were read here:
 * of two crossing moves at most one is applied. Repeating a move completes it (the only way to
 * finish one that crashed: until then the subtree, its old ancestors and its destination hold still).
 */
export async function moveUnit(deps: Deps, principal: Principal, unitId: string, parentId: string | null): Promise<MoveResult> {
  const attempt = { action: 'unit.move', objectType: 'unit', objectId: unitId } as const;
  const unit = await authorize(deps, principal, 'org:write', attempt, { unit: unitId, field: 'unitId' });
  if (principal.role !== 'system-admin' && unit.id === principal.unitId) {
    await refuse(deps, principal, attempt, new ConflictError('unitId', 'is the root of your scope'), { unitId });
  }
  let parent: UnitRecord | null = null;
  if (parentId === null) {
    if (principal.role !== 'system-admin') {
      await record(deps, principal, attempt, 'denied', { unitId, detail: 'move to root by non-system-admin' });
      throw new NotFoundError('parentId', 'unit');
    }
  } else {
    parent = await authorize(deps, principal, 'org:write', attempt, { unit: parentId, field: 'parentId' });
  }
  const refusal = moveRefusal(unit, parent);
  if (refusal) await refuse(deps, principal, attempt, ValidationError.forField('parentId', refusal), { unitId });
  if (parent?.archived) await refuse(deps, principal, attempt, new ConflictError('parentId', 'is archived'), { unitId });
  // Already there (a repeated request after success): nothing to do.
  if (unit.parentId === (parent?.id ?? null) && unit.path.join('/') === [...(parent?.path ?? []), unit.id].join('/')) {
    return { unit: unitView(unit), movedUnits: 0, movedWindows: 0 };
  }
  try {
    const moved = await deps.units.move(unit, parent);
    await record(deps, principal, attempt, 'ok', {
      unitId,
      detail: `from ${unit.parentId ?? 'root'} to ${parent?.id ?? 'root'}: ${moved.units} units, ${moved.windows} windows`,
    });
    const after = await deps.units.get(unitId);
    return { unit: unitView(after ?? unit), movedUnits: moved.units, movedWindows: moved.windows };
  } catch (error) {
    if (error instanceof UnitMoveInProgressError) await refuse(deps, principal, attempt, new ConflictError(error.field, error.reason), { unitId });
    if (error instanceof UnitChangedError) throw new NotFoundError('unitId', 'unit');
    throw error;
  }
}

