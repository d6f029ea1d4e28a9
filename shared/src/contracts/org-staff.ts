import * as z from 'zod';
import { text } from './text.js';

/** 工作人员 as administrators see and change them (亮身份: name, post, duties, pledge are public). */

export const StaffNo = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9_-]{1,32}$/, 'must be 1–32 letters, digits, - or _')
  .meta({ description: '工号, unique within the unit', example: 'LJ1001' });

/** Text as text.ts defines it: name and post are one line; duties and pledge may span lines (as an XLSX cell may). */
export const StaffFields = {
  name: text({ min: 1, max: 30 }).meta({ description: '姓名' }),
  post: text({ min: 1, max: 40 }).meta({ description: '岗位' }),
  duties: text({ max: 200, multiline: true }).meta({ description: '职责' }),
  pledge: text({ max: 200, multiline: true }).meta({ description: '服务承诺' }),
  partyMember: z.boolean().meta({ description: '是否党员' }),
};

export const Staff = z
  .object({
    id: z.string(),
    unitId: z.string(),
    staffNo: z.string(),
    name: z.string(),
    post: z.string(),
    duties: z.string(),
    pledge: z.string(),
    partyMember: z.boolean(),
  })
  .meta({ id: 'OrgStaff' });
export type Staff = z.infer<typeof Staff>;

/** A staff record's id (not the 工号): what window assignments and a rating's staffId name. */
export const StaffId = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be a staff id');

export const StaffParams = z.strictObject({ staffId: StaffId }).meta({ id: 'OrgStaffParams' });

export const CreateStaffInput = z.strictObject({ staffNo: StaffNo, ...StaffFields }).meta({ id: 'OrgCreateStaffInput' });
export type CreateStaffInput = z.infer<typeof CreateStaffInput>;

export const UpdateStaffInput = z
  .strictObject({
    name: StaffFields.name.optional(),
    post: StaffFields.post.optional(),
    duties: StaffFields.duties.optional(),
    pledge: StaffFields.pledge.optional(),
    partyMember: StaffFields.partyMember.optional(),
  })
  .meta({ id: 'OrgUpdateStaffInput' });
export type UpdateStaffInput = z.infer<typeof UpdateStaffInput>;

export const StaffPage = z.object({ staff: z.array(Staff), cursor: z.string().optional() }).meta({ id: 'OrgStaffPage' });
export type StaffPage = z.infer<typeof StaffPage>;

export const StaffListQuery = z
  .strictObject({ cursor: z.string().max(2048).optional(), limit: z.coerce.number().int().min(1).max(500).optional() })
  .meta({ id: 'OrgStaffListQuery' });
export type StaffListQuery = z.infer<typeof StaffListQuery>;

export const StaffPhotoSaved = z
  .object({ contentType: z.enum(['image/jpeg', 'image/png', 'image/webp']), bytes: z.number().int() })
  .meta({ id: 'OrgStaffPhotoSaved' });
export type StaffPhotoSaved = z.infer<typeof StaffPhotoSaved>;
