import * as z from 'zod';
import { AgencySectionCard } from './surveys-versions.js';

/** Window codes are short random strings (see data/windows.ts); anything else is not a window. */
export const WindowCode = z
  .string()
  .regex(/^[a-z0-9]{4,32}$/, 'must be 4–32 lowercase letters or digits')
  .meta({ description: 'Short random code printed in the window QR', example: 'k7m2q9xa' });

const Bilingual = z.object({ zh: z.string(), en: z.string() });

export const StaffCard = z.object({
  id: z.string().meta({ description: "The staff member's id: what a rating names as staffId when the resident says this person served them" }),
  name: z.string(),
  staffNo: z.string().meta({ description: '工号' }),
  post: z.string().meta({ description: '岗位' }),
  duties: z.string().meta({ description: '职责' }),
  pledge: z.string().meta({ description: '服务承诺' }),
  photo: z
    .string()
    .optional()
    .meta({ description: 'Path of the photo (亮身份), /api/public/windows/{code}/staff/{staffId}/photo?v={tag}; absent: no photo' }),
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
    /** Names of the window's service items (事项) a resident may say they handled; absent: none. */
    serviceItems: z.array(z.string()).optional().meta({ description: "Names of the window's service items (事项); a rating may name one as serviceItem" }),
    /** The agency's own questions, shown after the national part; absent: national part only. */
    agencySection: AgencySectionCard.optional(),
  })
  .meta({
    id: 'WindowCard',
    examples: [
      {
        code: 'bzwgttxf',
        name: '综合受理1号窗口',
        active: true,
        unit: { id: 'lj-zwfw', name: '临江县政务服务中心', path: ['江南省', '清河市', '临江县', '临江县政务服务中心'] },
        hall: { id: 'hall-main', name: '临江县政务服务中心大厅', address: '临江县滨江大道88号' },
        serviceItems: ['社会保障卡补办', '个体工商户登记'],
        staffOnDuty: [{ id: 'staff-001', name: '王静', staffNo: 'LJ1001', post: '综合受理员', duties: '一窗受理、材料初审、告知承诺', pledge: '首问负责，一次告知，限时办结。' }],
        survey: {
          surveyId: 'national-hcp',
          version: 1,
          title: { zh: '政务服务“好差评”', en: 'Government service rating (好差评)' },
          levels: [{ level: 5, name: { zh: '非常满意', en: 'Very satisfied' } }],
          indicators: [{ code: 'efficiency', name: { zh: '服务效率', en: 'Efficiency' } }],
          reasons: [{ code: 'SLOW', name: { zh: '效率低', en: 'Slow' } }],
          commentMaxLength: 500,
        },
      },
    ],
  });
export type WindowCard = z.infer<typeof WindowCard>;
export type StaffCard = z.infer<typeof StaffCard>;
