import type { Principal } from '../auth/principal.js';
import type { AuditEntry, AuditLog } from '../data/audit.js';
import type { HallRecord, HallStore } from '../data/halls.js';
import type { StaffRecord, StaffStore } from '../data/staff.js';
import type { UnitRecord, UnitStore } from '../data/units.js';
import type { WindowRecord, WindowStore } from '../data/windows.js';
import { ForbiddenError, NotFoundError } from '../errors.js';
import { can, type Permission } from './permissions.js';
import { isInScope } from './scope.js';

/** What one attempted action is about: described once, audited with whatever result it ends with. */
export interface Attempt {
  /** Verb in a stable dotted form, e.g. `unit.create`, `report.export`. */
  action: string;
  objectType: string;
  objectId: string;
  /** The unit the object belongs to, when known before the action runs. */
  unitId?: string;
}

export interface AccessDeps {
  audit: Pick<AuditLog, 'append'>;
  now: () => Date;
}

export interface AuditExtra {
  unitId?: string | undefined;
  detail?: string | undefined;
}

function auditEntry(deps: Pick<AccessDeps, 'now'>, principal: Principal, attempt: Attempt, result: AuditEntry['result'], extra: AuditExtra = {}): AuditEntry {
  const unitId = extra.unitId ?? attempt.unitId;
  return {
    at: deps.now().toISOString(),
    actor: principal.username,
    role: principal.role,
    action: attempt.action,
    objectType: attempt.objectType,
    objectId: attempt.objectId,
    ...(unitId ? { unitId } : {}),
    result,
    ...(extra.detail ? { detail: extra.detail } : {}),
  };
}

/** Write the audit entry of an attempt: its success, or a refusal that is not about access. */
export async function record(deps: AccessDeps, principal: Principal, attempt: Attempt, result: AuditEntry['result'], extra: AuditExtra = {}): Promise<void> {
  await deps.audit.append(auditEntry(deps, principal, attempt, result, extra));
}

/** Refuse an attempt for a reason found after access was granted (bad input, a conflict): audited as invalid. */
export async function refuse(deps: AccessDeps, principal: Principal, attempt: Attempt, error: Error, extra: AuditExtra = {}): Promise<never> {
  await record(deps, principal, attempt, 'invalid', { ...extra, detail: extra.detail ?? error.message.slice(0, 200) });
  throw error;
}

/** The object an attempt is about, named by the field of the request that carries its id. */
export type UnitTarget = { unit: string; field: string };
/** A window; `within` narrows the scope to a subtree the caller chose (a report of one unit). */
export type WindowTarget = { window: string; field: string; within?: UnitRecord };
export type StaffTarget = { staff: string; field: string };
export type HallTarget = { hall: string; field: string };
export type Target = UnitTarget | WindowTarget | StaffTarget | HallTarget;

type Units = { units: Pick<UnitStore, 'get'> };
type Windows = Units & { windows: Pick<WindowStore, 'get'> };
type Staff = Units & { staff: Pick<StaffStore, 'get'> };
type Halls = Units & { halls: Pick<HallStore, 'get'> };

/**
 * The one access rule. A role without `permission` gets 403; an object outside the caller's
 * scope gets the same 404 as an object that does not exist (naming the request's field), so ids
 * of other units reveal nothing. Each refusal is audited exactly once, here (`denied` for the
 * role or the scope, `not-found` for a missing object); the caller audits only what follows.
 * Example: a unit admin of 人社局 asking for a window of 市场监管局 gets 404 `code: no such window`,
 * and one audit entry `denied` with the window's unit and `code out of scope`.
 */
export async function authorize(deps: AccessDeps, principal: Principal, permission: Permission, attempt: Attempt): Promise<void>;
export async function authorize(deps: AccessDeps & Units, principal: Principal, permission: Permission, attempt: Attempt, target: UnitTarget): Promise<UnitRecord>;
export async function authorize(deps: AccessDeps & Windows, principal: Principal, permission: Permission, attempt: Attempt, target: WindowTarget): Promise<{ window: WindowRecord; unit: UnitRecord }>;
export async function authorize(deps: AccessDeps & Staff, principal: Principal, permission: Permission, attempt: Attempt, target: StaffTarget): Promise<{ staff: StaffRecord; unit: UnitRecord }>;
export async function authorize(deps: AccessDeps & Halls, principal: Principal, permission: Permission, attempt: Attempt, target: HallTarget): Promise<{ hall: HallRecord; unit: UnitRecord }>;
export async function authorize(
  deps: AccessDeps & Partial<Windows & Staff & Halls>,
  principal: Principal,
  permission: Permission,
  attempt: Attempt,
  target?: Target,
): Promise<unknown> {
  if (!can(principal, permission)) {
    await record(deps, principal, attempt, 'denied', { detail: `role lacks ${permission}` });
    throw new ForbiddenError(`this role may not ${permission.replace(':', ' ')}`);
  }
  if (!target) return undefined;
  const found = await load(deps, target);
  const unit = found.unitId ? await deps.units!.get(found.unitId) : undefined;
  // A unit target is its own object: it exists when its record does.
  const exists = 'unit' in target ? unit !== undefined : found.object !== undefined;
  const within = 'window' in target ? target.within : undefined;
  if (exists && unit && isInScope(principal, unit) && (!within || unit.path.includes(within.id))) {
    return 'unit' in target ? unit : { [found.key]: found.object, unit };
  }
  await record(deps, principal, attempt, exists ? 'denied' : 'not-found', {
    unitId: exists ? found.unitId : undefined,
    detail: `${target.field} ${exists ? 'out of scope' : 'not found'}`,
  });
  throw new NotFoundError(target.field, found.noun);
}

/**
 * The same rule for an object its use case has loaded itself, owned by a unit (a 接入系统 client,
 * a 阳光测评 round): a missing object and one outside the caller's scope give the same 404 naming
 * `field` (`clientId: no such client`), each refusal audited once as for the targets above.
 */
export async function authorizeOwned<T extends { unitId: string }>(
  deps: AccessDeps & Units,
  principal: Principal,
  permission: Permission,
  attempt: Attempt,
  object: T | undefined,
  target: { field: string; noun: string },
): Promise<{ object: T; unit: UnitRecord }> {
  if (!object) {
    await authorize(deps, principal, permission, attempt);
    await record(deps, principal, attempt, 'not-found', { detail: `${target.field} not found` });
    throw new NotFoundError(target.field, target.noun);
  }
  try {
    return { object, unit: await authorize(deps, principal, permission, attempt, { unit: object.unitId, field: target.field }) };
  } catch (error) {
    // The unit target's 404 names the unit; the caller asked for the object.
    if (error instanceof NotFoundError) throw new NotFoundError(target.field, target.noun);
    throw error;
  }
}

async function load(
  deps: Partial<Windows & Staff & Halls>,
  target: Target,
): Promise<{ key: string; noun: string; object: unknown; unitId: string | undefined }> {
  if ('unit' in target) return { key: 'unit', noun: 'unit', object: undefined, unitId: target.unit };
  if ('window' in target) {
    const window = await deps.windows!.get(target.window);
    return { key: 'window', noun: 'window', object: window, unitId: window?.unitId };
  }
  if ('staff' in target) {
    const staff = await deps.staff!.get(target.staff);
    return { key: 'staff', noun: 'staff member', object: staff, unitId: staff?.unitId };
  }
  const hall = await deps.halls!.get(target.hall);
  return { key: 'hall', noun: 'hall', object: hall, unitId: hall?.unitId };
}
