import * as z from 'zod';
import { CALLBACK_OUTCOMES, CASE_STATES } from '../../domain/cases/case-state.js';
import { isCalendarDay } from '../../domain/china-time.js';
import { MAILBOX_KINDS } from '../../domain/cases/mailbox.js';
import type { Operation } from '../operation.js';
import { UnitId } from '../org-units.js';
import { badRequest, errorResponse, forbidden as forbiddenTo, notFound as noSuch, unauthorized } from '../responses.js';
import { text } from '../text.js';
import { WindowCode } from '../window-card.js';

/**
 * 差评 cases (issue 15; docs/decisions/0028): a unit's queue, one case, and the steps of its life.
 * A case holds what its rating holds about the service and never more about the rater.
 */
export const CASES_PAGE = { limit: 50, maxLimit: 200 } as const;

export const CaseId = z
  .string()
  .regex(/^[0-9a-f]{32}$/, 'must be a case id (32 hex digits: its rating’s id)')
  .meta({ description: '差评 case id: the id of the rating that opened it' });
export const CaseParams = z.strictObject({ caseId: CaseId }).meta({ id: 'CaseParams' });

/** A step's attachment (a photo of the fix): JPEG, PNG or WebP, recognised from its bytes, at most 200 KB. */
export const CASE_ATTACHMENT_MAX_BYTES = 200 * 1024;
export const CaseAttachmentParams = z
  .strictObject({
    caseId: CaseId,
    step: z.coerce.number({ error: 'must be a step number' }).int('must be a step number').min(1, 'must be a step number').max(99_999, 'must be a step number'),
  })
  .meta({ id: 'CaseAttachmentParams' });
const Day = z.string().refine(isCalendarDay, { error: 'must be a calendar day written YYYY-MM-DD' });
const CaseStateEnum = z.enum(CASE_STATES, { error: `must be one of ${CASE_STATES.join(', ')}` });
const CallbackOutcomeEnum = z
  .enum(CALLBACK_OUTCOMES, { error: `must be one of ${CALLBACK_OUTCOMES.join(', ')}` })
  .meta({ description: 'What the 回访 found: satisfied (满意), unsatisfied (不满意: the case reopens) or unreached (未联系上)' });

export const CaseQueueQuery = z
  .strictObject({
    unitId: UnitId.meta({ description: 'The unit whose queue (its own cases: 谁办理、谁负责)' }),
    state: CaseStateEnum.optional().meta({ description: 'Only cases in this state; default all, by state then due day' }),
    overdue: z
      .enum(['true', 'false'], { error: 'must be true or false' })
      .optional()
      .meta({ description: 'With state: only those past their due day (超期) today, China time' }),
    window: WindowCode.optional().meta({ description: 'Only this window’s cases (a window of the unit)' }),
    escalated: z
      .enum(['true', 'false'], { error: 'must be true or false' })
      .optional()
      .meta({ description: 'true: the cases escalated to this unit by the overdue sweep (超期上报: of the units right below it), instead of its own' }),
    addressed: z
      .enum(['true', 'false'], { error: 'must be true or false' })
      .optional()
      .meta({ description: 'true: the 一把手信箱 letters addressed to the caller as the unit’s head, instead of the whole queue' }),
    limit: z.coerce
      .number({ error: 'must be a whole number' })
      .int('must be a whole number')
      .min(1, 'must be at least 1')
      .max(CASES_PAGE.maxLimit, `must be at most ${CASES_PAGE.maxLimit}`)
      .default(CASES_PAGE.limit),
    cursor: z.string().min(1).max(400).optional().meta({ description: 'The `cursor` of the previous page' }),
  })
  .superRefine((query, context) => {
    if (query.overdue === 'true' && !query.state) context.addIssue({ code: 'custom', path: ['overdue'], message: 'needs a state: overdue cases are listed per state' });
    if (query.escalated === 'true' && query.window) context.addIssue({ code: 'custom', path: ['window'], message: 'is for a unit’s own cases, not those escalated to it' });
    if (query.addressed === 'true' && query.window) context.addIssue({ code: 'custom', path: ['window'], message: 'is for the unit’s whole queue, not the letters to its head' });
    if (query.addressed === 'true' && query.escalated === 'true') context.addIssue({ code: 'custom', path: ['addressed'], message: 'is for the unit’s own letters, not the cases escalated to it' });
  })
  .meta({ id: 'CaseQueueQuery' });
export type CaseQueueQuery = z.output<typeof CaseQueueQuery>;

const CaseSummary = z.object({
  caseId: CaseId,
  unitId: z.string(),
  unitName: z.string().optional().meta({ description: 'In the escalated queue: the name of the case’s own unit' }),
  windowCode: z.string().optional().meta({ description: 'The rating’s window; a letter’s if its writer named one' }),
  windowName: z.string().optional(),
  day: Day.meta({ description: 'The rating’s (or letter’s) China-time day (no finer time)' }),
  level: z.number().int().min(1).max(2).optional().meta({ description: 'The rating’s level; absent for a mailbox letter' }),
  mailbox: z.enum(MAILBOX_KINDS).optional().meta({ description: 'A mailbox letter (投诉信箱 complaint, 一把手信箱 head), not a 差评' }),
  state: CaseStateEnum,
  due: Day.optional().meta({ description: 'The last day of the running deadline, if any' }),
  overdue: z.boolean().meta({ description: '超期: past its due day today (China time) and still waiting' }),
  suspect: z.boolean().optional().meta({ description: 'The rating was stored as 可疑 (burst detector)' }),
  escalated: z.boolean().optional().meta({ description: '超期上报: the overdue sweep escalated it to its unit’s parent' }),
});

export const CaseQueuePage = z
  .object({ unitId: z.string(), today: Day, items: z.array(CaseSummary), cursor: z.string().optional() })
  .meta({ id: 'CaseQueuePage' });
export type CaseQueuePage = z.infer<typeof CaseQueuePage>;

export const CaseEvent = z.object({
  at: z.string().meta({ description: 'UTC instant of the step' }),
  by: z.string(),
  from: CaseStateEnum,
  to: CaseStateEnum,
  note: z.string(),
  due: Day.optional(),
  outcome: CallbackOutcomeEnum.optional(),
  escalatedTo: z.string().optional().meta({ description: 'The overdue sweep’s entry (by system, from = to): escalated to this unit' }),
  attachment: z
    .object({ contentType: z.string(), bytes: z.number().int() })
    .optional()
    .meta({ description: 'The step’s attachment (a photo of the fix): GET /api/cases/{caseId}/attachments/{step}' }),
});

export const CaseView = CaseSummary.extend({
  hallId: z.string().optional(),
  reasons: z.array(z.string()).optional(),
  comment: z.string().optional().meta({ description: 'The rating’s comment, or the letter’s content' }),
  subject: z.string().optional().meta({ description: 'A letter’s subject' }),
  addressedTo: z.string().optional().meta({ description: '一把手信箱: the username of the head the letter was addressed to' }),
  roundId: z.string().optional().meta({ description: 'A 阳光测评 round’s 差评: the round, closed the day the case opened (its answer’s own day is never kept)' }),
  channel: z.string().optional().meta({ description: 'The rating’s channel; absent for a letter' }),
  named: z.boolean().meta({ description: '实名差评: the resident left a number for a call back (shown only through 查看联系方式)' }),
  contactPurged: z.boolean().optional().meta({ description: 'The number was deleted when the case finished' }),
  callback: CallbackOutcomeEnum.optional().meta({ description: 'What the last 回访 found' }),
  reopened: z.number().int(),
  escalatedTo: z.string().optional().meta({ description: '超期上报: the unit the overdue sweep escalated the case to' }),
  escalatedToName: z.string().optional(),
  escalatedAt: z.string().optional().meta({ description: 'UTC instant of the escalation' }),
  dueUncoveredYears: z.array(z.number().int()).optional().meta({ description: 'Years whose holidays the calendar does not hold yet: Monday–Friday was counted there' }),
  next: z.array(CaseStateEnum).meta({ description: 'The states this case may go to now' }),
  events: z.array(CaseEvent).meta({ description: 'Every step so far, oldest first' }),
}).meta({ id: 'CaseView' });
export type CaseView = z.infer<typeof CaseView>;

export const CaseTransitionInput = z
  .strictObject({
    to: CaseStateEnum.meta({ description: 'The state to go to (one of the case’s `next`)' }),
    note: text({ min: 1, max: 1000 }).meta({ description: 'What was verified, fixed or explained; the reason of an appeal or of its decision' }),
    outcome: CallbackOutcomeEnum.optional().meta({ description: 'Required with to = called-back (已回访), refused otherwise. unsatisfied reopens the case (待核实) in the same request' }),
    attachment: z
      .string()
      .max(Math.ceil(CASE_ATTACHMENT_MAX_BYTES / 3) * 4, 'must be an image of at most 200 KB')
      .regex(/^[A-Za-z0-9+/]*={0,2}$/, 'must be the image in base64')
      .optional()
      .meta({ description: 'A photo of what was done (JPEG, PNG or WebP, at most 200 KB), base64; recognised from its bytes' }),
  })
  .meta({ id: 'CaseTransitionInput' });
export type CaseTransitionInput = z.output<typeof CaseTransitionInput>;

export const CaseContactView = z
  .object({
    caseId: CaseId,
    phone: z.string().meta({ description: 'The number the resident left for the call back' }),
    keptUntil: z.string().meta({ description: 'UTC instant after which the contact store no longer holds it' }),
  })
  .meta({ id: 'CaseContactView' });
export type CaseContactView = z.infer<typeof CaseContactView>;

const readers = forbiddenTo('read 差评 cases', 'administrators and committees of the scope');
const workers = forbiddenTo('work 差评 cases', 'system and unit administrators of the scope; an appeal is decided by a superior unit, never the case’s own');
const notFound = noSuch('case', " in the caller's scope");

export const caseOperations = {
  listCases: {
    method: 'GET',
    path: '/api/cases',
    summary: 'A unit’s 差评 queue: by state, then due day; overdue (超期) and window filters; one page at a time',
    tag: 'cases',
    auth: 'bearer',
    query: CaseQueueQuery,
    responses: { 200: { description: 'A page of the queue', schema: CaseQueuePage }, 400: badRequest, 401: unauthorized, 403: readers, 404: noSuch('unit', ' in scope') },
  },
  getCase: {
    method: 'GET',
    path: '/api/cases/{caseId}',
    summary: 'One case: the rating’s service facts, its state, deadline, steps so far and where it may go',
    tag: 'cases',
    auth: 'bearer',
    params: CaseParams,
    responses: { 200: { description: 'The case', schema: CaseView }, 400: badRequest, 401: unauthorized, 403: readers, 404: notFound },
  },
  transitionCase: {
    method: 'POST',
    path: '/api/cases/{caseId}/transitions',
    // A photo of the fix, base64, rides in the step: 200 KB of image is about 267 KB of text.
    largeBody: { maxBytes: 300 * 1024, otherwise: 'a step with its attachment is at most 300 KB: the photo at most 200 KB' },
    summary: 'One step of a case (核实 → 立行立改 / 限期整改 / 解释说明, 已整改, 已回访, 已办结, 申诉 …) with what was done; audited',
    tag: 'cases',
    auth: 'bearer',
    params: CaseParams,
    body: CaseTransitionInput,
    responses: {
      200: { description: 'The case after the step', schema: CaseView },
      400: badRequest,
      401: unauthorized,
      403: workers,
      404: notFound,
      409: errorResponse('Not a step from the case’s state: the message names the state and the steps it allows'),
      413: errorResponse('The body is over 300 KB: an attachment is at most 200 KB of image'),
    },
  },
  getCaseAttachment: {
    method: 'GET',
    path: '/api/cases/{caseId}/attachments/{step}',
    summary: 'The attachment of a step of a case (a photo of the fix), as the image itself',
    tag: 'cases',
    auth: 'bearer',
    params: CaseAttachmentParams,
    responses: { 200: { description: 'image/jpeg, image/png or image/webp' }, 400: badRequest, 401: unauthorized, 403: readers, 404: noSuch('case or attachment', " in the caller's scope") },
  },
  revealCaseContact: {
    method: 'POST',
    path: '/api/cases/{caseId}/contact',
    summary: '查看联系方式: a 实名差评’s number for the 回访, to those who work the case (never during an appeal); audited each time, never stored or cached',
    tag: 'cases',
    auth: 'bearer',
    params: CaseParams,
    responses: {
      200: { description: 'The number and until when the contact store keeps it', schema: CaseContactView },
      400: badRequest,
      401: unauthorized,
      403: workers,
      404: notFound,
      409: errorResponse('No number to show: the case is anonymous, under appeal, finished (deleted) or past the contact store’s retention'),
    },
  },
} as const satisfies Record<string, Operation>;
