import * as z from 'zod';
import { ErrorBody } from '../errors.js';
import type { Operation } from '../operation.js';
import { RatingLinkToken } from '../rating-links.js';
import { badRequest, forbidden as forbiddenTo, notFound as noSuch, unauthorized } from '../responses.js';
import { text } from '../text.js';
import { CaseParams } from './cases.js';

/**
 * 回访 by a one-time SMS link (issue 15 §2; decision 0028): the unit sends a 实名差评's resident a
 * link to two questions — 对处理结果是否满意, 问题是否已解决 — and the answer records the 回访 on the
 * case (an unhappy one reopens it). The token travels in JSON bodies only, as a rating link's.
 */
export const RECOVERY_RESULTS = ['satisfied', 'unsatisfied'] as const;
export const RECOVERY_RESOLVED = ['yes', 'partly', 'no'] as const;
/** Days a 回访 link is open. */
export const RECOVERY_LINK_DAYS = 7;

export const RecoverySent = z
  .object({
    sentAt: z.string(),
    openUntil: z.string().meta({ description: 'The last instant the link is accepted (UTC ISO)' }),
    sender: z.enum(['outbox', 'sms']).meta({ description: 'sms: sent by End User Messaging SMS; outbox: kept in the local outbox (npm start), not sent' }),
    link: z.string().optional().meta({ description: 'The link, with the outbox only (one machine, no SMS): to try the resident’s side' }),
  })
  .meta({ id: 'RecoverySent' });
export type RecoverySent = z.infer<typeof RecoverySent>;

export const RecoveryLookup = z.strictObject({ token: RatingLinkToken }).meta({ id: 'RecoveryLookup' });

export const RecoveryLinkView = z
  .object({
    windowName: z.string().optional().meta({ description: 'The rated window (a letter’s, if its writer named one)' }),
    letter: z.boolean().optional().meta({ description: 'The case is the resident’s mailbox letter, not a rating' }),
    unitName: z.string(),
    day: z.string().meta({ description: 'The day of the resident’s rating or letter (China time)' }),
    handling: z.object({ state: z.enum(['fixed', 'explained']), note: z.string(), at: z.string() }).meta({ description: 'What the unit did: its last step' }),
    openUntil: z.string(),
  })
  .meta({ id: 'RecoveryLinkView' });
export type RecoveryLinkView = z.infer<typeof RecoveryLinkView>;

export const RecoveryAnswer = z
  .strictObject({
    token: RatingLinkToken,
    result: z.enum(RECOVERY_RESULTS, { error: 'must be satisfied or unsatisfied' }).meta({ description: '对处理结果是否满意' }),
    resolved: z.enum(RECOVERY_RESOLVED, { error: 'must be yes, partly or no' }).meta({ description: '问题是否已解决' }),
    comment: text({ max: 300, multiline: true }).optional().meta({ description: 'Optional words for the unit' }),
  })
  .meta({ id: 'RecoveryAnswer' });
export type RecoveryAnswer = z.infer<typeof RecoveryAnswer>;

export const RecoveryRecorded = z
  .object({ outcome: z.enum(RECOVERY_RESULTS), reopened: z.boolean().meta({ description: 'An unhappy answer reopened the case (待核实 again)' }) })
  .meta({ id: 'RecoveryRecorded' });

const gone = { description: 'No such link (never sent, or purged)', schema: ErrorBody };

export const recoveryOperations = {
  sendCaseRecoveryLink: {
    method: 'POST',
    path: '/api/cases/{caseId}/recovery-link',
    summary: '回访 by SMS: send a 实名差评’s resident a one-time link to two questions (对处理结果是否满意, 问题是否已解决); audited',
    description: `The case must be 已整改 or 解释说明 and still hold its contact. The number is opened for the message only and never answered. Open ${RECOVERY_LINK_DAYS} days; a link sent before the case was last reopened no longer counts.`,
    tag: 'cases',
    auth: 'bearer',
    params: CaseParams,
    responses: {
      202: { description: 'Sent (or, on one machine, kept in the outbox)', schema: RecoverySent },
      400: badRequest,
      401: unauthorized,
      403: forbiddenTo('send 回访 links', 'system and unit administrators of the scope'),
      404: noSuch('case', ' in scope'),
      409: { description: 'The case is anonymous, not waiting for its 回访, or its number is gone; the message names why', schema: ErrorBody },
    },
  },
  viewRecoveryLink: {
    method: 'POST',
    path: '/api/public/recovery-links/lookup',
    summary: 'What a 回访 link asks about: the window, the day of the rating and what the unit did',
    description: 'POST so that the token is in the body, never in a logged path or query.',
    tag: 'public',
    auth: 'none',
    body: RecoveryLookup,
    responses: {
      200: { description: 'The link is open', schema: RecoveryLinkView },
      400: badRequest,
      404: gone,
      409: { description: '本次回访已记录: the link was used, or the case moved on', schema: ErrorBody },
      410: { description: '回访期已过', schema: ErrorBody },
    },
  },
  answerRecoveryLink: {
    method: 'POST',
    path: '/api/public/recovery-links/answers',
    summary: 'The resident’s two answers: the 回访 is recorded on the case in the link’s own transaction (exactly once); an unhappy one reopens the case',
    tag: 'public',
    auth: 'none',
    body: RecoveryAnswer,
    responses: {
      201: { description: 'Recorded', schema: RecoveryRecorded },
      400: badRequest,
      404: gone,
      409: { description: '本次回访已记录: the link was used, or the case moved on; nothing written', schema: ErrorBody },
      410: { description: '回访期已过; nothing written', schema: ErrorBody },
    },
  },
} as const satisfies Record<string, Operation>;
