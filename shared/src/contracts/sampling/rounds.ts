import * as z from 'zod';
import { isCalendarDay } from '../../domain/china-time.js';
import { MAX_ALLOCATION_TOTAL } from '../../domain/sampling/allocation.js';
import { STRATA_BY } from '../../domain/sampling/frame.js';
import { ROUND_STATES } from '../../domain/sampling/round-state.js';
import { APPLICANT_TYPES, SERVED_VIA } from '../service-records/records.js';
import { UnitId } from '../org-units.js';
import { text } from '../text.js';
import { DRAW_ALLOCATION_METHODS } from './draw-pack.js';

/**
 * 阳光测评 rounds (issue 13 §2–3): configuration, state and the published facts of the draw. The
 * configuration is editable while the round is a draft (草稿) and locked from 已承诺 on.
 */
export const RoundId = z
  .string()
  .regex(/^r-[0-9a-f]{16}$/, 'must be a round id (r- and 16 hex digits)')
  .meta({ description: '测评轮次 id', example: 'r-3f9a1c0d7e5b2a48' });
export const RoundParams = z.strictObject({ roundId: RoundId }).meta({ id: 'RoundParams' });

const Day = z.string().refine(isCalendarDay, { error: 'must be a calendar day written YYYY-MM-DD' });

export const RoundSizeInput = z
  .discriminatedUnion(
    'mode',
    [
      z.strictObject({ mode: z.literal('total'), n: z.number().int().min(1, 'must be at least 1').max(MAX_ALLOCATION_TOTAL) }),
      z.strictObject({ mode: z.literal('per-stratum'), n: z.number().int().min(1, 'must be at least 1').max(MAX_ALLOCATION_TOTAL) }),
      z.strictObject({
        mode: z.literal('margin'),
        e: z.number().gt(0, 'must be greater than 0 (e.g. 0.03 for ±3 percentage points)').lt(0.5, 'must be less than 0.5'),
        per: z.enum(['overall', 'stratum']).default('overall'),
      }),
    ],
    { error: 'mode must be total, per-stratum or margin' },
  )
  .meta({
    id: 'RoundSize',
    description: 'A total n; n per stratum; or a margin of error e at 95% (p = 0.5, finite population correction), overall or per stratum',
  });

export const RoundConfigInput = z
  .strictObject({
    name: text({ min: 1, max: 60 }).meta({ example: '2026年12月 不动产登记 阳光测评' }),
    unitId: UnitId.meta({ description: 'Scope: this unit and every unit below it' }),
    survey: z
      .strictObject({ surveyId: z.string().min(1).max(80), version: z.number().int().min(1) })
      .optional()
      .meta({ description: 'A published agency survey version shown after the national questions; absent: the national questionnaire only' }),
    period: z.strictObject({ from: Day, to: Day }).meta({ description: '办件 finished on these China-time days (inclusive)' }),
    filters: z
      .strictObject({
        serviceItems: z.array(text({ min: 1, max: 100 })).max(200).optional(),
        servedVia: z.array(z.enum(SERVED_VIA)).optional(),
        applicantTypes: z.array(z.enum(APPLICANT_TYPES)).optional(),
      })
      .default({}),
    strataBy: z.enum(STRATA_BY, { error: 'must be unit, window or serviceItem' }).default('unit'),
    size: RoundSizeInput,
    allocation: z
      .strictObject({
        method: z.enum(DRAW_ALLOCATION_METHODS, { error: 'must be proportional, equal, neyman or fixed' }),
        fixed: z.record(z.string().min(1).max(100), z.number().int().min(0).max(MAX_ALLOCATION_TOTAL)).optional().meta({ description: 'fixed only: n_h per stratum key' }),
      })
      .default({ method: 'proportional' }),
    quarantineDays: z.number().int().min(0).max(730).default(180).meta({ description: 'People invited by another round within this many days are left out of the frame' }),
    invitationText: text({ min: 1, max: 300, multiline: true }).meta({ example: '您好，您近期在不动产登记中心办理了业务，诚邀您对服务进行评价：{link} 回复TD退订' }),
    reminders: z
      .strictObject({ count: z.number().int().min(0).max(3).default(1), afterDays: z.number().int().min(1).max(30).default(3) })
      .default({ count: 1, afterDays: 3 })
      .meta({ description: 'Reminders to non-respondents only, never after the deadline' }),
    deadline: Day.meta({ description: 'Last China-time day on which an answer is taken' }),
  })
  .meta({ id: 'RoundConfigInput' });
export type RoundConfigInput = z.input<typeof RoundConfigInput>;
export type RoundConfig = z.output<typeof RoundConfigInput>;

export const RoundStratum = z.object({
  key: z.string(),
  label: z.string().optional().meta({ description: 'The unit’s name, for strata by unit' }),
  N: z.number().int(),
  n: z.number().int().optional(),
});

export const RoundView = z
  .object({
    roundId: z.string(),
    state: z.enum(ROUND_STATES),
    config: z.unknown().meta({ description: 'The RoundConfigInput as stored (defaults filled in)' }),
    unitName: z.string().optional().meta({ description: 'The name of the scope’s unit' }),
    createdAt: z.string(),
    createdBy: z.string(),
    updatedAt: z.string(),
    commitment: z.string().optional().meta({ description: 'SHA-256 of the seed (manyi-draw-v1 step 1), from 已承诺 on' }),
    committedAt: z.string().optional(),
    committedBy: z.string().optional(),
    expectedFrame: z.number().int().optional().meta({ description: 'People in the frame as counted at commit (the frame itself is fixed at freeze)' }),
    freezing: z
      .object({ staged: z.number().int(), partitions: z.number().int() })
      .optional()
      .meta({ description: 'While 已承诺 with a freeze under way (a job): the 办件 partitions (unit × month) read so far, of all; freeze again to go on' }),
    frameHash: z.string().optional(),
    frozenAt: z.string().optional(),
    frozenBy: z.string().optional(),
    frame: z
      .object({ matched: z.number().int(), withoutMobile: z.number().int(), people: z.number().int(), quarantined: z.number().int(), N: z.number().int() })
      .optional()
      .meta({ description: '办件 matched, without a mobile, distinct people, quarantined, and the frame size N' }),
    strata: z.array(RoundStratum).optional(),
    publicInput: z.string().optional(),
    drawnAt: z.string().optional(),
    drawnBy: z.string().optional(),
    drawn: z.number().int().optional(),
    sampleWritten: z
      .number()
      .int()
      .optional()
      .meta({ description: 'Drawn entries stored so far (a job): below `drawn` the draw is still under way; draw again (same public input) to finish. Sending waits for it' }),
    seed: z.string().optional().meta({ description: 'Revealed when the round is closed' }),
    closedAt: z.string().optional(),
    closedBy: z.string().optional(),
    publishedAt: z.string().optional().meta({ description: 'When the results were published (已公布): from then on anyone reads them at /rounds/{roundId}' }),
    publishedBy: z.string().optional(),
    cancelledAt: z.string().optional(),
    cancelledBy: z.string().optional(),
  })
  .meta({ id: 'RoundView' });
export type RoundView = z.infer<typeof RoundView>;

export const RoundList = z.object({ rounds: z.array(RoundView) }).meta({ id: 'RoundList' });
export type RoundList = z.infer<typeof RoundList>;
export const RoundListQuery = z.strictObject({ unitId: UnitId }).meta({ id: 'RoundListQuery' });

export const DrawRoundInput = z
  .strictObject({
    publicInput: z.string().max(200, 'must be at most 200 characters').default('').meta({ description: 'Typed by a second person at the draw, e.g. a number announced at the meeting; empty when none' }),
  })
  .meta({ id: 'DrawRoundInput' });
