import { createHash } from 'node:crypto';
import type { SubmitRatingInput } from '#shared/contracts/rating.js';
import { chinaDay } from '#shared/domain/china-time.js';
import { caseOpening } from '#shared/domain/cases/case-opening.js';
import { opensCase } from '#shared/domain/cases/case-state.js';
import type { CaseDeadlines } from '#shared/domain/cases/deadlines.js';
import { validateAnswers } from '#shared/domain/survey-answers.js';
import type { ContactSealer } from '../data/contact-sealer.js';
import type { LinkRates } from '../data/rating-links.js';
import type { WindowStore } from '../data/windows.js';
import { IdempotencyKeyUsedError, RatingWriteConflictError, type RatingStore, type StoredRating } from '../data/ratings.js';
import { ClientLimitError, DeviceSlotTakenError } from '../data/throttle.js';
import { ratingAdmission, type Requester, type Throttle } from '../throttle/index.js';
import type { BurstWatch } from '../throttle/burst.js';
import { ConflictError, ForbiddenError, IdempotencyMismatchError, RatingBusyAppError, NotFoundError, RatedRecentlyError, TooManyRequestsError, ValidationError } from '../errors.js';
import { record, type AccessDeps } from '../access/index.js';
import type { Principal } from '../auth/principal.js';
import { answeredSurvey, type ShownSurveyDeps } from './surveys/shown-survey.js';

export interface SubmitRatingDeps extends Pick<ShownSurveyDeps, 'units'> {
  windows: Pick<WindowStore, 'get'>;
  /**
   * Agency sections. Without it (the ingestion benchmark) every window shows the national part
   * only, so any custom answer is refused as an unknown question: never accepted unchecked.
   */
  surveys?: ShownSurveyDeps['surveys'];
  ratings: Pick<RatingStore, 'store'>;
  sealer: ContactSealer;
  now: () => Date;
  randomId: () => string;
  /** Anti-stuffing: one rating per device and window per interval, a per-client limit. Absent: none (the bare benchmark). */
  throttle?: Throttle;
  /** The burst detector: past a window's threshold for the hour a rating is stored as 可疑. Absent: none (the seed). */
  burst?: BurstWatch;
  /** The 差评 deadlines of the window's unit (its own or inherited; decision 0028). Absent: the defaults. */
  caseDeadlines?: ((path: readonly string[]) => Promise<CaseDeadlines>) | undefined;
}

/** How long an Idempotency-Key is remembered, and how long a 回访 contact is kept. */
export const IDEMPOTENCY_TTL_SECONDS = 24 * 3600;
export const CONTACT_RETENTION_DAYS = 90;

/** Canonical JSON (sorted keys) so that the same answers in another key order are the same request. */
export function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** The next UTC midnight at or after an instant, in Unix seconds. */
export function dayBoundaryAfter(seconds: number): number {
  return Math.ceil(seconds / 86_400) * 86_400;
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/**
 * What makes a retry "the same request" under an Idempotency-Key: the answers, never the phone
 * number. A hash of anything holding the number could be reversed by trying every mobile number
 * (10^10, about 36 s on one core), so only whether a number was given goes in; a retry with
 * another number under the same key replays the first answer. Claims made before this change
 * expire within a day (IDEMPOTENCY_TTL_SECONDS).
 */
export function fingerprint(input: SubmitRatingInput): string {
  const { contactPhone, ...answers } = input;
  return sha256(canonical({ ...answers, hasContact: contactPhone !== undefined && contactPhone !== '' }));
}

/**
 * Self-rating: a browser signed in as staff or an administrator cannot rate (the web server sends
 * its session with the rating). The attempt is refused, writes no rating and is counted in the audit
 * log under the account, the window and the day: an auditor counts them (action `rating.self-refused`).
 */
export async function refuseStaffRating(deps: AccessDeps, principal: Principal, windowCode: string): Promise<never> {
  await record(deps, principal, { action: 'rating.self-refused', objectType: 'window', objectId: windowCode, unitId: principal.unitId }, 'denied', {
    detail: 'a signed-in account tried to rate a window',
  });
  throw new ForbiddenError('authorization: an account that is signed in cannot rate a window; sign out first', {
    issues: [{ field: 'authorization', message: 'authorization: an account that is signed in cannot rate a window; sign out first' }],
  });
}

/**
 * 一次一评: store one rating of a window exactly once and count it in the window's running totals
 * for the China-time day. With an idempotency key, a repeat of the same request returns the first
 * result and stores nothing; a different body under the same key is refused.
 */
export async function submitRating(
  deps: SubmitRatingDeps,
  input: SubmitRatingInput,
  options: {
    idempotencyKey?: string | undefined;
    requester?: Requester;
    /** A 办件's one-time link (decision 0020): consumed in the rating's transaction; the rating gets channel service-record. */
    link?: { tokenHash: string; rates?: LinkRates | undefined };
  } = {},
): Promise<{ id: string; replayed: boolean }> {
  const window = await deps.windows.get(input.windowCode);
  if (!window) throw new NotFoundError('windowCode', 'window');
  if (!window.active) throw new ConflictError('windowCode', 'this window is not collecting ratings');

  // The item must be one the window offers now: a free-text item would split the report's
  // breakdown into spellings, and anything a resident can type must not become a report row.
  if (input.serviceItem !== undefined && !(window.serviceItems ?? []).some((item) => item.name === input.serviceItem)) {
    throw ValidationError.forField('serviceItem', "must be one of the window's service items");
  }
  // Attribution (docs/decisions/0012-attribution.md): the resident may name who served them, and
  // only someone on duty at this window now; the rating counts for that one person, never for
  // everyone on duty.
  if (input.staffId !== undefined && !window.staffOnDutyIds.includes(input.staffId)) {
    throw ValidationError.forField('staffId', 'must be one of the staff on duty at this window');
  }

  // Custom answers are checked against the version the resident was shown, never trusted as sent.
  const survey = await answeredSurvey(deps, window, input);
  const checked = validateAnswers(survey.questions, input.answers ?? {});
  if (!checked.ok) {
    throw new ValidationError(checked.issues.map((i) => `${i.field}: ${i.message}`).join('; '), {
      issues: checked.issues.map((i) => ({ field: i.field, message: `${i.field}: ${i.message}` })),
    });
  }

  const now = deps.now();
  const rating: StoredRating = {
    id: deps.randomId(),
    windowCode: window.code,
    unitId: window.unitId,
    hallId: window.hallId,
    ...(input.staffId !== undefined ? { servedBy: input.staffId } : {}),
    day: chinaDay(now),
    level: input.level,
    ...(input.serviceItem !== undefined ? { serviceItem: input.serviceItem } : {}),
    ...(input.indicators && Object.keys(input.indicators).length > 0 ? { indicators: input.indicators } : {}),
    ...(input.reasons?.length ? { reasons: input.reasons } : {}),
    ...(input.comment?.trim() ? { comment: input.comment.trim() } : {}),
    surveyId: survey.surveyId,
    surveyVersion: survey.version,
    ...(Object.keys(checked.answers).length > 0 ? { answers: checked.answers } : {}),
    channel: options.link ? 'service-record' : 'window-qr',
    trust: options.link ? 'service-record' : 'poster',
    hasContact: Boolean(input.contactPhone),
  };

  const nowSeconds = Math.floor(now.getTime() / 1000);
  const contact = input.contactPhone
    ? {
        contactId: deps.randomId(),
        ratingId: rating.id,
        windowCode: window.code,
        sealedPhone: await deps.sealer.seal(input.contactPhone),
        expiresAt: dayBoundaryAfter(nowSeconds + CONTACT_RETENTION_DAYS * 86_400),
      }
    : undefined;
  // The claim sits next to a rating id, so its expiry is rounded to a day boundary: an exact
  // "submitted at + 24 h" would store the rating's submission time to the second.
  const idempotency = options.idempotencyKey
    ? { keyHash: sha256(options.idempotencyKey), fingerprint: fingerprint(input), expiresAt: dayBoundaryAfter(nowSeconds + IDEMPOTENCY_TTL_SECONDS) }
    : undefined;

  const [admission, burst] = await Promise.all([
    deps.throttle && options.requester ? ratingAdmission(deps.throttle, options.requester, window.code, now) : undefined,
    deps.burst?.check(window.code, now),
  ]);

  // A 差评 opens its case, due for verification as its unit's deadlines say (decision 0028).
  const opening = opensCase(rating.level) ? caseOpening(rating.level, rating.day, deps.caseDeadlines ? (await deps.caseDeadlines(window.unitPath ?? [window.unitId])).verify : undefined) : undefined;
  try {
    // Whether the rating was stored as 可疑 is not said to the resident: it would tell a script the threshold.
    await deps.ratings.store({
      rating,
      ...(contact ? { contact } : {}),
      ...(idempotency ? { idempotency } : {}),
      ...(admission ? { admission } : {}),
      ...(burst ? { burst } : {}),
      ...(options.link ? { link: { tokenHash: options.link.tokenHash, now, rates: options.link.rates } } : {}),
      // A 差评 opens its case (issue 15 §1), in the rating's transaction.
      ...(opening ? { opensCase: opening } : {}),
      now,
    });
    return { id: rating.id, replayed: false };
  } catch (error) {
    const policy = deps.throttle?.policy;
    if (error instanceof DeviceSlotTakenError && policy) throw new RatedRecentlyError(Math.round(policy.ratingIntervalSeconds / 60));
    if (error instanceof ClientLimitError && policy) throw new TooManyRequestsError('client', Math.ceil(policy.clientWindowSeconds / 60));
    // Past the store's retries on a busy window: a 503 the resident can answer by sending again, never a 500.
    if (error instanceof RatingWriteConflictError) throw new RatingBusyAppError({ cause: error });
    if (!(error instanceof IdempotencyKeyUsedError) || !idempotency) throw error;
    if (error.existing.fingerprint !== idempotency.fingerprint) throw new IdempotencyMismatchError();
    return { id: error.existing.ratingId, replayed: true };
  }
}
