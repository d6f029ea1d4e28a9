import * as z from 'zod';

/** 工作人员 as administrators see and change them (亮身份: name, post, duties, pledge are public). */

const Text = (max: number) =>
  z
    .string()
    .trim()
    .max(max, `must be at most ${max} characters`)
    .refine((text) => !/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(text), 'must not contain control characters');
const Required = (max: number) => Text(max).pipe(z.string().min(1, 'is required'));

export const StaffNo = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9_-]{1,32}$/, 'must be 1–32 letters, digits, - or _')
  .meta({ description: '工号, unique within the unit', example: 'LJ1001' });

export const StaffFields = {
  name: Required(30).meta({ description: '姓名' }),
  post: Required(40).meta({ description: '岗位' }),
  duties: Text(200).meta({ description: '职责' }),
  pledge: Text(200).meta({ description: '服务承诺' }),
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

export const StaffParams = z.strictObject({ staffId: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be a staff id') }).meta({ id: 'OrgStaffParams' });

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
