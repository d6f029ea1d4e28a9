import * as z from 'zod';
import { daysInRange, isCalendarDay } from '../domain/china-time.js';
import { WindowCode } from './window-card.js';

export const MAX_REPORT_DAYS = 366;

const Day = z
  .string()
  .refine(isCalendarDay, { error: 'must be a calendar day written YYYY-MM-DD' })
  .meta({ format: 'date', description: 'China-time (Asia/Shanghai) calendar day, YYYY-MM-DD', example: '2026-10-01' });

export const SatisfactionQuery = z
  .strictObject({ window: WindowCode, from: Day, to: Day })
  .superRefine((query, ctx) => {
    if (isCalendarDay(query.from) && isCalendarDay(query.to) && query.to < query.from) {
      ctx.addIssue({ code: 'custom', path: ['to'], message: 'must not be before from' });
    } else if (isCalendarDay(query.from) && isCalendarDay(query.to) && daysInRange(query.from, query.to) > MAX_REPORT_DAYS) {
      ctx.addIssue({ code: 'custom', path: ['to'], message: `must be at most ${MAX_REPORT_DAYS} days after from` });
    }
  })
  .meta({ id: 'SatisfactionQuery' });
export type SatisfactionQuery = z.infer<typeof SatisfactionQuery>;

const Bilingual = z.object({ zh: z.string(), en: z.string() });

export const RateResult = z
  .object({
    value: z.number().nullable().meta({ description: 'Proportion in [0,1]; null when n = 0' }),
    low: z.number().nullable().meta({ description: 'Wilson 95% interval, lower bound' }),
    high: z.number().nullable().meta({ description: 'Wilson 95% interval, upper bound' }),
    numerator: z.number().int(),
    n: z.number().int(),
    definition: z.object({
      id: z.string(),
      name: Bilingual,
      levels: z.array(z.number().int()).readonly(),
      formula: Bilingual,
    }),
  })
  .meta({ id: 'RateResult' });

export const SatisfactionResult = z
  .object({
    window: z.object({ code: z.string(), name: z.string(), unitName: z.string() }),
    from: z.string(),
    to: z.string(),
    timeZone: z.literal('Asia/Shanghai'),
    n: z.number().int(),
    counts: z.object({ '1': z.number().int(), '2': z.number().int(), '3': z.number().int(), '4': z.number().int(), '5': z.number().int() }),
    goodRate: RateResult,
    satisfiedRate: RateResult,
    interval: z.object({ method: z.literal('wilson'), confidence: z.literal(0.95) }),
  })
  .meta({
    id: 'SatisfactionResult',
    examples: [
      {
        window: { code: 'bzwgttxf', name: '综合受理1号窗口', unitName: '临江县政务服务中心' },
        from: '2026-10-01',
        to: '2026-10-31',
        timeZone: 'Asia/Shanghai',
        n: 30,
        counts: { '1': 2, '2': 5, '3': 7, '4': 6, '5': 10 },
        goodRate: {
          value: 0.7667,
          low: 0.5907,
          high: 0.8821,
          numerator: 23,
          n: 30,
          definition: {
            id: 'national-good-rate',
            name: { zh: '好评率', en: 'Positive rate' },
            levels: [5, 4, 3],
            formula: { zh: '好评率 =（非常满意 + 满意 + 基本满意）÷ 有效评价数', en: 'Positive rate = (very satisfied + satisfied + fairly satisfied) ÷ valid ratings' },
          },
        },
        satisfiedRate: {
          value: 0.5333,
          low: 0.3614,
          high: 0.6977,
          numerator: 16,
          n: 30,
          definition: {
            id: 'national-satisfied-rate',
            name: { zh: '满意率', en: 'Satisfaction rate' },
            levels: [5, 4],
            formula: { zh: '满意率 =（非常满意 + 满意）÷ 有效评价数', en: 'Satisfaction rate = (very satisfied + satisfied) ÷ valid ratings' },
          },
        },
        interval: { method: 'wilson', confidence: 0.95 },
      },
    ],
  });
export type SatisfactionResult = z.infer<typeof SatisfactionResult>;
