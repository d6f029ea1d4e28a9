import { randomBytes } from 'node:crypto';
import { toFieldIssues } from '#shared/contracts/errors.js';
import { SubmitRatingInput } from '#shared/contracts/rating.js';
import type { InvitationView, RoundOutbox, RoundSendProgress, SubmitInvitationRatingInput } from '#shared/contracts/sampling/invitations.js';
import type { RoundConfig } from '#shared/contracts/sampling/rounds.js';
import { addDays, chinaDay } from '#shared/domain/china-time.js';
import { NATIONAL_SURVEY } from '#shared/domain/national-survey.js';
import { validateAnswers } from '#shared/domain/survey-answers.js';
import type { SurveyQuestion } from '#shared/domain/survey-version.js';
import { record, type Attempt } from '../../access/index.js';
import type { Principal } from '../../auth/principal.js';
import type { ContactSealer } from '../../data/contact-sealer.js';
import { pool } from '../../data/pool.js';
import { LINK_KEEP_DAYS, RatingLinkExpiredError, RatingLinkUnknownError, RatingLinkUsedError, type OpenRatingLink, type RatingLinkStore } from '../../data/rating-links.js';
import {
  AnswerBusyError,
  InvitationAnsweredStoreError,
  RoundNotTakingAnswersError,
  claimOf,
  type Invitation,
  type InvitationKind,
  type InvitationStore,
  type RoundRating,
  type SmsSender,
} from '../../data/sampling-invitations.js';
import type { InvitationMessage, InvitationQueue } from '../../data/invitation-queue.js';
import { RoundStateError, type RoundRecord } from '../../data/sampling-rounds.js';
import { ROUND_TRANSITIONS } from '#shared/domain/sampling/round-state.js';
import { AnswerBusyAppError, ConflictError, InvitationAnsweredError, InvitationClosedError, NotFoundError, ValidationError } from '../../errors.js';
import { nationalSurveyCard } from '../get-window-card.js';
import { DEFAULT_BASE_URL } from '../posters/posters.js';
import { ratingLinkHash } from '../rating-links/rate-by-link.js';
import { authorizeRound, refuseUnfinishedDraw, stepRound, type RoundDeps } from './rounds.js';

/**
 * 阳光测评 invitations (issue 13 §4; docs/decisions/0022-invitations.md).
 *
 * Sending and reminding are jobs like imports: each call hands messages on for a time budget and
 * answers where the round's invitations stand; the page calls again until finished. A message is
 * composed when it is sent — a fresh token (128 random bits, only its hash stored), the number
 * opened from the contact store for that one message — so no token and no number waits anywhere.
 * Locally the messages go straight to the outbox; in AWS the job hands {round, entry, kind} to a
 * queue whose sender Lambda runs {@link deliverInvitations}.
 */
export interface InvitationDeps extends RoundDeps {
  invitations: InvitationStore;
  ratingLinks: Pick<RatingLinkStore, 'issue' | 'get'>;
  sealer: Pick<ContactSealer, 'open'>;
  sms: SmsSender;
  /** AWS: the queue in front of the sender Lambda. Absent (one machine): messages are sent in the job itself. */
  invitationQueue?: InvitationQueue | undefined;
  publicBaseUrl?: string | undefined;
  /** Told of each failed send by round, kind and error name only (the sender Lambda logs it). */
  onSendFailure?: ((roundId: string, kind: InvitationKind, error: string) => void) | undefined;
}

/** One message to send (which invitation, first message or reminder) and the queue that carries it: declared beside the SQS adapter. */
export type { InvitationMessage, InvitationQueue } from '../../data/invitation-queue.js';

/** A job call stops handing messages on after this long: like an import's step, well inside the route Lambda's 10 s. */
export const JOB_BUDGET_MS = 6_000;
/**
 * A claim a job took this long ago and did not follow with the message is taken again (the job
 * died, or the queue refused it). In AWS a message may also still wait in the queue (a sender
 * without an origination identity): queued twice, it is sent once, because the sender skips an
 * invitation that is already sent.
 */
export const CLAIM_STALE_MS = 15 * 60_000;
/** Messages per step of a job; each step's quarantine is written before its messages go. */
const STEP = 200;
/** Messages composed and sent at once (the local sending rate; in AWS the queue's concurrency sets it). */
export const SENDS_IN_FLIGHT = 16;
/** The quarantine of the longest period a round may ask (RoundConfig.quarantineDays ≤ 730). */
const QUARANTINE_KEEP_DAYS = 730;
const DAY_MS = 86_400_000;

/** The last instant of the deadline day, China time, as UTC ISO. */
export function answerDeadline(config: Pick<RoundConfig, 'deadline'>): string {
  return new Date(`${config.deadline}T23:59:59.999+08:00`).toISOString();
}

/** The resident page of an invitation: /s/{token}. */
export function invitationUrl(baseUrl: string | undefined, token: string): string {
  return `${(baseUrl ?? DEFAULT_BASE_URL).replace(/\/+$/, '')}/s/${token}`;
}

/** The round's text with the link where `{link}` stands; a reminder says it is one. */
export function messageText(config: Pick<RoundConfig, 'invitationText'>, link: string, kind: InvitationKind): string {
  const text = config.invitationText.split('{link}').join(link);
  return kind === 'reminder' ? `【提醒】${text}` : text;
}

function progress(job: RoundSendProgress['job'], invitations: readonly Invitation[], done: number, remaining: number, sender: SmsSender['kind']): RoundSendProgress {
  const count = (state: Invitation['state']) => invitations.filter((invitation) => invitation.state === state).length;
  return {
    job,
    total: invitations.length,
    drawn: count('drawn'),
    queued: count('queued'),
    sent: count('sent'),
    failed: count('failed'),
    responded: count('responded'),
    optedOut: invitations.filter((invitation) => invitation.optedOut).length,
    reminded: invitations.reduce((sum, invitation) => sum + invitation.reminders, 0),
    done,
    remaining,
    finished: remaining === 0,
    sender,
  };
}

/**
 * Compose and send one message: a fresh token, the number opened for this message only. Repeating
 * it for an invitation already past the step (a queue's second delivery) sends nothing.
 */
/** What became of one message: sent, failed (the invitation is marked so), or not sent (past its step, or taken by another delivery). */
type Outcome = 'sent' | 'failed' | 'skipped';

async function deliverOne(deps: InvitationDeps, round: RoundRecord, message: InvitationMessage, known?: Invitation): Promise<Outcome> {
  const config = round.config as unknown as RoundConfig;
  // A job that just claimed the invitation hands it over as it left the claim: no second read.
  const invitation = known ?? (await deps.invitations.get(message.roundId, message.stratum, message.entryId));
  if (!invitation) return 'skipped';
  if (message.kind === 'invitation' && invitation.state !== 'drawn' && invitation.state !== 'queued') return 'skipped';
  if (message.kind === 'reminder' && (invitation.state !== 'sent' || invitation.optedOut)) return 'skipped';
  // The same reminder delivered twice (a queue's redelivery): the count moved on when it was sent.
  if (message.kind === 'reminder' && message.reminder !== undefined && invitation.reminders !== message.reminder) return 'skipped';
  const sealed = invitation.contactId ? await deps.invitations.sealedPhone(invitation.contactId) : undefined;
  if (!sealed) {
    // The number was purged (RECORD_PHONE_DAYS) since the freeze: a reminder simply does not go.
    if (message.kind !== 'invitation') return 'skipped';
    await deps.invitations.markFailed(invitation, 'no-number');
    return 'failed';
  }
  // Marked sent BEFORE it goes (a conditional update from the state it was queued in, or the
  // reminder count it was queued at): two deliveries of one message — a queue's redelivery, a
  // stale claim taken again — race here and only one sends. A crash between this and the SMS
  // loses that message (at most once: an invitation is never sent twice).
  if (!(await deps.invitations.markSent(invitation, message.kind, chinaDay(deps.now())))) return 'skipped';
  const openUntil = answerDeadline(config);
  const token = randomBytes(16).toString('base64url');
  const link: OpenRatingLink = {
    tokenHash: ratingLinkHash(token),
    purpose: 'sampling',
    unitId: invitation.unitId,
    roundId: round.roundId,
    stratum: invitation.stratum,
    entryId: invitation.entryId,
    openUntil,
    state: 'open',
    expiresAt: Math.ceil((Date.parse(openUntil) + LINK_KEEP_DAYS * DAY_MS) / 1000),
  };
  await deps.ratingLinks.issue(link);
  const url = invitationUrl(deps.publicBaseUrl, token);
  try {
    await deps.sms.send({ roundId: round.roundId, kind: message.kind, phone: await deps.sealer.open(sealed), text: messageText(config, url, message.kind), link: url, keepUntil: link.expiresAt });
  } catch (error) {
    // Recorded on the invitation (state failed, failure `sender`), never logged: the sender's error may
    // quote the number. An invitation that failed is not retried by itself; a failed reminder stays counted.
    if (message.kind === 'invitation') await deps.invitations.markFailed(invitation, 'sender');
    deps.onSendFailure?.(round.roundId, message.kind, error instanceof Error ? error.name : 'unknown');
    return message.kind === 'invitation' ? 'failed' : 'sent';
  }
  return 'sent';
}

/** Send messages (the sender Lambda's batch); each round read once. */
export async function deliverInvitations(deps: InvitationDeps, messages: readonly InvitationMessage[]): Promise<Map<string, Outcome>> {
  const rounds = new Map<string, RoundRecord | undefined>();
  for (const roundId of new Set(messages.map((message) => message.roundId))) rounds.set(roundId, await deps.rounds.get(roundId));
  const today = chinaDay(deps.now());
  const outcomes = new Map<string, Outcome>();
  await pool([...messages], SENDS_IN_FLIGHT, async (message) => {
    const round = rounds.get(message.roundId);
    // Only while the round is sending, never after its deadline (a queue may hold messages past either).
    if (!round || round.state !== 'sending' || (round.config as unknown as RoundConfig).deadline < today) return;
    outcomes.set(message.entryId, await deliverOne(deps, round, message));
  });
  return outcomes;
}

/**
 * Hand one step's messages on: each claimed first (two jobs at once never send one twice), then
 * to the queue, or sent now. Answers the invitations this job moved, as it moved them (by entry id).
 */
async function handOn(deps: InvitationDeps, round: RoundRecord, kind: InvitationKind, step: Invitation[]): Promise<Map<string, Invitation>> {
  const now = deps.now();
  const at = now.toISOString();
  const staleBefore = new Date(now.getTime() - CLAIM_STALE_MS).toISOString();
  const today = chinaDay(now);
  const claimed: InvitationMessage[] = [];
  const moved = new Map<string, Invitation>();
  await pool(step, SENDS_IN_FLIGHT, async (invitation) => {
    if (!(await deps.invitations.claim(invitation, kind, at, staleBefore))) return;
    const { roundId, stratum, entryId, reminders } = invitation;
    const message: InvitationMessage = { roundId, stratum, entryId, kind, ...(kind === 'reminder' ? { reminder: reminders } : {}) };
    const asClaimed: Invitation = { ...invitation, ...(kind === 'invitation' ? { state: 'queued' as const } : {}), claim: claimOf(kind, invitation), claimedAt: at };
    moved.set(entryId, asClaimed);
    if (deps.invitationQueue) {
      claimed.push(message);
      return;
    }
    // One machine: sent right after its claim, by the same worker (no second read, no wait for the step).
    const outcome = await deliverOne(deps, round, message, asClaimed);
    if (outcome === 'sent') moved.set(entryId, kind === 'invitation' ? { ...asClaimed, state: 'sent', lastSentDay: today } : { ...asClaimed, reminders: reminders + 1, lastSentDay: today });
    else if (outcome === 'failed') moved.set(entryId, { ...asClaimed, state: 'failed' });
  });
  if (deps.invitationQueue) await deps.invitationQueue.enqueue(claimed);
  return moved;
}

/** Whether a message of this invitation is claimed by a job that may still be handing it on. */
function claimedNow(invitation: Invitation, kind: InvitationKind, staleBefore: string): boolean {
  return invitation.claim === claimOf(kind, invitation) && (invitation.claimedAt ?? '') >= staleBefore;
}

async function runJob(
  deps: InvitationDeps,
  principal: Principal,
  round: RoundRecord,
  job: RoundSendProgress['job'],
  attempt: Attempt,
  all: readonly Invitation[],
  due: Invitation[],
  budgetMs: number,
): Promise<RoundSendProgress> {
  const started = performance.now();
  const kind: InvitationKind = job === 'send' ? 'invitation' : 'reminder';
  const month = chinaDay(deps.now()).slice(0, 7);
  const keepUntil = Math.ceil((deps.now().getTime() + QUARANTINE_KEEP_DAYS * DAY_MS) / 1000);
  let looked = 0;
  let done = 0;
  const moved = new Map<string, Invitation>();
  while (looked < due.length && performance.now() - started < budgetMs) {
    const step = due.slice(looked, looked + STEP);
    // Quarantined before the message goes: an invited person is never left out of it.
    if (kind === 'invitation') await deps.invitations.quarantine(round.roundId, month, step.map((invitation) => invitation.phoneKey), keepUntil);
    const handed = await handOn(deps, round, kind, step);
    for (const [entryId, invitation] of handed) moved.set(entryId, invitation);
    done += handed.size;
    looked += step.length;
  }
  // Where the invitations stand: as this call read them, with what it did (no second read of the whole sample).
  const now = all.map((invitation) => moved.get(invitation.entryId) ?? invitation);
  const answer = progress(job, now, done, due.length - looked, deps.invitationQueue ? 'sms' : deps.sms.kind);
  await record(deps, principal, attempt, 'ok', {
    unitId: round.unitId,
    detail: `${done} ${kind === 'invitation' ? 'invitations' : 'reminders'} handed on, ${answer.remaining} to go; sent ${answer.sent}, failed ${answer.failed}, responded ${answer.responded}`,
  });
  return answer;
}

function deadlineProblem(config: RoundConfig, today: string): ConflictError | undefined {
  return config.deadline < today ? new ConflictError('deadline', `the round's deadline (${config.deadline}) has passed: no message goes after it`) : undefined;
}

/** 已抽取 → 发送中, then the invitations of everyone drawn and not yet invited, for a time budget. */
export async function sendRound(deps: InvitationDeps, principal: Principal, roundId: string, options: { budgetMs?: number } = {}): Promise<RoundSendProgress> {
  const attempt: Attempt = { action: 'round.send', objectType: 'round', objectId: roundId };
  let { round } = await authorizeRound(deps, principal, 'sampling:manage', attempt);
  await refuseUnfinishedDraw(deps, principal, attempt, round);
  const problem = deadlineProblem(round.config as unknown as RoundConfig, chinaDay(deps.now()));
  if (problem && (round.state === 'drawn' || round.state === 'sending')) {
    await record(deps, principal, attempt, 'invalid', { unitId: round.unitId, detail: problem.message });
    throw problem;
  }
  if (round.state === 'drawn') {
    try {
      round = await deps.rounds.transition(round.roundId, ROUND_TRANSITIONS.send.from, { state: ROUND_TRANSITIONS.send.to, updatedAt: deps.now().toISOString() });
    } catch (error) {
      if (!(error instanceof RoundStateError)) throw error;
      // Another administrator's job started it a moment ago: this one joins it. Anything else (closed
      // meanwhile) is the step's own refusal: a 409 naming the state, audited.
      if (error.current !== 'sending') round = await stepRound(deps, principal, attempt, { ...round, state: error.current ?? round.state }, 'send', {});
      else round = { ...round, state: 'sending' };
    }
  } else if (round.state !== 'sending') {
    round = await stepRound(deps, principal, attempt, round, 'send', {});
  }
  const staleBefore = new Date(deps.now().getTime() - CLAIM_STALE_MS).toISOString();
  // Not yet sent: drawn, or queued by a job that died before handing it on (its claim gone stale).
  const all = await deps.invitations.list(roundId);
  const due = all.filter((invitation) => invitation.state === 'drawn' || (invitation.state === 'queued' && !claimedNow(invitation, 'invitation', staleBefore)));
  return runJob(deps, principal, round, 'send', attempt, all, due, options.budgetMs ?? JOB_BUDGET_MS);
}

/** Whether an invitation is due a reminder today: sent, unanswered, not opted out, its days passed. */
export function reminderDue(invitation: Invitation, config: Pick<RoundConfig, 'reminders'>, today: string): boolean {
  if (invitation.state !== 'sent' || invitation.optedOut || invitation.reminders >= config.reminders.count) return false;
  return invitation.lastSentDay !== undefined && addDays(invitation.lastSentDay, config.reminders.afterDays) <= today;
}

/** The reminders due today, to non-respondents only, for a time budget; only while 发送中 and before the deadline. */
export async function remindRound(deps: InvitationDeps, principal: Principal, roundId: string, options: { budgetMs?: number } = {}): Promise<RoundSendProgress> {
  const attempt: Attempt = { action: 'round.remind', objectType: 'round', objectId: roundId };
  const { round } = await authorizeRound(deps, principal, 'sampling:manage', attempt);
  const config = round.config as unknown as RoundConfig;
  const today = chinaDay(deps.now());
  const problem = round.state !== 'sending' ? new ConflictError('state', 'reminders go only while the round is 发送中') : deadlineProblem(config, today);
  if (problem) {
    await record(deps, principal, attempt, 'invalid', { unitId: round.unitId, detail: problem.message });
    throw problem;
  }
  const staleBefore = new Date(deps.now().getTime() - CLAIM_STALE_MS).toISOString();
  const all = await deps.invitations.list(roundId);
  const due = all.filter((invitation) => reminderDue(invitation, config, today) && !claimedNow(invitation, 'reminder', staleBefore));
  return runJob(deps, principal, round, 'remind', attempt, all, due, options.budgetMs ?? JOB_BUDGET_MS);
}

/** Newest first, at most this many: a round page lists the outbox, it does not page through it. */
export const OUTBOX_SHOWN = 500;

export async function roundOutbox(deps: InvitationDeps, principal: Principal, roundId: string): Promise<RoundOutbox> {
  const attempt: Attempt = { action: 'round.outbox', objectType: 'round', objectId: roundId };
  const { round } = await authorizeRound(deps, principal, 'sampling:manage', attempt);
  const sender = deps.invitationQueue ? 'sms' : deps.sms.kind;
  const messages = sender === 'outbox' ? await deps.invitations.outbox(round.roundId, OUTBOX_SHOWN) : [];
  await record(deps, principal, attempt, 'ok', { unitId: round.unitId, detail: `${messages.length} messages` });
  return { sender, messages };
}

type InvitationLink = OpenRatingLink & { roundId: string; stratum: string; entryId: string };

/** The open invitation behind a token, and its round still taking answers; the answers' errors otherwise. */
async function openInvitation(deps: InvitationDeps, token: string): Promise<{ link: InvitationLink; round: RoundRecord }> {
  const link = await deps.ratingLinks.get(ratingLinkHash(token));
  if (!link) throw new NotFoundError('token', 'invitation');
  if (link.state === 'used') throw new InvitationAnsweredError();
  if (link.purpose !== 'sampling' || !link.roundId || !link.stratum || !link.entryId) throw new NotFoundError('token', 'invitation');
  const round = await deps.rounds.get(link.roundId);
  if (!round || round.state !== 'sending' || link.openUntil < deps.now().toISOString()) throw new InvitationClosedError();
  return { link: link as InvitationLink, round };
}

/** The agency section a round asks after the national part, if it names one. */
async function roundSection(deps: InvitationDeps, config: RoundConfig): Promise<{ surveyId: string; version: number; unitId: string; title: string; questions: SurveyQuestion[] } | undefined> {
  if (!config.survey) return undefined;
  const found = await deps.surveys.getVersionById(config.survey.surveyId, config.survey.version);
  return found ? { surveyId: found.surveyId, version: found.version, unitId: found.unitId, title: found.title, questions: found.questions } : undefined;
}

export async function viewInvitation(deps: InvitationDeps, token: string): Promise<InvitationView> {
  const { link, round } = await openInvitation(deps, token);
  const config = round.config as unknown as RoundConfig;
  const [unit, section] = await Promise.all([deps.units.get(round.unitId), roundSection(deps, config)]);
  return {
    round: { name: config.name, unitName: unit?.name ?? round.unitId },
    openUntil: link.openUntil,
    survey: nationalSurveyCard(),
    ...(section ? { agencySection: section } : {}),
  };
}

/** Placeholder window code: the window rating's rules are reused for the answers alone. */
const NO_WINDOW = 'sampling';

export async function submitInvitationRating(deps: InvitationDeps & { randomId: () => string }, body: SubmitInvitationRatingInput): Promise<{ id: string }> {
  const { token, ...answers } = body;
  const { link, round } = await openInvitation(deps, token);
  // The window rating's own rules (差评 reasons, survey id and version together), so issues name the same fields.
  const parsed = SubmitRatingInput.safeParse({ ...answers, windowCode: NO_WINDOW });
  if (!parsed.success) {
    const issues = toFieldIssues(parsed.error);
    throw new ValidationError(issues.map((issue) => issue.message).join('; '), { issues });
  }
  const input = parsed.data;
  const section = await roundSection(deps, round.config as unknown as RoundConfig);
  const shown = section ?? { surveyId: NATIONAL_SURVEY.surveyId, version: NATIONAL_SURVEY.version, questions: [] };
  if (input.surveyId !== undefined && (input.surveyId !== shown.surveyId || input.surveyVersion !== shown.version)) {
    throw ValidationError.forField('surveyId', 'is not the survey of this round');
  }
  const checked = validateAnswers(shown.questions, input.answers ?? {});
  if (!checked.ok) {
    throw new ValidationError(checked.issues.map((issue) => `${issue.field}: ${issue.message}`).join('; '), {
      issues: checked.issues.map((issue) => ({ field: issue.field, message: `${issue.field}: ${issue.message}` })),
    });
  }
  const now = deps.now();
  const rating: RoundRating = {
    id: deps.randomId(),
    roundId: round.roundId,
    stratum: link.stratum,
    level: input.level,
    ...(input.indicators && Object.keys(input.indicators).length > 0 ? { indicators: input.indicators } : {}),
    ...(input.reasons?.length ? { reasons: input.reasons } : {}),
    ...(input.comment?.trim() ? { comment: input.comment.trim() } : {}),
    surveyId: shown.surveyId,
    surveyVersion: shown.version,
    ...(Object.keys(checked.answers).length > 0 ? { answers: checked.answers } : {}),
    channel: 'sampling',
  };
  try {
    await deps.invitations.storeAnswer({ rating, tokenHash: link.tokenHash, entryId: link.entryId, now });
    return { id: rating.id };
  } catch (error) {
    if (error instanceof RatingLinkUsedError || error instanceof InvitationAnsweredStoreError) throw new InvitationAnsweredError({ cause: error });
    if (error instanceof RatingLinkExpiredError || error instanceof RoundNotTakingAnswersError) throw new InvitationClosedError({ cause: error });
    if (error instanceof RatingLinkUnknownError) throw new NotFoundError('token', 'invitation');
    if (error instanceof AnswerBusyError) throw new AnswerBusyAppError({ cause: error });
    throw error;
  }
}

/** 退订: no further message of this round; an answered invitation has nothing left to stop. */
export async function optOutInvitation(deps: InvitationDeps, token: string): Promise<{ optedOut: true }> {
  try {
    const { link } = await openInvitation(deps, token);
    await deps.invitations.optOut(link.roundId, link.stratum, link.entryId);
  } catch (error) {
    if (!(error instanceof InvitationAnsweredError)) throw error;
  }
  return { optedOut: true };
}
