import { createHash } from 'node:crypto';
import type { SubmitRatingInput } from '#shared/contracts/rating.js';
import { chinaDay } from '#shared/domain/china-time.js';
import { validateAnswers } from '#shared/domain/survey-answers.js';
import type { ContactSealer } from '../data/contact-sealer.js';
import type { WindowStore } from '../data/windows.js';
import { IdempotencyKeyUsedError, type RatingStore, type StoredRating } from '../data/ratings.js';
import { ConflictError, IdempotencyMismatchError, NotFoundError, ValidationError } from '../errors.js';
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
function dayBoundaryAfter(seconds: number): number {
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
 * 一次一评: store one rating of a window exactly once and count it in the window's running totals
 * for the China-time day. With an idempotency key, a repeat of the same request returns the first
 * result and stores nothing; a different body under the same key is refused.
 */
export async function submitRating(
  deps: SubmitRatingDeps,
  input: SubmitRatingInput,
  options: { idempotencyKey?: string | undefined } = {},
): Promise<{ id: string; replayed: boolean }> {
  const window = await deps.windows.get(input.windowCode);
  if (!window) throw new NotFoundError('windowCode', 'window');
  if (!window.active) throw new ConflictError('windowCode', 'this window is not collecting ratings');

  // The item must be one the window offers now: a free-text item would split the report's
  // breakdown into spellings, and anything a resident can type must not become a report row.
  if (input.serviceItem !== undefined && !(window.serviceItems ?? []).some((item) => item.name === input.serviceItem)) {
    throw ValidationError.forField('serviceItem', "must be one of the window's service items");
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
    staffIds: window.staffOnDutyIds,
    day: chinaDay(now),
    level: input.level,
    ...(input.serviceItem !== undefined ? { serviceItem: input.serviceItem } : {}),
    ...(input.indicators && Object.keys(input.indicators).length > 0 ? { indicators: input.indicators } : {}),
    ...(input.reasons?.length ? { reasons: input.reasons } : {}),
    ...(input.comment?.trim() ? { comment: input.comment.trim() } : {}),
    surveyId: survey.surveyId,
    surveyVersion: survey.version,
    ...(Object.keys(checked.answers).length > 0 ? { answers: checked.answers } : {}),
    channel: 'window-qr',
    trust: 'poster',
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

  try {
    await deps.ratings.store({ rating, ...(contact ? { contact } : {}), ...(idempotency ? { idempotency } : {}) });
    return { id: rating.id, replayed: false };
  } catch (error) {
    if (!(error instanceof IdempotencyKeyUsedError) || !idempotency) throw error;
    if (error.existing.fingerprint !== idempotency.fingerprint) throw new IdempotencyMismatchError();
    return { id: error.existing.ratingId, replayed: true };
  }
}
