import * as z from 'zod';
import { BAD_RATING_REASON_CODES, COMMENT_MAX_LENGTH, type BadRatingReason } from '../domain/national-survey.js';
import { personalNumberIn } from '../domain/personal-numbers.js';
import { StaffId } from './org-staff.js';
import { safeRecord, text } from './text.js';
import { WindowCode } from './window-card.js';

const Level = z.literal([1, 2, 3, 4, 5], { error: 'must be an integer from 1 to 5' });

/** Mainland mobile numbers: 11 digits starting 13–19. */
export const MOBILE_PATTERN = /^1[3-9]\d{9}$/;
/** Whether free text holds a mobile or ID number (the forms check it before sending, as the API does). */
export { personalNumberIn };

// What a resident types is text as text.ts defines it (no control characters but tab and newline,
// no lone surrogates), refused at the edge rather than stored. The use case trims the comment.
const Comment = text({ max: COMMENT_MAX_LENGTH, multiline: true, trim: false });

export const SubmitRatingInput = z
  .strictObject({
    windowCode: WindowCode,
    level: Level.meta({ description: '5 = 非常满意 … 1 = 非常不满意' }),
    indicators: z
      .strictObject({ efficiency: Level.optional(), competence: Level.optional(), attitude: Level.optional() })
      .optional()
      .meta({ description: 'Offline indicators 服务效率 / 服务水平 / 服务态度, each 1–5' }),
    reasons: z
      .array(z.enum(BAD_RATING_REASON_CODES as [BadRatingReason, ...BadRatingReason[]]))
      .max(BAD_RATING_REASON_CODES.length)
      .optional()
      .meta({ description: 'Coded 差评 reasons; only for level 1 or 2' }),
    comment: Comment.optional(),
    serviceItem: text({ min: 1, max: 100, trim: false, empty: 'must not be empty' })
      .optional()
      .meta({ description: "The NAME of one of the window's service items (事项, from the window card) the resident had handled; checked against the window's current items" }),
    staffId: StaffId.optional().meta({
      description:
        "Who served the resident: the id of one of the window card's staffOnDuty, checked against the staff on duty at the window now. " +
        'Absent: 不确定 / 未注意, and the rating counts for the window only, for no staff member (docs/decisions/0012-attribution.md)',
    }),
    contactPhone: z
      .string()
      .regex(MOBILE_PATTERN, 'must be an 11-digit mainland mobile number')
      .optional()
      .meta({ description: 'For 回访 only; requires consentToCallback = true; stored encrypted' }),
    consentToCallback: z.boolean().optional(),
    surveyId: z
      .string()
      .regex(/^[a-z0-9-]{1,80}$/, 'must be a survey id')
      .optional()
      .meta({ description: 'The survey the resident was shown (from the window card); default: the one the window shows now' }),
    surveyVersion: z.int().min(1).max(9999).optional().meta({ description: 'The version of that survey' }),
    answers: safeRecord(
      z.string().regex(/^q\d{1,3}$/, 'must be a question id such as q1'),
      z.union([Comment, z.int(), z.array(text({ max: 8, trim: false })).max(16)]),
    )
      .optional()
      .meta({ description: 'Answers to the agency section, by question id; checked against the survey version shown' }),
  })
  .superRefine((input, ctx) => {
    // A number left for the 回访 goes in contactPhone (sealed), never in the comment staff read.
    const number = input.comment ? personalNumberIn(input.comment) : undefined;
    if (number) ctx.addIssue({ code: 'custom', path: ['comment'], message: number === 'mobile' ? 'must not hold a phone number: give it as contactPhone, with consent' : 'must not hold an ID number' });
    if (input.reasons?.length && input.level > 2) {
      ctx.addIssue({ code: 'custom', path: ['reasons'], message: 'reasons are only for level 1 or 2 (差评)' });
    }
    if (input.reasons && new Set(input.reasons).size !== input.reasons.length) {
      ctx.addIssue({ code: 'custom', path: ['reasons'], message: 'must not repeat a reason' });
    }
    if (input.contactPhone && input.consentToCallback !== true) {
      ctx.addIssue({
        code: 'custom',
        path: ['consentToCallback'],
        message: 'must be true when a contact phone is given',
      });
    }
    if ((input.surveyId === undefined) !== (input.surveyVersion === undefined)) {
      ctx.addIssue({ code: 'custom', path: [input.surveyId === undefined ? 'surveyId' : 'surveyVersion'], message: 'surveyId and surveyVersion go together' });
    }
    if (input.consentToCallback === true && !input.contactPhone) {
      ctx.addIssue({ code: 'custom', path: ['contactPhone'], message: 'is required when consentToCallback is true' });
    }
  })
  .meta({
    id: 'SubmitRatingInput',
    examples: [
      { windowCode: 'k7m2q9xa', level: 5, indicators: { efficiency: 5, competence: 5, attitude: 5 }, serviceItem: '社会保障卡补办', staffId: 'staff-001' },
      {
        windowCode: 'k7m2q9xa',
        level: 2,
        reasons: ['SLOW', 'REPEAT_VISITS'],
        comment: '材料要求没有一次说清楚',
        contactPhone: '13800138000',
        consentToCallback: true,
      },
    ],
  });
export type SubmitRatingInput = z.infer<typeof SubmitRatingInput>;

export const RatingCreated = z
  .object({ id: z.string().meta({ description: 'Random id of the stored rating' }) })
  .meta({ id: 'RatingCreated', examples: [{ id: '3b1f7c2e9a0d4c1b8e6f5a4d3c2b1a09' }] });
export type RatingCreated = z.infer<typeof RatingCreated>;

/** Idempotency-Key header: 8–128 visible ASCII characters (a UUID is typical). */
export const IdempotencyKey = z
  .string()
  .regex(/^[\x21-\x7E]{8,128}$/, 'must be 8–128 visible ASCII characters')
  .meta({ id: 'IdempotencyKey', example: '6f1c2b7e-3d4a-4e8b-9c0d-1a2b3c4d5e6f' });

/** The optional Idempotency-Key header of a public write (a rating, a letter), with what it does there. */
export const idempotencyKeyHeader = (description: string) => ({ 'Idempotency-Key': { schema: IdempotencyKey, required: false, description } }) as const;
