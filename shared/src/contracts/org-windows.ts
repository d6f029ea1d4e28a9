import * as z from 'zod';
import { HallId } from './org-halls.js';
import { StaffId } from './org-staff.js';
import { text } from './text.js';
import { WindowCode } from './window-card.js';

/** 窗口 as administrators see and change them. */

/** Names are one line of text (text.ts): trimmed, no control characters, no lone surrogates. */
export const WindowName = text({ min: 1, max: 60 }).meta({ description: '窗口名称', example: '综合受理1号窗口' });

export const ServiceItem = z
  .strictObject({ code: text({ max: 40 }).optional(), name: text({ min: 1, max: 100 }) })
  .meta({ id: 'OrgServiceItem', description: '事项' });
export type ServiceItem = z.infer<typeof ServiceItem>;

export const AdminWindow = z
  .object({
    code: WindowCode,
    unitId: z.string(),
    unitName: z.string(),
    hallId: z.string(),
    name: z.string(),
    active: z.boolean(),
    serviceItems: z.array(z.object({ code: z.string().optional(), name: z.string() })),
    staff: z.array(z.object({ id: z.string(), name: z.string(), staffNo: z.string(), onDuty: z.boolean() })),
    residentPath: z.string().meta({ description: 'Path of the resident page printed in the QR, /w/{code}' }),
  })
  .meta({ id: 'OrgWindow' });
export type AdminWindow = z.infer<typeof AdminWindow>;

export const WindowSummaryOrg = z
  .object({ code: z.string(), unitId: z.string(), name: z.string(), active: z.boolean(), staffOnDuty: z.number().int() })
  .meta({ id: 'OrgWindowSummary' });
export const WindowPage = z.object({ windows: z.array(WindowSummaryOrg), cursor: z.string().optional() }).meta({ id: 'OrgWindowPage' });
export type WindowPage = z.infer<typeof WindowPage>;

export const WindowParams = z.strictObject({ code: WindowCode }).meta({ id: 'OrgWindowParams' });

export const CreateWindowInput = z
  .strictObject({
    name: WindowName,
    serviceItems: z.array(ServiceItem).max(100).optional(),
  })
  .meta({ id: 'OrgCreateWindowInput' });
export type CreateWindowInput = z.infer<typeof CreateWindowInput>;

export const UpdateWindowInput = z
  .strictObject({
    name: WindowName.optional(),
    active: z.boolean().optional(),
    serviceItems: z.array(ServiceItem).max(100).optional(),
    hallId: z
      .union([HallId, z.literal('')])
      .optional()
      .meta({ description: '服务大厅 of the window’s unit or an ancestor unit; empty: the unit’s own premises' }),
  })
  .meta({ id: 'OrgUpdateWindowInput' });
export type UpdateWindowInput = z.infer<typeof UpdateWindowInput>;

export const SetWindowStaffInput = z
  .strictObject({
    staffIds: z.array(StaffId).max(50).meta({ description: 'Staff assigned to the window (same unit)' }),
    onDutyIds: z.array(StaffId).max(50).meta({ description: 'Those on duty now; each must be assigned' }),
  })
  .meta({ id: 'OrgSetWindowStaffInput' });
export type SetWindowStaffInput = z.infer<typeof SetWindowStaffInput>;

export const WindowListQuery = z
  .strictObject({ cursor: z.string().max(2048).optional(), limit: z.coerce.number().int().min(1).max(500).optional() })
  .meta({ id: 'OrgWindowListQuery' });
export type WindowListQuery = z.infer<typeof WindowListQuery>;
