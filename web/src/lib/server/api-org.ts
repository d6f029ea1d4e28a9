import { redirect, type Cookies } from '@sveltejs/kit';
import { operations } from '#shared/contracts/api.js';
import { ErrorBody } from '#shared/contracts/errors.js';
import { ImportApplied, ImportPreview } from '#shared/contracts/org-imports.js';
import { ServiceRecordImportApplied } from '#shared/contracts/service-records/imports.js';
import { Staff, StaffPage, StaffPhotoSaved, type CreateStaffInput, type UpdateStaffInput } from '#shared/contracts/org-staff.js';
import { MoveResult, Unit, UnitDetail, UnitPage, UnitTree } from '#shared/contracts/org-units.js';
import { AdminWindow, WindowPage, type UpdateWindowInput } from '#shared/contracts/org-windows.js';
import { Hall, HallPage, WindowHallOptions, type CreateHallInput, type UpdateHallInput } from '#shared/contracts/org-halls.js';
import { call, fillPath, type ApiResult } from './api';
import { webConfig } from './config';
import { endSession } from './session';

/**
 * Client functions of the org capability (单位、窗口、工作人员). Bodies are sent as the admin typed
 * them; the API validates and names bad fields, which the pages turn into Chinese messages.
 */

export function requireToken(locals: App.Locals): string {
  if (!locals.sessionToken) redirect(303, '/login');
  return locals.sessionToken;
}

/** A 401 from the API ends the session. */
export function sessionEnded(cookies: Cookies, url: URL): never {
  endSession(cookies, url);
  redirect(303, '/login');
}

const page = (cursor: string | null | undefined, extra: Record<string, string> = {}) => ({ ...extra, ...(cursor ? { cursor } : {}) });

export function getUnitTree(token: string, cursor?: string | null): Promise<ApiResult<UnitTree>> {
  const op = operations.getUnitTree;
  return call(UnitTree, { method: op.method, path: op.path, token, query: page(cursor) });
}

export function getUnit(token: string, unitId: string): Promise<ApiResult<UnitDetail>> {
  const op = operations.getUnit;
  return call(UnitDetail, { method: op.method, path: fillPath(op.path, { unitId }), token });
}

export function listUnitChildren(token: string, unitId: string, cursor?: string | null): Promise<ApiResult<UnitPage>> {
  const op = operations.listUnitChildren;
  return call(UnitPage, { method: op.method, path: fillPath(op.path, { unitId }), token, query: page(cursor) });
}

export function createUnit(token: string, body: { id?: string; name: string; parentId: string | null }): Promise<ApiResult<Unit>> {
  const op = operations.createUnit;
  return call(Unit, { method: op.method, path: op.path, token, body });
}

export function renameUnit(token: string, unitId: string, name: string): Promise<ApiResult<Unit>> {
  const op = operations.renameUnit;
  return call(Unit, { method: op.method, path: fillPath(op.path, { unitId }), token, body: { name } });
}

export function moveUnit(token: string, unitId: string, parentId: string | null): Promise<ApiResult<MoveResult>> {
  const op = operations.moveUnit;
  return call(MoveResult, { method: op.method, path: fillPath(op.path, { unitId }), token, body: { parentId } });
}

export function archiveUnit(token: string, unitId: string, archived: boolean): Promise<ApiResult<Unit>> {
  const op = operations.archiveUnit;
  return call(Unit, { method: op.method, path: fillPath(op.path, { unitId }), token, body: { archived } });
}

export function listUnitWindows(token: string, unitId: string, cursor?: string | null): Promise<ApiResult<WindowPage>> {
  const op = operations.listUnitWindows;
  return call(WindowPage, { method: op.method, path: fillPath(op.path, { unitId }), token, query: page(cursor) });
}

export function createWindow(token: string, unitId: string, body: { name: string; serviceItems?: { name: string }[] }): Promise<ApiResult<AdminWindow>> {
  const op = operations.createWindow;
  return call(AdminWindow, { method: op.method, path: fillPath(op.path, { unitId }), token, body });
}

export function getWindow(token: string, code: string): Promise<ApiResult<AdminWindow>> {
  const op = operations.getOrgWindow;
  return call(AdminWindow, { method: op.method, path: fillPath(op.path, { code }), token });
}

export function updateWindow(token: string, code: string, body: UpdateWindowInput): Promise<ApiResult<AdminWindow>> {
  const op = operations.updateWindow;
  return call(AdminWindow, { method: op.method, path: fillPath(op.path, { code }), token, body });
}

export function setWindowStaff(token: string, code: string, body: { staffIds: string[]; onDutyIds: string[] }): Promise<ApiResult<AdminWindow>> {
  const op = operations.setWindowStaff;
  return call(AdminWindow, { method: op.method, path: fillPath(op.path, { code }), token, body });
}

export function listUnitStaff(token: string, unitId: string, cursor?: string | null): Promise<ApiResult<StaffPage>> {
  const op = operations.listUnitStaff;
  return call(StaffPage, { method: op.method, path: fillPath(op.path, { unitId }), token, query: page(cursor) });
}

export function createStaff(token: string, unitId: string, body: CreateStaffInput): Promise<ApiResult<Staff>> {
  const op = operations.createStaff;
  return call(Staff, { method: op.method, path: fillPath(op.path, { unitId }), token, body });
}

export function getStaff(token: string, staffId: string): Promise<ApiResult<Staff>> {
  const op = operations.getStaff;
  return call(Staff, { method: op.method, path: fillPath(op.path, { staffId }), token });
}

export function updateStaff(token: string, staffId: string, body: UpdateStaffInput): Promise<ApiResult<Staff>> {
  const op = operations.updateStaff;
  return call(Staff, { method: op.method, path: fillPath(op.path, { staffId }), token, body });
}

export function listUnitHalls(token: string, unitId: string, cursor?: string | null): Promise<ApiResult<HallPage>> {
  const op = operations.listUnitHalls;
  return call(HallPage, { method: op.method, path: fillPath(op.path, { unitId }), token, query: page(cursor, { includeArchived: 'true' }) });
}

export function createHall(token: string, unitId: string, body: CreateHallInput): Promise<ApiResult<Hall>> {
  const op = operations.createHall;
  return call(Hall, { method: op.method, path: fillPath(op.path, { unitId }), token, body });
}

export function updateHall(token: string, hallId: string, body: UpdateHallInput): Promise<ApiResult<Hall>> {
  const op = operations.updateHall;
  return call(Hall, { method: op.method, path: fillPath(op.path, { hallId }), token, body });
}

export function archiveHall(token: string, hallId: string, archived: boolean): Promise<ApiResult<Hall>> {
  const op = operations.archiveHall;
  return call(Hall, { method: op.method, path: fillPath(op.path, { hallId }), token, body: { archived } });
}

export function listWindowHalls(token: string, code: string): Promise<ApiResult<WindowHallOptions>> {
  const op = operations.listWindowHalls;
  return call(WindowHallOptions, { method: op.method, path: fillPath(op.path, { code }), token });
}

export type ImportKind = 'units' | 'staff' | 'service-records';
const IMPORT_OPS = {
  units: { preview: operations.previewUnitImport, apply: operations.applyUnitImport },
  staff: { preview: operations.previewStaffImport, apply: operations.applyStaffImport },
  'service-records': { preview: operations.previewServiceRecordImport, apply: operations.applyServiceRecordImport },
} as const;

/** Imports send the file itself as the body, which `call` (JSON only) does not do. */
async function upload<T>(
  schema: { safeParse(value: unknown): { success: true; data: T } | { success: false } },
  path: string,
  token: string,
  file: Uint8Array,
  timeoutMs = 30_000,
): Promise<ApiResult<T>> {
  let response: Response;
  try {
    response = await fetch(`${webConfig().API_BASE_URL}${path}`, {
      method: 'POST',
      headers: { accept: 'application/json', 'content-type': 'application/octet-stream', authorization: `Bearer ${token}` },
      body: file as unknown as BodyInit,
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch {
    return { ok: false, status: 503, error: { error: { code: 'API_UNREACHABLE', message: 'the API could not be reached' } } };
  }
  const json: unknown = await response.json().catch(() => undefined);
  if (response.ok) {
    const parsed = schema.safeParse(json);
    if (parsed.success) return { ok: true, status: response.status, data: parsed.data };
    return { ok: false, status: 502, error: { error: { code: 'BAD_API_RESPONSE', message: 'the API answered outside its contract' } } };
  }
  const error = ErrorBody.safeParse(json);
  return { ok: false, status: response.status, error: error.success ? error.data : { error: { code: `HTTP_${response.status}`, message: 'request failed' } } };
}

export function previewImport(token: string, kind: ImportKind, file: Uint8Array): Promise<ApiResult<ImportPreview>> {
  return upload(ImportPreview, IMPORT_OPS[kind].preview.path, token, file);
}

export function applyImport(token: string, kind: 'units' | 'staff', file: Uint8Array): Promise<ApiResult<ImportApplied>> {
  // A 5,000-row staff file is many transactions; locally (DynamoDB Local) that can take a minute.
  return upload(ImportApplied, IMPORT_OPS[kind].apply.path, token, file, 120_000);
}

/** One step of a 办件 file: the API writes a few seconds' worth of rows and answers where the job stands. */
export function applyRecordImport(token: string, file: Uint8Array): Promise<ApiResult<ServiceRecordImportApplied>> {
  return upload(ServiceRecordImportApplied, IMPORT_OPS['service-records'].apply.path, token, file, 60_000);
}

export function uploadStaffPhoto(token: string, staffId: string, image: Uint8Array): Promise<ApiResult<StaffPhotoSaved>> {
  return upload(StaffPhotoSaved, fillPath(operations.setStaffPhoto.path, { staffId }), token, image);
}

/** The photo as the API sends it (image bytes), for the admin page's own same-origin image URL. */
export async function fetchStaffPhoto(token: string, staffId: string): Promise<{ status: number; contentType?: string; bytes?: ArrayBuffer }> {
  try {
    const response = await fetch(`${webConfig().API_BASE_URL}${fillPath(operations.getStaffPhoto.path, { staffId })}`, {
      headers: { authorization: `Bearer ${token}` },
      signal: AbortSignal.timeout(10_000),
    });
    const contentType = response.headers.get('content-type') ?? '';
    if (!response.ok || !/^image\/(jpeg|png|webp)$/.test(contentType)) return { status: response.ok ? 502 : response.status };
    return { status: 200, contentType, bytes: await response.arrayBuffer() };
  } catch {
    return { status: 503 };
  }
}

/** Field issues of a 4xx as `{ field: message }`, with the page's own words per field. */
export function fieldErrors(result: ApiResult<unknown>, words: Record<string, string>, fallback: string): Record<string, string> {
  if (result.ok) return {};
  const errors: Record<string, string> = {};
  for (const { field } of result.error.error.issues ?? []) {
    const key = field.split('.')[0]!;
    errors[key] = words[`${key}.${result.status}`] ?? words[key] ?? fallback;
  }
  if (Object.keys(errors).length === 0) errors.form = fallback;
  return errors;
}
