import type { ImportApplied, ImportPreview } from '#shared/contracts/org-imports.js';
import type { Principal } from '../../auth/tokens.js';
import { inScope } from '../../auth/authorization.js';
import { MAX_STAFF_PER_TRANSACTION, StaffNoTakenError } from '../../data/staff.js';
import { UnitExistsError } from '../../data/units.js';
import { ConflictError, ValidationError } from '../../errors.js';
import type { FieldIssue } from '#shared/contracts/errors.js';
import { audit, refuse, requireOrg, type Attempt, type OrgDeps } from './org-deps.js';
import { readImportTable, uploadBytes, type ImportTable } from './import-file.js';
import { checkStaffRows, checkUnitRows, type PreviewRow } from './import-rows.js';
import { newStaffId } from './staff.js';

/**
 * Imports are all-or-nothing in ONE DynamoDB transaction (at most 100 items): up to 100 units, or
 * up to 50 staff (two items each). A larger file is refused before anything is written, with a
 * message to split it; see docs/decisions/0007-org-tree-and-imports.md for why not an import job.
 */
export const MAX_UNIT_ROWS = 100;
export const MAX_STAFF_ROWS = MAX_STAFF_PER_TRANSACTION;

type Checked<V> = { columns: string[]; missing: string[]; rows: PreviewRow<V>[] };

/** The upload as the gateway delivers it: the file's bytes, base64-encoded when not UTF-8 text. */
export interface Upload {
  body: string | undefined;
  isBase64Encoded: boolean;
}

async function load(deps: OrgDeps, principal: Principal, upload: Upload, attempt: Attempt): Promise<ImportTable> {
  // The role first: a caller who may not import learns nothing about how files are read.
  await requireOrg(deps, principal, 'org:write', attempt);
  try {
    return await readImportTable(uploadBytes(upload.body, upload.isBase64Encoded));
  } catch (error) {
    if (error instanceof ValidationError) await refuse(deps, principal, attempt, error);
    throw error;
  }
}

function preview<V extends Record<string, string | boolean>>(
  kind: 'units' | 'staff',
  table: ImportTable,
  checked: Checked<V>,
  maxRows: number,
): ImportPreview {
  return {
    kind,
    format: table.format,
    encoding: table.encoding,
    columns: checked.columns,
    rows: checked.rows.map((row) => ({ line: row.line, values: row.values, errors: row.errors })),
    valid: checked.missing.length === 0 && checked.rows.length > 0 && checked.rows.length <= maxRows && checked.rows.every((row) => row.errors.length === 0),
    maxRows,
  };
}

/** Every problem of the file as field issues: `file` for the whole file, `rows.{line}.{field}` per cell. */
function problems<V>(checked: Checked<V>, maxRows: number): FieldIssue[] {
  const issues: FieldIssue[] = checked.missing.map((field) => ({ field: 'file', message: `file: has no column for ${field}` }));
  if (checked.rows.length === 0) issues.push({ field: 'file', message: 'file: has no data rows' });
  if (checked.rows.length > maxRows) issues.push({ field: 'file', message: `file: has ${checked.rows.length} rows; at most ${maxRows} per import, split the file` });
  for (const row of checked.rows) {
    for (const error of row.errors) issues.push({ field: `rows.${row.line}.${error.field}`, message: `rows.${row.line}.${error.field}: ${error.message}` });
  }
  return issues;
}

async function checkUnits(deps: OrgDeps, principal: Principal, table: ImportTable) {
  const ids = new Set<string>();
  for (const { cells } of table.rows) for (const value of cells) if (/^[A-Za-z0-9_-]{1,40}$/.test(value)) ids.add(value);
  const existing = await deps.units.getMany([...ids].slice(0, 5_000));
  return checkUnitRows(table, { existing, inScope: (unit) => inScope(principal, unit), mayCreateRoots: principal.role === 'system-admin' });
}

async function checkStaff(deps: OrgDeps, principal: Principal, table: ImportTable) {
  const ids = new Set<string>();
  for (const { cells } of table.rows) for (const value of cells) if (/^[A-Za-z0-9_-]{1,40}$/.test(value)) ids.add(value);
  const units = await deps.units.getMany([...ids].slice(0, 5_000));
  // First pass without 工号 collisions, to learn the (unit, 工号) pairs to look up.
  const draft = checkStaffRows(table, { units, inScope: (unit) => inScope(principal, unit), takenStaffNos: new Map() });
  const taken = await deps.staff.takenStaffNos(draft.rows.filter((row) => units.has(row.values.unitId)).map((row) => row.values));
  const byUnit = new Map<string, Set<string>>();
  for (const pair of taken) {
    const [unitId, staffNo] = pair.split('\u0000') as [string, string];
    byUnit.set(unitId, (byUnit.get(unitId) ?? new Set()).add(staffNo));
  }
  return checkStaffRows(table, { units, inScope: (unit) => inScope(principal, unit), takenStaffNos: byUnit });
}

export async function previewUnitImport(deps: OrgDeps, principal: Principal, upload: Upload): Promise<ImportPreview> {
  const attempt = { action: 'import.units.preview', objectType: 'import', objectId: 'units' } as const;
  const table = await load(deps, principal, upload, attempt);
  const checked = await checkUnits(deps, principal, table);
  const result = preview('units', table, checked, MAX_UNIT_ROWS);
  await audit(deps, principal, attempt, 'ok', { detail: `${checked.rows.length} rows, ${result.valid ? 'valid' : 'with errors'}` });
  return result;
}

export async function applyUnitImport(deps: OrgDeps, principal: Principal, upload: Upload): Promise<ImportApplied> {
  const attempt = { action: 'import.units.apply', objectType: 'import', objectId: 'units' } as const;
  const table = await load(deps, principal, upload, attempt);
  const checked = await checkUnits(deps, principal, table);
  const issues = problems(checked, MAX_UNIT_ROWS);
  if (issues.length > 0) {
    await audit(deps, principal, attempt, 'invalid', { detail: `${issues.length} problems; nothing written` });
    throw new ValidationError(issues.map((issue) => issue.message).slice(0, 20).join('; '), { issues });
  }
  const units = checked.rows.map((row) => {
    const path = checked.paths.get(row.values.id)!;
    return { id: row.values.id, name: row.values.name.trim(), parentId: row.values.parentId || null, path };
  });
  try {
    await deps.units.createAll(units);
  } catch (error) {
    if (error instanceof UnitExistsError) await refuse(deps, principal, attempt, new ConflictError('file', `units created meanwhile: ${error.unitIds.join(', ')}; nothing written`));
    throw error;
  }
  await audit(deps, principal, attempt, 'ok', { detail: `${units.length} units created` });
  return { kind: 'units', created: units.length };
}

export async function previewStaffImport(deps: OrgDeps, principal: Principal, upload: Upload): Promise<ImportPreview> {
  const attempt = { action: 'import.staff.preview', objectType: 'import', objectId: 'staff' } as const;
  const table = await load(deps, principal, upload, attempt);
  const checked = await checkStaff(deps, principal, table);
  const result = preview('staff', table, checked, MAX_STAFF_ROWS);
  await audit(deps, principal, attempt, 'ok', { detail: `${checked.rows.length} rows, ${result.valid ? 'valid' : 'with errors'}` });
  return result;
}

export async function applyStaffImport(deps: OrgDeps, principal: Principal, upload: Upload): Promise<ImportApplied> {
  const attempt = { action: 'import.staff.apply', objectType: 'import', objectId: 'staff' } as const;
  const table = await load(deps, principal, upload, attempt);
  const checked = await checkStaff(deps, principal, table);
  const issues = problems(checked, MAX_STAFF_ROWS);
  if (issues.length > 0) {
    await audit(deps, principal, attempt, 'invalid', { detail: `${issues.length} problems; nothing written` });
    throw new ValidationError(issues.map((issue) => issue.message).slice(0, 20).join('; '), { issues });
  }
  const staff = checked.rows.map((row) => ({ id: newStaffId(), ...row.values }));
  try {
    await deps.staff.createAll(staff);
  } catch (error) {
    if (error instanceof StaffNoTakenError) await refuse(deps, principal, attempt, new ConflictError('file', `工号 taken meanwhile: ${error.staffNos.join(', ')}; nothing written`));
    throw error;
  }
  await audit(deps, principal, attempt, 'ok', { detail: `${staff.length} staff created` });
  return { kind: 'staff', created: staff.length };
}
