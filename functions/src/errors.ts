import type { FieldIssue } from '#shared/contracts/errors.js';

/**
 * Errors the use cases throw. Each carries the HTTP status it maps to and whether its message may
 * be shown to the caller (middy's `statusCode` / `expose` convention). The one mapping to an HTTP
 * response is middleware/error-handler.ts.
 */
export class AppError extends Error {
  readonly statusCode: number = 500;
  readonly code: string = 'INTERNAL';
  readonly expose: boolean = false;
  readonly issues: FieldIssue[] | undefined;
  constructor(message: string, options?: { cause?: unknown; issues?: FieldIssue[] }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.issues = options?.issues;
  }
}

function fieldError(field: string, message: string): { issues: FieldIssue[] } {
  return { issues: [{ field, message: `${field}: ${message}` }] };
}

export class ValidationError extends AppError {
  override name = 'ValidationError';
  override readonly statusCode = 400;
  override readonly code = 'VALIDATION_FAILED';
  override readonly expose = true;
  static forField(field: string, message: string): ValidationError {
    return new ValidationError(`${field}: ${message}`, fieldError(field, message));
  }
}

export class PayloadTooLargeError extends AppError {
  override name = 'PayloadTooLargeError';
  override readonly statusCode = 413;
  override readonly code = 'PAYLOAD_TOO_LARGE';
  override readonly expose = true;
  /** `otherwise`: what the caller can do instead (the operation's largeBody), appended to the message. */
  constructor(limit: number, otherwise?: string) {
    const message = `must be at most ${limit} bytes${otherwise ? `; ${otherwise}` : ''}`;
    super(`body: ${message}`, fieldError('body', message));
  }
}

export class UnsupportedMediaTypeError extends AppError {
  override name = 'UnsupportedMediaTypeError';
  override readonly statusCode = 415;
  override readonly code = 'UNSUPPORTED_MEDIA_TYPE';
  override readonly expose = true;
  constructor() {
    super('body: Content-Type must be application/json', fieldError('body', 'Content-Type must be application/json'));
  }
}

/** 429 (anti-stuffing, decision 0015): this device rated this window within the interval; the resident page says 您刚刚已评价过本窗口. */
export class RatedRecentlyError extends AppError {
  override name = 'RatedRecentlyError';
  override readonly statusCode = 429;
  override readonly code = 'RATED_RECENTLY';
  override readonly expose = true;
  constructor(minutes: number) {
    const message = `this device already rated this window within the last ${minutes} minutes`;
    super(`windowCode: ${message}`, fieldError('windowCode', message));
  }
}

/** 429 (anti-stuffing, decision 0015): too many requests from one client (keyed address) in the current window. */
export class TooManyRequestsError extends AppError {
  override name = 'TooManyRequestsError';
  override readonly statusCode = 429;
  override readonly code = 'TOO_MANY_REQUESTS';
  override readonly expose = true;
  constructor(field: string, minutes: number) {
    const message = `too many requests from this network; try again in up to ${minutes} minutes`;
    super(`${field}: ${message}`, fieldError(field, message));
  }
}

export class NotFoundError extends AppError {
  override name = 'NotFoundError';
  override readonly statusCode = 404;
  override readonly code = 'NOT_FOUND';
  override readonly expose = true;
  constructor(field: string, what: string) {
    super(`${field}: no such ${what}`, fieldError(field, `no such ${what}`));
  }
}

export class ConflictError extends AppError {
  override name = 'ConflictError';
  override readonly statusCode = 409;
  override readonly code = 'CONFLICT';
  override readonly expose = true;
  constructor(field: string, message: string) {
    super(`${field}: ${message}`, fieldError(field, message));
  }
}

export class IdempotencyMismatchError extends AppError {
  override name = 'IdempotencyMismatchError';
  override readonly statusCode = 422;
  override readonly code = 'IDEMPOTENCY_KEY_REUSED';
  override readonly expose = true;
  constructor() {
    const message = 'was already used with a different body';
    super(`Idempotency-Key: ${message}`, fieldError('Idempotency-Key', message));
  }
}

export class UnauthorizedError extends AppError {
  override name = 'UnauthorizedError';
  override readonly statusCode = 401;
  override readonly code = 'UNAUTHORIZED';
  override readonly expose = true;
  constructor(message = 'Authorization: a valid bearer token is required', options?: { cause?: unknown; field?: string }) {
    super(message, { cause: options?.cause, issues: [{ field: options?.field ?? 'Authorization', message }] });
  }
}

export class ForbiddenError extends AppError {
  override name = 'ForbiddenError';
  override readonly statusCode = 403;
  override readonly code = 'FORBIDDEN';
  override readonly expose = true;
}

/** 409 (decision 0020): the one-time rating link was used; its rating is stored. */
export class RatingLinkUsedAppError extends AppError {
  override name = 'RatingLinkUsedAppError';
  override readonly statusCode = 409;
  override readonly code = 'RATING_LINK_USED';
  override readonly expose = true;
  constructor(options?: { cause?: unknown }) {
    super('token: 本次办件已评价', { ...options, issues: [{ field: 'token', message: 'token: 本次办件已评价' }] });
  }
}

/** 410 Gone (decision 0020): the 补评 period of the link is over, for good. */
/** 本次回访已记录: a 回访 link was answered, or its case moved on (issue 15 §2). */
export class RecoveryLinkUsedAppError extends AppError {
  override name = 'RecoveryLinkUsedAppError';
  override readonly statusCode = 409;
  override readonly code = 'RECOVERY_LINK_USED';
  override readonly expose = true;
  constructor(options?: { cause?: unknown }) {
    super('token: 本次回访已记录', { ...options, issues: [{ field: 'token', message: 'token: 本次回访已记录' }] });
  }
}

/** 回访期已过: the link's days are over. */
export class RecoveryLinkExpiredAppError extends AppError {
  override name = 'RecoveryLinkExpiredAppError';
  override readonly statusCode = 410;
  override readonly code = 'RECOVERY_LINK_EXPIRED';
  override readonly expose = true;
  constructor(options?: { cause?: unknown }) {
    super('token: 回访期已过', { ...options, issues: [{ field: 'token', message: 'token: 回访期已过' }] });
  }
}

export class RatingLinkExpiredAppError extends AppError {
  override name = 'RatingLinkExpiredAppError';
  override readonly statusCode = 410;
  override readonly code = 'RATING_LINK_EXPIRED';
  override readonly expose = true;
  constructor(options?: { cause?: unknown }) {
    super('token: 评价期已过', { ...options, issues: [{ field: 'token', message: 'token: 评价期已过' }] });
  }
}

/** A rating that kept meeting others on the same window's totals after its retries: nothing was written; sending it again works. */
export class RatingBusyAppError extends AppError {
  override name = 'RatingBusyAppError';
  override readonly statusCode = 503;
  override readonly code = 'BUSY';
  override readonly expose = true;
  constructor(options?: { cause?: unknown }) {
    super('提交的人较多，您的评价未保存，请稍后再提交一次', options);
  }
}

/** An answer that kept meeting others on the same items: nothing was written; sending it again works. */
export class AnswerBusyAppError extends AppError {
  override name = 'AnswerBusyAppError';
  override readonly statusCode = 503;
  override readonly code = 'BUSY';
  override readonly expose = true;
  constructor(options?: { cause?: unknown }) {
    super('token: 提交的人较多，您的评价未保存，请稍后再提交一次', { ...options, issues: [{ field: 'token', message: 'token: 提交的人较多，您的评价未保存，请稍后再提交一次' }] });
  }
}

/** 票码 (decision 0027): an unknown code — the same words whether it never existed or belongs to another round. */
export class BallotCodeUnknownError extends AppError {
  override name = 'BallotCodeUnknownError';
  override readonly statusCode = 404;
  override readonly code = 'BALLOT_CODE_UNKNOWN';
  override readonly expose = true;
  constructor() {
    super('code: 不是有效的票码，请核对后重新输入', { issues: [{ field: 'code', message: 'code: 不是有效的票码，请核对后重新输入' }] });
  }
}

/** A code that cast its ballot already: 此票码已使用 (after a retry of one's own vote, it was counted). */
export class BallotCodeUsedError extends AppError {
  override name = 'BallotCodeUsedError';
  override readonly statusCode = 409;
  override readonly code = 'BALLOT_CODE_USED';
  override readonly expose = true;
  constructor() {
    super('code: 此票码已使用', { issues: [{ field: 'code', message: 'code: 此票码已使用' }] });
  }
}

/** The campaign is not open for voting (closed, or not yet open): 评议已截止. */
export class CampaignClosedError extends AppError {
  override name = 'CampaignClosedError';
  override readonly statusCode = 410;
  override readonly code = 'CAMPAIGN_CLOSED';
  override readonly expose = true;
  constructor() {
    super('code: 评议已截止', { issues: [{ field: 'code', message: 'code: 评议已截止' }] });
  }
}

/** A code of a round that was voted again (重新投票): its slips are void; the new round has new codes. */
export class BallotRoundSupersededError extends AppError {
  override name = 'BallotRoundSupersededError';
  override readonly statusCode = 410;
  override readonly code = 'ROUND_SUPERSEDED';
  override readonly expose = true;
  constructor() {
    super('code: 此票码所属的一轮评议已作废，请使用重新发放的票码', { issues: [{ field: 'code', message: 'code: 此票码所属的一轮评议已作废，请使用重新发放的票码' }] });
  }
}

/** An invitation answered already (with this link or a reminder's): 已评价. */
export class InvitationAnsweredError extends AppError {
  override name = 'InvitationAnsweredError';
  override readonly statusCode = 409;
  override readonly code = 'INVITATION_ANSWERED';
  override readonly expose = true;
  constructor(options?: { cause?: unknown }) {
    super('token: 您已参加本次测评，感谢支持', { ...options, issues: [{ field: 'token', message: 'token: 您已参加本次测评，感谢支持' }] });
  }
}

/** The round's deadline passed or it was closed: 测评已截止. */
export class InvitationClosedError extends AppError {
  override name = 'InvitationClosedError';
  override readonly statusCode = 410;
  override readonly code = 'INVITATION_CLOSED';
  override readonly expose = true;
  constructor(options?: { cause?: unknown }) {
    super('token: 本次测评已截止', { ...options, issues: [{ field: 'token', message: 'token: 本次测评已截止' }] });
  }
}
