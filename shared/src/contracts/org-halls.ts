import * as z from 'zod';
import { text } from './text.js';

/**
 * 服务大厅 (service halls) as administrators see and change them. A hall belongs to a unit; a window
 * may be served in a hall of its own unit or of an ancestor unit (a county's 政务服务中心大厅 hosts the
 * windows of many departments). Halls are archived, never deleted: windows and ratings point at them.
 */

/** Hall ids become part of keys (`HALL#{id}`), so `#` and `/` are refused. */
export const HallId = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be 1–64 letters, digits, - or _')
  .meta({ description: '服务大厅编号', example: 'hall-main' });

/** Shown to residents on every window card and poster: trimmed, one line of text (text.ts). */
export const HallName = text({ min: 1, max: 60 }).meta({ description: '大厅名称', example: '临江县政务服务中心大厅' });
export const HallAddress = text({ max: 120 }).meta({ description: '地址', example: '临江县滨江大道88号' });

export const Hall = z
  .object({
    id: z.string(),
    unitId: z.string(),
    name: z.string(),
    address: z.string(),
    archived: z.boolean(),
  })
  .meta({ id: 'OrgHall' });
export type Hall = z.infer<typeof Hall>;

export const HallPage = z.object({ halls: z.array(Hall), cursor: z.string().optional() }).meta({ id: 'OrgHallPage' });
export type HallPage = z.infer<typeof HallPage>;

export const HallParams = z.strictObject({ hallId: HallId }).meta({ id: 'OrgHallParams' });

export const HallListQuery = z
  .strictObject({
    cursor: z.string().max(2048).optional(),
    limit: z.coerce.number().int().min(1).max(500).optional(),
    includeArchived: z.enum(['true', 'false']).optional().transform((value) => value === 'true'),
  })
  .meta({ id: 'OrgHallListQuery' });
export type HallListQuery = z.infer<typeof HallListQuery>;

export const CreateHallInput = z.strictObject({ name: HallName, address: HallAddress.optional() }).meta({ id: 'OrgCreateHallInput' });
export type CreateHallInput = z.infer<typeof CreateHallInput>;

export const UpdateHallInput = z
  .strictObject({ name: HallName.optional(), address: HallAddress.optional() })
  .meta({ id: 'OrgUpdateHallInput' });
export type UpdateHallInput = z.infer<typeof UpdateHallInput>;

export const ArchiveHallInput = z.strictObject({ archived: z.boolean() }).meta({ id: 'OrgArchiveHallInput' });
export type ArchiveHallInput = z.infer<typeof ArchiveHallInput>;

/** Halls a window may be assigned to: those of its unit and of every ancestor unit, not archived. */
export const WindowHallOptions = z
  .object({
    current: Hall.nullable().meta({ description: 'The hall the window is in now; null: its unit’s own premises' }),
    halls: z.array(Hall.extend({ unitName: z.string() })),
  })
  .meta({ id: 'OrgWindowHallOptions' });
export type WindowHallOptions = z.infer<typeof WindowHallOptions>;
