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

const SUPPRESSION_RULE_EXAMPLE = {
  zh: '评价数少于 5 的单元格显示为“<5”，不显示数量和比率；为防止用合计减去其他单元格推算出小样本，或推算出被隐藏的评价全部相同（如全部满意），另有单元格一并隐藏（互补隐藏）；评价意见仅在 10 条及以上时显示。',
  en: 'Cells with fewer than 5 ratings show "<5" with no counts and no rate; further cells are hidden so that subtracting visible cells from a total recovers neither a small group nor hidden ratings that all gave the same kind of answer (e.g. all satisfied) (complementary suppression); comments are shown only for groups of 10 or more.',
};

/**
 * One window over a range of days, as the committee report of that window shows it (the report
 * engine's one suppression, k = 5): a window with fewer than 5 ratings in the range — none
 * included — carries no n, no counts and no rate, and says why (`suppressed`, `suppression.rule`).
 */
export const SatisfactionResult = z
  .object({
    window: z.object({
      code: z.string(),
      name: z.string(),
      unitId: z.string().meta({ description: 'The window’s unit: with the window code and the range, the report of this window (GET /api/reports/satisfaction)' }),
      unitName: z.string(),
    }),
    from: z.string(),
    to: z.string(),
    timeZone: z.literal('Asia/Shanghai'),
    suppressed: z
      .enum(['small-group', 'complementary'])
      .nullable()
      .meta({ description: 'Why no numbers are given: `small-group`, fewer than k ratings in the range (shown "<5"); null when the numbers are shown' }),
    n: z.number().int().nullable().meta({ description: 'Valid ratings; null when suppressed' }),
    counts: z
      .object({ '1': z.number().int(), '2': z.number().int(), '3': z.number().int(), '4': z.number().int(), '5': z.number().int() })
      .nullable()
      .meta({ description: 'Ratings per level; null when suppressed' }),
    goodRate: RateResult.nullable().meta({ description: 'null when suppressed' }),
    satisfiedRate: RateResult.nullable().meta({ description: 'null when suppressed' }),
    suppression: z.object({ k: z.number().int(), rule: Bilingual }).meta({ description: 'The small-group rule applied, as every report prints it' }),
    interval: z.object({ method: z.literal('wilson'), confidence: z.literal(0.95) }),
  })
  .meta({
    id: 'SatisfactionResult',
    examples: [
      {
        window: { code: 'bzwgttxf', name: '综合受理1号窗口', unitId: 'jn-qh-lj', unitName: '临江县政务服务中心' },
        from: '2026-10-01',
        to: '2026-10-31',
        timeZone: 'Asia/Shanghai',
        suppressed: null,
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
            formula: { zh: '好评率 =（非常满意 + 满意 + 基本满意）÷ 有效评价数（不含可疑评价和申诉成立的评价）', en: 'Positive rate = (very satisfied + satisfied + fairly satisfied) ÷ valid ratings (suspect ratings and upheld appeals excluded)' },
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
            formula: { zh: '满意率 =（非常满意 + 满意）÷ 有效评价数（不含可疑评价和申诉成立的评价）', en: 'Satisfaction rate = (very satisfied + satisfied) ÷ valid ratings (suspect ratings and upheld appeals excluded)' },
          },
        },
        suppression: { k: 5, rule: SUPPRESSION_RULE_EXAMPLE },
        interval: { method: 'wilson', confidence: 0.95 },
      },
      {
        window: { code: 'k7m2q9xa', name: '不动产登记窗口', unitId: 'lj-zrzy', unitName: '临江县自然资源局' },
        from: '2026-10-08',
        to: '2026-10-08',
        timeZone: 'Asia/Shanghai',
        suppressed: 'small-group',
        n: null,
        counts: null,
        goodRate: null,
        satisfiedRate: null,
        suppression: { k: 5, rule: SUPPRESSION_RULE_EXAMPLE },
        interval: { method: 'wilson', confidence: 0.95 },
      },
    ],
  });
export type SatisfactionResult = z.infer<typeof SatisfactionResult>;
