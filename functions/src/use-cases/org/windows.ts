import { randomInt } from 'node:crypto';
import type { AdminWindow, CreateWindowInput, SetWindowStaffInput, UpdateWindowInput, WindowListQuery, WindowPage } from '#shared/contracts/org-windows.js';
import { NATIONAL_SURVEY } from '#shared/domain/national-survey.js';
import type { Principal } from '../../auth/principal.js';
import { UnitMoveInProgressError, type UnitRecord } from '../../data/units.js';
import type { WindowRecord } from '../../data/windows.js';
import { WindowCodeTakenError, WindowMissingError } from '../../data/windows.js';
import { ConflictError, NotFoundError, ValidationError } from '../../errors.js';
import { checkWindowHall, type HallDeps } from './halls.js';
import { authorize, record, refuse } from '../../access/index.js';
import type { OrgDeps } from './org-deps.js';
import { windowCode } from './window-code.js';

export interface WindowDeps extends OrgDeps {
  /** A fresh random window code; tests pass a fixed sequence to force a collision. */
  newWindowCode?: () => string;
}

const CODE_ATTEMPTS = 5;

async function view(deps: Pick<OrgDeps, 'units' | 'staff'>, window: WindowRecord, unit?: UnitRecord): Promise<AdminWindow> {
  const assigned = window.staffIds ?? window.staffOnDutyIds;
  const [people, owner] = await Promise.all([deps.staff.getMany(assigned), unit ? Promise.resolve(unit) : deps.units.get(window.unitId)]);
  return {
    code: window.code,
    unitId: window.unitId,
    unitName: owner?.name ?? '',
    hallId: window.hallId,
    name: window.name,
    active: window.active,
    serviceItems: (window.serviceItems ?? []).map((item) => ({ ...(item.code ? { code: item.code } : {}), name: item.name })),
    staff: assigned
      .map((id) => people.get(id))
      .filter((person) => person !== undefined)
      .map((person) => ({ id: person.id, name: person.name, staffNo: person.staffNo, onDuty: window.staffOnDutyIds.includes(person.id) })),
    residentPath: `/w/${window.code}`,
  };
}

export async function listUnitWindows(deps: OrgDeps, principal: Principal, unitId: string, query: WindowListQuery): Promise<WindowPage> {
  const attempt = { action: 'window.list', objectType: 'unit', objectId: unitId } as const;
  const unit = await authorize(deps, principal, 'org:read', attempt, { unit: unitId, field: 'unitId' });
  const page = await deps.windows.listUnit(unit.path, { limit: query.limit, cursor: query.cursor });
  return {
    windows: page.items.map((w) => ({ code: w.code, unitId: w.unitId, name: w.name, active: w.active, staffOnDuty: w.staffOnDutyIds.length })),
    ...(page.cursor ? { cursor: page.cursor } : {}),
  };
}

export async function getOrgWindow(deps: OrgDeps, principal: Principal, code: string): Promise<AdminWindow> {
  const attempt = { action: 'window.read', objectType: 'window', objectId: code } as const;
  const { window, unit } = await authorize(deps, principal, 'org:read', attempt, { window: code, field: 'code' });
  return view(deps, window, unit);
}

/** Create a window under a random code, stable for its life; a collision retries with a new code. */
export async function createWindow(deps: WindowDeps, principal: Principal, unitId: string, input: CreateWindowInput): Promise<AdminWindow> {
  const attempt = { action: 'window.create', objectType: 'window', objectId: `unit:${unitId}` } as const;
  const unit = await authorize(deps, principal, 'org:write', attempt, { unit: unitId, field: 'unitId' });
  if (unit.archived) await refuse(deps, principal, attempt, new ConflictError('unitId', 'is archived and takes no new windows'), { unitId });
  const nextCode = deps.newWindowCode ?? (() => windowCode(randomInt));
  for (let i = 0; i < CODE_ATTEMPTS; i++) {
    const window: WindowRecord & { unitPath: string[] } = {
      code: nextCode(),
      unitId: unit.id,
      // Halls (服务大厅) are not managed here yet: a new window is served at its unit's premises.
      hallId: '',
      name: input.name,
      active: true,
      staffIds: [],
      staffOnDutyIds: [],
      serviceItems: input.serviceItems ?? [],
      surveyId: NATIONAL_SURVEY.surveyId,
      surveyVersion: NATIONAL_SURVEY.version,
      unitPath: unit.path,
    };
    try {
      await deps.windows.create(window);
    } catch (error) {
      if (error instanceof WindowCodeTakenError) continue;
      // The unit (or one above it) is being moved: a window written now could be left behind.
      if (error instanceof UnitMoveInProgressError) await refuse(deps, principal, attempt, new ConflictError(error.field, error.reason), { unitId });
      throw error;
    }
    await record(deps, principal, { ...attempt, objectId: window.code }, 'ok', { unitId });
    return view(deps, window, unit);
  }
  // 31^8 codes: five collisions in a row mean the generator is broken, not bad luck.
  throw new Error('could not find a free window code');
}

export async function updateWindow(deps: HallDeps, principal: Principal, code: string, input: UpdateWindowInput): Promise<AdminWindow> {
  const action = input.active === false ? 'window.deactivate' : input.active === true ? 'window.activate' : 'window.update';
  const attempt = { action, objectType: 'window', objectId: code } as const;
  const { window: current, unit } = await authorize(deps, principal, 'org:write', attempt, { window: code, field: 'code' });
  if (input.hallId !== undefined) await checkWindowHall(deps, principal, attempt, current, unit, input.hallId);
  try {
    const window = await deps.windows.update(code, { name: input.name, active: input.active, serviceItems: input.serviceItems, hallId: input.hallId });
    await record(deps, principal, attempt, 'ok', { unitId: unit.id, detail: Object.keys(input).join(',') });
    return view(deps, window, unit);
  } catch (error) {
    if (error instanceof WindowMissingError) throw new NotFoundError('code', 'window');
    throw error;
  }
}

/** Assign staff of the window's unit and set who is on duty now (a subset of those assigned). */
export async function setWindowStaff(deps: OrgDeps, principal: Principal, code: string, input: SetWindowStaffInput): Promise<AdminWindow> {
  const attempt = { action: 'window.staff', objectType: 'window', objectId: code } as const;
  const { unit } = await authorize(deps, principal, 'org:write', attempt, { window: code, field: 'code' });
  const staffIds = [...new Set(input.staffIds)];
  const onDutyIds = [...new Set(input.onDutyIds)];
  const people = await deps.staff.getMany(staffIds);
  // Staff of another unit are "no such staff", like anything else out of reach.
  const stranger = staffIds.findIndex((id) => people.get(id)?.unitId !== unit.id);
  if (stranger >= 0) await refuse(deps, principal, attempt, ValidationError.forField(`staffIds.${stranger}`, 'no such staff member in this unit'), { unitId: unit.id });
  const notAssigned = onDutyIds.findIndex((id) => !staffIds.includes(id));
  if (notAssigned >= 0) await refuse(deps, principal, attempt, ValidationError.forField(`onDutyIds.${notAssigned}`, 'must be one of staffIds'), { unitId: unit.id });
  const window = await deps.windows.update(code, { staffIds, staffOnDutyIds: onDutyIds });
  await record(deps, principal, attempt, 'ok', { unitId: unit.id, detail: `${staffIds.length} assigned, ${onDutyIds.length} on duty` });
  return view(deps, window, unit);
}
