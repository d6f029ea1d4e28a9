import type { z } from 'zod';
import { StaffFields, StaffNo } from '#shared/contracts/org-staff.js';
import { UnitId, UnitName } from '#shared/contracts/org-units.js';
import { planNewUnits, type TreeNode } from './unit-tree.js';
import type { ImportTable } from './import-file.js';

/**
 * Pure checks of import rows: column names (Chinese as Excel users write them, or the API's
 * English field names), each cell with the same zod schemas as the API inputs, then the rules that
 * need the whole file (duplicates, parents inside the file) and the existing data (passed in).
 */

export interface RowIssue {
  field: string;
  message: string;
}
export interface PreviewRow<V> {
  line: number;
  values: V;
  errors: RowIssue[];
}

export const UNIT_COLUMNS = {
  id: ['单位编码', '编码', 'id', 'code'],
  name: ['单位名称', '名称', 'name'],
  parentId: ['上级单位编码', '上级编码', 'parentid', 'parent'],
} as const;

export const STAFF_COLUMNS = {
  name: ['姓名', 'name'],
  staffNo: ['工号', 'staffno'],
  unitId: ['所属单位编码', '单位编码', 'unitid', 'unit'],
  post: ['岗位', 'post'],
  duties: ['职责', 'duties'],
  pledge: ['服务承诺', '承诺', 'pledge'],
  partyMember: ['是否党员', '党员', 'partymember'],
} as const;

/** Which column holds which field; a required field without a column is a file-level problem. */
export function mapColumns<K extends string>(
  header: readonly string[],
  spec: Record<K, readonly string[]>,
  required: readonly NoInfer<K>[],
): { columns: Partial<Record<K, number>>; missing: K[] } {
  const columns: Partial<Record<K, number>> = {};
  header.forEach((name, index) => {
    const normal = name.replace(/\s+/g, '').toLowerCase();
    for (const field of Object.keys(spec) as K[]) {
      if (columns[field] === undefined && spec[field].includes(normal)) columns[field] = index;
    }
  });
  return { columns, missing: required.filter((field) => columns[field] === undefined) };
}

function check<T>(schema: z.ZodType<T>, field: string, value: unknown, errors: RowIssue[]): T | undefined {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  errors.push({ field, message: result.error.issues[0]?.message ?? 'is not valid' });
  return undefined;
}

const cell = (cells: readonly string[], index: number | undefined) => (index === undefined ? '' : (cells[index] ?? ''));

export type UnitRowValues = {
  id: string;
  name: string;
  parentId: string;
};

export interface ExistingUnit extends TreeNode {
  archived?: boolean;
}

export interface UnitRowContext {
  /** Existing units named by the file (as ids or parents). */
  existing: ReadonlyMap<string, ExistingUnit>;
  inScope: (unit: ExistingUnit) => boolean;
  /** Only a system admin may create roots (rows without a parent). */
  mayCreateRoots: boolean;
}

export function checkUnitRows(table: ImportTable, context: UnitRowContext) {
  const { columns, missing } = mapColumns(table.header, UNIT_COLUMNS, ['id', 'name']);
  const rows: PreviewRow<UnitRowValues>[] = table.rows.map(({ line, cells }) => {
    const values = { id: cell(cells, columns.id), name: cell(cells, columns.name), parentId: cell(cells, columns.parentId) };
    const errors: RowIssue[] = [];
    check(UnitId, 'id', values.id, errors);
    check(UnitName, 'name', values.name, errors);
    if (values.parentId !== '') check(UnitId, 'parentId', values.parentId, errors);
    else if (!context.mayCreateRoots) errors.push({ field: 'parentId', message: 'is required' });
    return { line, values, errors };
  });
  const seen = new Map<string, number>();
  for (const row of rows) {
    const first = seen.get(row.values.id);
    if (first !== undefined) row.errors.push({ field: 'id', message: `repeats row ${first}` });
    else seen.set(row.values.id, row.line);
    if (context.existing.has(row.values.id)) row.errors.push({ field: 'id', message: 'already exists' });
    const parent = context.existing.get(row.values.parentId);
    // A parent out of scope is reported exactly like a missing one (the same words as below).
    if (parent && !context.inScope(parent)) row.errors.push({ field: 'parentId', message: NO_SUCH_PARENT });
    else if (parent?.archived) row.errors.push({ field: 'parentId', message: 'is archived' });
  }
  const usable = rows.filter((row) => row.errors.length === 0 && seen.get(row.values.id) === row.line);
  const inScopeExisting = new Map([...context.existing].filter(([, unit]) => context.inScope(unit) && !unit.archived));
  const plan = planNewUnits(
    usable.map((row) => ({ id: row.values.id, parentId: row.values.parentId === '' ? null : row.values.parentId })),
    inScopeExisting,
  );
  for (const row of usable) {
    const problem = plan.problems.get(row.values.id);
    if (problem === 'cycle') row.errors.push({ field: 'parentId', message: 'forms a cycle with other rows' });
    else if (problem) row.errors.push({ field: 'parentId', message: NO_SUCH_PARENT });
  }
  return { columns: Object.keys(columns), missing, rows, paths: plan.paths };
}

/** A parent that is missing, out of scope, or not a valid row of the file: one answer for all three. */
const NO_SUCH_PARENT = 'no such unit';

export type StaffRowValues = {
  name: string;
  staffNo: string;
  unitId: string;
  post: string;
  duties: string;
  pledge: string;
  partyMember: boolean;
};

const YES = ['是', '党员', '中共党员', 'y', 'yes', 'true', '1'];
const NO = ['否', '', '非党员', '群众', 'n', 'no', 'false', '0'];

export interface StaffRowContext {
  units: ReadonlyMap<string, ExistingUnit>;
  inScope: (unit: ExistingUnit) => boolean;
  /** 工号 already used, per unit id. */
  takenStaffNos: ReadonlyMap<string, ReadonlySet<string>>;
}

export function checkStaffRows(table: ImportTable, context: StaffRowContext) {
  const { columns, missing } = mapColumns(table.header, STAFF_COLUMNS, ['name', 'staffNo', 'unitId', 'post']);
  const seen = new Map<string, number>();
  const rows: PreviewRow<StaffRowValues>[] = table.rows.map(({ line, cells }) => {
    const errors: RowIssue[] = [];
    const party = cell(cells, columns.partyMember).toLowerCase();
    const values: StaffRowValues = {
      name: cell(cells, columns.name),
      staffNo: cell(cells, columns.staffNo),
      unitId: cell(cells, columns.unitId),
      post: cell(cells, columns.post),
      duties: cell(cells, columns.duties),
      pledge: cell(cells, columns.pledge),
      partyMember: YES.includes(party),
    };
    if (!YES.includes(party) && !NO.includes(party)) errors.push({ field: 'partyMember', message: 'must be 是 or 否' });
    check(StaffFields.name, 'name', values.name, errors);
    check(StaffNo, 'staffNo', values.staffNo, errors);
    check(StaffFields.post, 'post', values.post, errors);
    check(StaffFields.duties, 'duties', values.duties, errors);
    check(StaffFields.pledge, 'pledge', values.pledge, errors);
    const unit = context.units.get(values.unitId);
    if (!unit || !context.inScope(unit)) errors.push({ field: 'unitId', message: 'no such unit' });
    else if (unit.archived) errors.push({ field: 'unitId', message: 'is archived' });
    const key = `${values.unitId}\u0000${values.staffNo}`;
    const first = seen.get(key);
    if (first !== undefined) errors.push({ field: 'staffNo', message: `repeats row ${first} in the same unit` });
    else seen.set(key, line);
    if (context.takenStaffNos.get(values.unitId)?.has(values.staffNo)) errors.push({ field: 'staffNo', message: 'is already used in this unit' });
    return { line, values, errors };
  });
  return { columns: Object.keys(columns), missing, rows };
}
