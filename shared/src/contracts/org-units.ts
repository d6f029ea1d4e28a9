import * as z from 'zod';
import { text } from './text.js';

/**
 * 单位 (units) as the API shows them, and the inputs that change them. Input schemas are strict and
 * separate from the stored shape (functions/src/data/directory.ts UnitRecord).
 */

/** 单位编码: letters, digits, `-` and `_`; it becomes part of keys, so `#` and `/` are refused. */
export const UnitId = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,40}$/, 'must be 1–40 letters, digits, - or _')
  .meta({ description: '单位编码', example: 'lj-zwfw' });

/** Names are shown to residents and committees: trimmed, one line of text (text.ts), at most 60. */
export const UnitName = text({ min: 1, max: 60 }).meta({ description: '单位名称', example: '临江县政务服务中心' });

export const Unit = z
  .object({
    id: z.string(),
    name: z.string(),
    parentId: z.string().nullable(),
    path: z.array(z.string()).meta({ description: 'Unit ids from the root down to this unit' }),
    archived: z.boolean(),
  })
  .meta({ id: 'OrgUnit' });
export type Unit = z.infer<typeof Unit>;

export const UnitDetail = Unit.extend({
  ancestors: z.array(z.object({ id: z.string(), name: z.string() })).meta({ description: 'From the root to the parent' }),
}).meta({ id: 'OrgUnitDetail' });
export type UnitDetail = z.infer<typeof UnitDetail>;

export const UnitParams = z.strictObject({ unitId: UnitId }).meta({ id: 'OrgUnitParams' });

const Limit = z.coerce.number().int().min(1).max(500).optional();
const Cursor = z.string().max(2048).optional();
const Flag = z.enum(['true', 'false']).optional().transform((value) => value === 'true');

export const UnitListQuery = z
  .strictObject({ cursor: Cursor, limit: Limit, includeArchived: Flag })
  .meta({ id: 'OrgUnitListQuery' });
export type UnitListQuery = z.infer<typeof UnitListQuery>;

export const UnitPage = z.object({ units: z.array(Unit), cursor: z.string().optional() }).meta({ id: 'OrgUnitPage' });
export type UnitPage = z.infer<typeof UnitPage>;

export const UnitTreeQuery = z.strictObject({ cursor: Cursor, limit: Limit, includeArchived: Flag }).meta({ id: 'OrgUnitTreeQuery' });
export type UnitTreeQuery = z.infer<typeof UnitTreeQuery>;
/** The caller's scope as a flat list, parents before children; `depth` counts from the scope root. */
export const UnitTree = z
  .object({ units: z.array(Unit.extend({ depth: z.number().int() })), cursor: z.string().optional() })
  .meta({ id: 'OrgUnitTree' });
export type UnitTree = z.infer<typeof UnitTree>;

export const CreateUnitInput = z
  .strictObject({
    id: UnitId.optional().meta({ description: '单位编码; generated when absent' }),
    name: UnitName,
    parentId: UnitId.nullable().meta({ description: 'Parent unit; null creates a root (system admins only)' }),
  })
  .meta({ id: 'OrgCreateUnitInput' });
export type CreateUnitInput = z.infer<typeof CreateUnitInput>;

export const RenameUnitInput = z.strictObject({ name: UnitName }).meta({ id: 'OrgRenameUnitInput' });
export type RenameUnitInput = z.infer<typeof RenameUnitInput>;

export const MoveUnitInput = z
  .strictObject({ parentId: UnitId.nullable().meta({ description: 'New parent; null makes it a root (system admins only)' }) })
  .meta({ id: 'OrgMoveUnitInput' });
export type MoveUnitInput = z.infer<typeof MoveUnitInput>;

export const ArchiveUnitInput = z.strictObject({ archived: z.boolean() }).meta({ id: 'OrgArchiveUnitInput' });
export type ArchiveUnitInput = z.infer<typeof ArchiveUnitInput>;

export const MoveResult = z
  .object({ unit: Unit, movedUnits: z.number().int(), movedWindows: z.number().int() })
  .meta({ id: 'OrgMoveUnitResult' });
export type MoveResult = z.infer<typeof MoveResult>;
