import { AppError } from '../errors.js';
import type { ThrottleState } from '../data/accounts.js';

export type { ThrottleState };

/**
 * Lockout after repeated failed logins (GB/T 22239-2019 8.1.4.1 b: 登录失败处理功能).
 *
 * Rule: 5 failed attempts for the same username within 15 minutes of the first failure of the
 * series lock that username for 15 minutes. It is counted per username TRIED, whether or not an
 * account exists, so an unknown username locks exactly like a real one and the answers never
 * reveal which usernames exist. While locked, even the right password is refused. A successful
 * login clears the series. Example: failures at 09:00, 09:02, 09:05, 09:09, 09:14 → locked until
 * 09:29; failures at 09:00 … 09:12 (4) and 09:16 → a new series starts at 09:16 (the first expired).
 */
export const LOCKOUT_POLICY = { maxFailures: 5, windowMinutes: 15, lockMinutes: 15 } as const;

const minutes = (n: number) => n * 60_000;

export function isLocked(state: ThrottleState | undefined, now: Date): boolean {
  return !!state?.lockedUntil && Date.parse(state.lockedUntil) > now.getTime();
}

/** The state after one more failure at `now`. */
export function afterFailure(state: ThrottleState | undefined, now: Date): ThrottleState {
  const seriesOver =
    !state ||
    (state.lockedUntil !== undefined && Date.parse(state.lockedUntil) <= now.getTime()) ||
    (state.lockedUntil === undefined && now.getTime() - Date.parse(state.firstFailureAt) > minutes(LOCKOUT_POLICY.windowMinutes));
  const next: ThrottleState = seriesOver
    ? { failures: 1, firstFailureAt: now.toISOString() }
    : { failures: state.failures + 1, firstFailureAt: state.firstFailureAt, ...(state.lockedUntil ? { lockedUntil: state.lockedUntil } : {}) };
  if (!next.lockedUntil && next.failures >= LOCKOUT_POLICY.maxFailures) {
    next.lockedUntil = new Date(now.getTime() + minutes(LOCKOUT_POLICY.lockMinutes)).toISOString();
  }
  return next;
}

/** 429, the same for every username: it says nothing about whether the account exists. */
export class LockedOutError extends AppError {
  override name = 'LockedOutError';
  override readonly statusCode = 429;
  override readonly code = 'LOCKED_OUT';
  override readonly expose = true;
  constructor() {
    const message = `too many failed logins; try again in ${LOCKOUT_POLICY.lockMinutes} minutes`;
    super(`username: ${message}`, { issues: [{ field: 'username', message: `username: ${message}` }] });
  }
}
