import { createHash } from 'node:crypto';
import type { ImportApplied, ImportPreview } from '#shared/contracts/org-imports.js';
import type { Principal } from '../../auth/principal.js';
import type { ImportJobStore } from '../../data/import-jobs.js';
import { MAX_STAFF_PER_TRANSACTION, StaffNoTakenError } from '../../data/staff.js';
import { UnitExistsError } from '../../data/units.js';
import { ConflictError, ValidationError } from '../../errors.js';
import type { FieldIssue } from '#shared/contracts/errors.js';
import { authorize, isInScope, record, refuse, type Attempt, type Permission } from '../../access/index.js';
import type { OrgDeps } from './org-deps.js';
import { readImportTable, uploadBytes, type ImportTable } from './import-file.js';
import { checkStaffRows, checkUnitRows, mapColumns, STAFF_COLUMNS, type PreviewRow } from './import-rows.js';
import { applyStaffJob, rollBackStaffJob } from './import-job.js';
import { newStaffId } from './staff.js';

/**
 * Unit imports are all-or-nothing in ONE DynamoDB transaction (at most 100 units). Staff files of
 * up to 50 rows too (two items each); larger ones, up to 5,000 rows, go through an import job
 * (import-job.ts) whose single commit point makes every row visible at once. See
 * docs/decisions/0007-org-tree-and-imports.md.
 */
export const MAX_UNIT_ROWS = 100;
export const MAX_STAFF_ROWS = 5_000;
/** Rows shown with their values in a preview besides the bad ones (a 5,000-row table is no preview). */
const PREVIEW_GOOD_ROWS = 50;
/** Bad rows shown with their values; beyond this only their line and errors (keeps the answer < 6 MB). */
const PREVIEW_BAD_VALUES = 1_000;

export type ImportDeps = OrgDeps & { importJobs: ImportJobStore };

export type Checked<V> = { columns: string[]; missing: string[]; rows: PreviewRow<V>[] };

/** The upload as the gateway delivers it: the file's bytes, base64-encoded when not UTF-8 text. */
export interface Upload {
  body: string | undefined;
  isBase64Encoded: boolean;
}

export async function load(
  deps: OrgDeps,
  principal: Principal,
  upload: Upload,
  attempt: Attempt,
  permission: Permission = 'org:write',
): Promise<ImportTable & { sha256: string }> {
  // The role first: a caller who may not import learns nothing about how files are read.
  await authorize(deps, principal, permission, attempt);
  try {
    const bytes = uploadBytes(upload.body, upload.isBase64Encoded);
    return { ...(await readImportTable(bytes)), sha256: createHash('sha256').update(bytes).digest('hex') };
  } catch (error) {
    if (error instanceof ValidationError) await refuse(deps, principal, attempt, error);
    throw error;
  }
}

export function preview<V extends Record<string, string | boolean>>(
  kind: ImportPreview['kind'],
  table: ImportTable,
  checked: Checked<V>,
  maxRows: number,
): ImportPreview {
  // Every bad row is listed; of the good ones only the first few (all of them in a small file).
  let good = 0;
  let bad = 0;
  const shown = checked.rows.filter((row) => (row.errors.length > 0 ? true : good++ < PREVIEW_GOOD_ROWS));
  const invalidRows = checked.rows.filter((row) => row.errors.length > 0).length;
  return {
    kind,
    format: table.format,
    encoding: table.encoding,
    columns: checked.columns,
    rows: shown.map((row) => ({ line: row.line, values: row.errors.length > 0 && bad++ >= PREVIEW_BAD_VALUES ? {} : row.values, errors: row.errors })),
    rowCount: checked.rows.length,
    invalidRows,
    valid: checked.missing.length === 0 && checked.rows.length > 0 && checked.rows.length <= maxRows && invalidRows === 0,
    maxRows,
  };
}

/** Every problem of the file as field issues: `file` for the whole file, `rows.{line}.{field}` per cell. */
export function problems<V>(checked: Checked<V>, maxRows: number): FieldIssue[] {
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
  return checkUnitRows(table, { existing, inScope: (unit) => isInScope(principal, unit), mayCreateRoots: principal.role === 'system-admin' });
}

/**
 * The import job of one file: the same person applying the same bytes again continues (or replays)
 * the same job, so a retry after a crash or a timeout never writes a second copy.
 */
export function staffJobId(principal: Principal, fileSha256: string): string {
  return createHash('sha256').update(`staff\u0000${principal.username}\u0000${fileSha256}`).digest('hex').slice(0, 32);
}

/** A staff file over the limit is refused before any lookup (a 50,000-row file would cost 500 reads). */
async function refuseOversized(deps: OrgDeps, principal: Principal, table: ImportTable, attempt: Attempt): Promise<void> {
  if (table.rows.length <= MAX_STAFF_ROWS) return;
  await refuse(deps, principal, attempt, ValidationError.forField('file', `has ${table.rows.length} rows; at most ${MAX_STAFF_ROWS} per import, split the file`));
}

async function checkStaff(deps: ImportDeps, principal: Principal, table: ImportTable, ownJob?: string) {
  // Unit ids named by the file: the unit column only (a 5,000-row file names a few hundred units).
  const { columns } = mapColumns(table.header, STAFF_COLUMNS, []);
  const ids = new Set<string>();
  for (const { cells } of table.rows) {
    const value = columns.unitId === undefined ? '' : (cells[columns.unitId] ?? '');
    if (/^[A-Za-z0-9_-]{1,40}$/.test(value)) ids.add(value);
  }
  const units = await deps.units.getMany([...ids].slice(0, 5_000));
  // First pass without 工号 collisions, to learn the (unit, 工号) pairs to look up.
  const draft = checkStaffRows(table, { units, inScope: (unit) => isInScope(principal, unit), takenStaffNos: new Map() });
  // Only well-formed 工号 are looked up: a malformed one (e.g. 1 KB long) is already refused, and as a key it would exceed DynamoDB's limits.
  const claims = await deps.importJobs.claims(draft.rows.filter((row) => units.has(row.values.unitId) && !row.errors.some((error) => error.field === 'staffNo')).map((row) => row.values));
  const byUnit = new Map<string, Set<string>>();
  for (const [pair, job] of claims) {
    // A claim of this very job (a retry after a crash) is not a collision.
    if (ownJob !== undefined && job === ownJob) continue;
    const [unitId, staffNo] = pair.split('\u0000') as [string, string];
    byUnit.set(unitId, (byUnit.get(unitId) ?? new Set()).add(staffNo));
  }
  return checkStaffRows(table, { units, inScope: (unit) => isInScope(principal, unit), takenStaffNos: byUnit });
}

export async function previewUnitImport(deps: OrgDeps, principal: Principal, upload: Upload): Promise<ImportPreview> {
  const attempt = { action: 'import.units.preview', objectType: 'import', objectId: 'units' } as const;
  const table = await load(deps, principal, upload, attempt);
  const checked = await checkUnits(deps, principal, table);
  const result = preview('units', table, checked, MAX_UNIT_ROWS);
  await record(deps, principal, attempt, 'ok', { detail: `${checked.rows.length} rows, ${result.valid ? 'valid' : 'with errors'}` });
  return result;
}

export async function applyUnitImport(deps: OrgDeps, principal: Principal, upload: Upload): Promise<ImportApplied> {
  const attempt = { action: 'import.units.apply', objectType: 'import', objectId: 'units' } as const;
  const table = await load(deps, principal, upload, attempt);
  const checked = await checkUnits(deps, principal, table);
  const issues = problems(checked, MAX_UNIT_ROWS);
  if (issues.length > 0) {
    await record(deps, principal, attempt, 'invalid', { detail: `${issues.length} problems; nothing written` });
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
  await record(deps, principal, attempt, 'ok', { detail: `${units.length} units created` });
  return { kind: 'units', created: units.length };
}

export async function previewStaffImport(deps: ImportDeps, principal: Principal, upload: Upload): Promise<ImportPreview> {
  const attempt = { action: 'import.staff.preview', objectType: 'import', objectId: 'staff' } as const;
  const table = await load(deps, principal, upload, attempt);
  await refuseOversized(deps, principal, table, attempt);
  // An unfinished job of this very file holds its 工号 for it; a committed one has used them.
  const job = await deps.importJobs.get(staffJobId(principal, table.sha256));
  const checked = await checkStaff(deps, principal, table, job && job.state !== 'committed' ? job.jobId : undefined);
  const result = preview('staff', table, checked, MAX_STAFF_ROWS);
  await record(deps, principal, attempt, 'ok', { detail: `${checked.rows.length} rows, ${result.valid ? 'valid' : 'with errors'}` });
  return result;
}

export async function applyStaffImport(deps: ImportDeps, principal: Principal, upload: Upload): Promise<ImportApplied> {
  const attempt = { action: 'import.staff.apply', objectType: 'import', objectId: 'staff' } as const;
  const table = await load(deps, principal, upload, attempt);
  await refuseOversized(deps, principal, table, attempt);
  const jobId = staffJobId(principal, table.sha256);
  const checked = await checkStaff(deps, principal, table, jobId);
  const issues = problems(checked, MAX_STAFF_ROWS);
  if (issues.length > 0) {
    // A job of this file left unfinished by a crash is rolled back: the file can no longer be applied.
    const unfinished = await deps.importJobs.get(jobId);
    if (unfinished && unfinished.state !== 'committed' && unfinished.state !== 'rolled-back') await rollBackStaffJob(deps, jobId);
    await record(deps, principal, attempt, 'invalid', { detail: `${issues.length} problems; nothing written` });
    throw new ValidationError(issues.map((issue) => issue.message).slice(0, 20).join('; '), { issues });
  }
  const staff = checked.rows.map((row) => ({ id: newStaffId(), ...row.values }));
  if (staff.length > MAX_STAFF_PER_TRANSACTION) {
    const rows = checked.rows.map((row, i) => ({ ...staff[i]!, line: row.line }));
    const result = await applyStaffJob(deps, principal, { jobId, rows, attempt });
    return { kind: 'staff', created: result.created, jobId, batches: result.batches };
  }
  try {
    await deps.staff.createAll(staff);
  } catch (error) {
    if (error instanceof StaffNoTakenError) await refuse(deps, principal, attempt, new ConflictError('file', `工号 taken meanwhile: ${error.staffNos.join(', ')}; nothing written`));
    throw error;
  }
  await record(deps, principal, attempt, 'ok', { detail: `${staff.length} staff created` });
  return { kind: 'staff', created: staff.length };
}
