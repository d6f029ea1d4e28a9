import { z } from 'zod';

/** Window codes are short random strings (see data/windows.ts); anything else is not a window. */
export const WindowCode = z
  .string()
  .regex(/^[a-z0-9]{4,32}$/, 'must be 4–32 lowercase letters or digits')
  .meta({ description: 'Short random code printed in the window QR', example: 'k7m2q9xa' });

const Bilingual = z.object({ zh: z.string(), en: z.string() });

export const StaffCard = z.object({
  name: z.string(),
  staffNo: z.string().meta({ description: '工号' }),
  post: z.string().meta({ description: '岗位' }),
  duties: z.string().meta({ description: '职责' }),
  pledge: z.string().meta({ description: '服务承诺' }),
});

export const WindowCard = z
  .object({
    code: WindowCode,
    name: z.string(),
    active: z.boolean(),
    unit: z.object({ id: z.string(), name: z.string(), path: z.array(z.string()) }),
    hall: z.object({ id: z.string(), name: z.string(), address: z.string() }),
    staffOnDuty: z.array(StaffCard),
    survey: z.object({
      surveyId: z.string(),
      version: z.number().int(),
      title: Bilingual,
      levels: z.array(z.object({ level: z.number().int(), name: Bilingual })),
      indicators: z.array(z.object({ code: z.string(), name: Bilingual })),
      reasons: z.array(z.object({ code: z.string(), name: Bilingual })),
      commentMaxLength: z.number().int(),
    }),
  })
  .meta({ id: 'WindowCard' });
export type WindowCard = z.infer<typeof WindowCard>;
export type StaffCard = z.infer<typeof StaffCard>;
