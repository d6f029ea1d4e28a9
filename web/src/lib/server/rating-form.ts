import { randomUUID } from 'node:crypto';
import type { FieldIssue } from '#shared/contracts/errors.js';
import { IdempotencyKey, personalNumberIn } from '#shared/contracts/rating.js';
import { format, type Messages } from '$lib/i18n';
import type { RatingRequestBody } from './api';

/**
 * The resident's rating form: what the browser posted, turned into the API's JSON body, and the
 * API's field issues turned back into messages next to the fields. Input names are the API's
 * field paths (`level`, `indicators.efficiency`, `reasons`, …) so that an issue finds its field.
 */
export interface RatingFormValues {
  level: string;
  /** Indicator code → chosen level, as posted ('' when skipped). */
  indicators: Record<string, string>;
  reasons: string[];
  comment: string;
  /** The service item's name as posted ('' when none was chosen). */
  serviceItem: string;
  /** The id of the staff member the resident said served them ('' for 不确定 / 未注意). */
  staffId: string;
  contactPhone: string;
  consentToCallback: boolean;
  idempotencyKey: string;
}

/** Field path (as the inputs are named) → message to show next to it. */
export type RatingFormErrors = Record<string, string>;

// Hostile or broken clients can post anything; what is echoed back into the page is clamped so a
// huge post cannot make a huge page. The API applies the real limits and names the field.
const ECHO_LIMIT = 2_000;
const MAX_LIST = 16;

function text(form: FormData, name: string, limit = ECHO_LIMIT): string {
  const value = form.get(name);
  return typeof value === 'string' ? value.slice(0, limit) : '';
}

export function readRatingForm(form: FormData): RatingFormValues {
  const indicators: Record<string, string> = {};
  for (const [name, value] of form) {
    const match = /^indicators\.([a-zA-Z]{1,32})$/.exec(name);
    if (match && typeof value === 'string' && Object.keys(indicators).length < MAX_LIST) indicators[match[1]!] = value.slice(0, 8);
  }
  const reasons = form
    .getAll('reasons')
    .filter((value): value is string => typeof value === 'string')
    .slice(0, MAX_LIST)
    .map((value) => value.slice(0, 64));
  const key = text(form, 'idempotencyKey', 200);
  return {
    level: text(form, 'level', 8),
    indicators,
    reasons: [...new Set(reasons)],
    comment: text(form, 'comment'),
    serviceItem: text(form, 'serviceItem', 200),
    staffId: text(form, 'staffId', 80),
    contactPhone: text(form, 'contactPhone', 64),
    consentToCallback: form.get('consentToCallback') !== null,
    // Without a usable key (a hand-made post), a fresh one still protects this request's retries.
    idempotencyKey: IdempotencyKey.safeParse(key).success ? key : randomUUID(),
  };
}

/** '5' → 5; anything else is passed on as typed so that the API names the field. */
function level(value: string): number | string {
  return /^\d{1,2}$/.test(value) ? Number(value) : value;
}

/** Browsers submit textarea line breaks as CRLF; count them as one character, as maxlength did. */
function normalizeComment(comment: string): string {
  return comment.replace(/\r\n?/g, '\n').trim();
}

/** Only what the resident filled in goes into the body. */
export function toRequestBody(windowCode: string, values: RatingFormValues): RatingRequestBody {
  const body: RatingRequestBody = { windowCode };
  if (values.level !== '') body.level = level(values.level);
  const indicators = Object.entries(values.indicators).filter(([, value]) => value !== '');
  if (indicators.length > 0) body.indicators = Object.fromEntries(indicators.map(([code, value]) => [code, level(value)]));
  if (values.reasons.length > 0) body.reasons = values.reasons;
  const comment = normalizeComment(values.comment);
  if (comment !== '') body.comment = comment;
  if (values.serviceItem !== '') body.serviceItem = values.serviceItem;
  if (values.staffId !== '') body.staffId = values.staffId;
  // People write numbers in groups: 138 0013 8000 or 138-0013-8000.
  const phone = values.contactPhone.replace(/[\s-]/g, '');
  if (phone !== '') body.contactPhone = phone;
  if (values.consentToCallback) body.consentToCallback = true;
  return body;
}

/**
 * Map the API's issues (`{ field: 'contactPhone', message: 'contactPhone: …' }`) to messages in
 * the resident's language. Issues about no particular field become one general message.
 */
export function ratingFormErrors(
  issues: FieldIssue[] | undefined,
  values: RatingFormValues,
  t: Messages['ratingErrors'],
  commentMaxLength: number,
): { errors: RatingFormErrors; message?: string } {
  const errors: RatingFormErrors = {};
  let general = false;
  for (const { field } of issues ?? []) {
    const [head, sub] = field.split('.');
    if (head === 'level') errors.level = t.levelRequired;
    else if (head === 'indicators' && sub && sub in values.indicators) errors[`indicators.${sub}`] = t.indicatorInvalid;
    else if (head === 'reasons') errors.reasons = Number(values.level) > 2 ? t.reasonsOnlyForBad : t.invalid;
    else if (head === 'comment') {
      const comment = normalizeComment(values.comment);
      errors.comment = comment.length > commentMaxLength ? format(t.commentTooLong, { max: commentMaxLength }) : personalNumberIn(comment) ? t.commentHasNumber : t.commentInvalid;
    } else if (head === 'serviceItem') errors.serviceItem = t.serviceItemInvalid;
    else if (head === 'staffId') errors.staffId = t.servedByInvalid;
    else if (head === 'contactPhone') errors.contactPhone = t.phoneInvalid;
    else if (head === 'consentToCallback') errors.consentToCallback = t.consentRequired;
    else general = true;
  }
  const none = Object.keys(errors).length === 0;
  return general || none ? { errors, message: t.invalid } : { errors };
}
