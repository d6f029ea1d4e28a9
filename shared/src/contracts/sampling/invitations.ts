import * as z from 'zod';
import type { Operation } from '../operation.js';
import { SubmitRatingInput } from '../rating.js';
import { RatingLinkToken } from '../rating-links.js';
import { badRequest, errorResponse, forbidden as forbiddenTo, notFound as noSuch, unauthorized } from '../responses.js';
import { AgencySectionCard } from '../surveys-versions.js';
import { WindowCard } from '../window-card.js';
import { RoundParams } from './rounds.js';

/**
 * 阳光测评 invitations (issue 13 §4; docs/decisions/0022-invitations.md): the send and reminder jobs,
 * the local outbox, and the resident's side of an invitation link (/s/{token}). Like a 办件's link,
 * the token travels in JSON bodies only, never in an API path or query.
 */

export const INVITATION_STATES = ['drawn', 'queued', 'sent', 'failed', 'responded'] as const;

/** Where a round's invitations stand: one count per state of the sampled people, and what this call did. */
export const RoundSendProgress = z
  .object({
    job: z.enum(['send', 'remind']),
    total: z.number().int().meta({ description: 'People drawn' }),
    drawn: z.number().int().meta({ description: 'Not sent yet' }),
    queued: z.number().int().meta({ description: 'Handed to the SMS sender, not confirmed yet' }),
    sent: z.number().int(),
    failed: z.number().int().meta({ description: 'The sender refused or the number was gone (purged); never retried by itself' }),
    responded: z.number().int(),
    optedOut: z.number().int().meta({ description: '退订: no reminder goes to them' }),
    reminded: z.number().int().meta({ description: 'Reminders sent, all people together' }),
    done: z.number().int().meta({ description: 'Messages this call handed on' }),
    remaining: z.number().int().meta({ description: 'Messages this job still has to hand on; 0 when finished' }),
    finished: z.boolean(),
    sender: z.enum(['outbox', 'sms']).meta({ description: 'outbox: the local outbox (npm run outbox); sms: AWS End User Messaging' }),
  })
  .meta({ id: 'RoundSendProgress' });
export type RoundSendProgress = z.infer<typeof RoundSendProgress>;

export const OutboxMessage = z.object({
  at: z.string(),
  kind: z.enum(['invitation', 'reminder']),
  to: z.string().meta({ description: 'The number masked (138****5678): the outbox never holds a number', example: '138****5678' }),
  text: z.string(),
  link: z.string().meta({ description: 'The resident page /s/{token} (local outbox only)' }),
});
export type OutboxMessage = z.infer<typeof OutboxMessage>;

export const RoundOutbox = z
  .object({
    sender: z.enum(['outbox', 'sms']),
    messages: z.array(OutboxMessage).meta({ description: 'Newest first; empty with the sms sender (the provider holds the messages)' }),
  })
  .meta({ id: 'RoundOutbox' });
export type RoundOutbox = z.infer<typeof RoundOutbox>;

export const InvitationLookup = z.strictObject({ token: RatingLinkToken }).meta({ id: 'InvitationLookup' });

/** What the resident sees: the round, who runs it, until when, and the survey. */
export const InvitationView = z
  .object({
    round: z.object({ name: z.string(), unitName: z.string() }),
    openUntil: z.string().meta({ description: 'The last instant an answer is taken (UTC ISO): the end of the deadline day, China time' }),
    survey: WindowCard.shape.survey,
    agencySection: AgencySectionCard.optional(),
  })
  .meta({ id: 'InvitationView' });
export type InvitationView = z.infer<typeof InvitationView>;

// The invitation fixes who is asked and about what; no window, service item, staff or 回访 number.
const { windowCode: _w, serviceItem: _i, staffId: _s, contactPhone: _p, consentToCallback: _c, ...answerFields } = SubmitRatingInput.shape;

export const SubmitInvitationRatingInput = z
  .strictObject({ token: RatingLinkToken, ...answerFields })
  .meta({ id: 'SubmitInvitationRatingInput', examples: [{ token: 'q3X0b9kT2mYl7vR1sN8wCg', level: 5, indicators: { efficiency: 5, competence: 5, attitude: 5 } }] });
export type SubmitInvitationRatingInput = z.infer<typeof SubmitInvitationRatingInput>;

export const InvitationOptedOut = z.object({ optedOut: z.literal(true) }).meta({ id: 'InvitationOptedOut' });

const forbidden = forbiddenTo('run 阳光测评 rounds', 'system and unit administrators');
const notFound = noSuch('round', " in the caller's scope");
const notSending = errorResponse('The round is not in a state this job runs in (sending starts at 已抽取; reminders only while 发送中 and before the deadline)');
const noLink = noSuch('invitation', ' (never sent, or purged)');
const used = errorResponse('已评价: this invitation was answered; nothing written');
const over = errorResponse('测评已截止: the deadline passed or the round was closed; nothing written');

const job = (summary: string, description: string, path: string) =>
  ({
    method: 'POST',
    path,
    summary,
    description,
    tag: 'sampling',
    auth: 'bearer',
    params: RoundParams,
    responses: { 200: { description: 'Where the invitations stand', schema: RoundSendProgress }, 400: badRequest, 401: unauthorized, 403: forbidden, 404: notFound, 409: notSending },
  }) as const;

export const invitationOperations = {
  sendRound: job(
    '已抽取 → 发送中: send the invitations, as a job',
    'Each call hands invitations to the SMS sender for a time budget and answers the progress; call again until finished. A token of 128 random bits per person, stored hashed; the people invited enter the quarantine.',
    '/api/sampling-rounds/{roundId}/send',
  ),
  remindRound: job(
    'Send the due reminders to non-respondents, as a job',
    'Only people who have not answered nor opted out (退订), only once the round’s days after the last message have passed, never after the deadline. Call again until finished.',
    '/api/sampling-rounds/{roundId}/remind',
  ),
  getRoundOutbox: {
    method: 'GET',
    path: '/api/sampling-rounds/{roundId}/outbox',
    summary: 'The local outbox of a round: masked number, text, link (no messages with the sms sender)',
    tag: 'sampling',
    auth: 'bearer',
    params: RoundParams,
    responses: { 200: { description: 'The outbox', schema: RoundOutbox }, 400: badRequest, 401: unauthorized, 403: forbidden, 404: notFound },
  },
  viewInvitation: {
    method: 'POST',
    path: '/api/public/sampling-invitations/lookup',
    summary: 'What an invitation link asks: the round, its unit, the deadline and the survey',
    description: 'POST so that the token (a bearer credential) is in the body, never in a logged path or query.',
    tag: 'public',
    auth: 'none',
    body: InvitationLookup,
    responses: { 200: { description: 'The invitation is open', schema: InvitationView }, 400: badRequest, 404: noLink, 409: used, 410: over },
  },
  submitInvitationRating: {
    method: 'POST',
    path: '/api/public/sampling-invitations/ratings',
    summary: 'Answer a 阳光测评 invitation: the token is consumed in the rating’s own transaction',
    description:
      'Stored once, with channel sampling, the round and the stratum, in the round’s own results (never pooled with window ratings). ' +
      'The rating holds no token, entry or phone. A second answer (with this or a reminder’s link) is 409; after the deadline or the close 410.',
    tag: 'public',
    auth: 'none',
    body: SubmitInvitationRatingInput,
    responses: {
      201: { description: 'Stored', schema: z.object({ id: z.string() }).meta({ id: 'InvitationRatingCreated' }) },
      400: badRequest,
      404: noLink,
      409: used,
      410: over,
      503: errorResponse('Too many answers met on the same items after retries; nothing written, send it again'),
    },
  },
  optOutInvitation: {
    method: 'POST',
    path: '/api/public/sampling-invitations/opt-out',
    summary: '退订: no further message of this round to this person',
    tag: 'public',
    auth: 'none',
    body: InvitationLookup,
    responses: { 200: { description: 'Opted out (repeating it is harmless)', schema: InvitationOptedOut }, 400: badRequest, 404: noLink, 410: over },
  },
} as const satisfies Record<string, Operation>;
