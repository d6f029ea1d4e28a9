import { AppError } from '../errors.js';
import type { ThrottleState } from '../data/accounts.js';

export type { ThrottleState };

/**
 * Failed-login handling (GB/T 22239-2019 8.1.4.1 b: 登录失败处理功能) that no one can turn into a
 * denial of service (decision 0015-anti-stuffing).
 *
 * Per username TRIED (whether or not an account exists, so the answers never reveal which exist):
 * from the 5th failure within 15 minutes of the first failure of the series, every failure makes
 * the username wait before the next attempt: 1 s, 2 s, 4 s … doubling, at most 60 s. While it
 * waits even the right password is refused (429 with the seconds left). A successful login clears
 * the series. So an attacker with many addresses gets about one guess a minute per username, and
 * the account's owner waits at most a minute — never the 15 minutes anyone could once impose on
 * any account, admin included.
 *
 * Per client (keyed hash of the address, throttle/index.ts): 5 failures of one username from one
 * client, or 30 failures of any usernames from one client, refuse that client for the rest of
 * its 15-minute window — spraying from one place is stopped without touching anyone else.
 *
 * Example (one username): failures at 09:00:00, :10, :20, :30 → no wait; 09:00:40 (5th) → wait
 * until 09:00:41; 09:00:45 (6th) → until 09:00:47; … the 11th and later → 60 s each.
 */
export const LOCKOUT_POLICY = { delayFromFailure: 5, windowMinutes: 15, maxDelaySeconds: 60 } as const;

const minutes = (n: number) => n * 60_000;

/** The wait after the `failures`-th failure of a series, in seconds (0 before the 5th). */
export function delaySeconds(failures: number): number {
  if (failures < LOCKOUT_POLICY.delayFromFailure) return 0;
  return Math.min(2 ** (failures - LOCKOUT_POLICY.delayFromFailure), LOCKOUT_POLICY.maxDelaySeconds);
}

export function isLocked(state: ThrottleState | undefined, now: Date): boolean {
  return !!state?.lockedUntil && Date.parse(state.lockedUntil) > now.getTime();
}

/** Whole seconds until the username may try again (at least 1 while locked). */
export function secondsLeft(state: ThrottleState | undefined, now: Date): number {
  return state?.lockedUntil ? Math.max(1, Math.ceil((Date.parse(state.lockedUntil) - now.getTime()) / 1000)) : 0;
}

/** The state after one more failure at `now`. */
export function afterFailure(state: ThrottleState | undefined, now: Date): ThrottleState {
  const seriesOver = !state || now.getTime() - Date.parse(state.firstFailureAt) > minutes(LOCKOUT_POLICY.windowMinutes);
  const failures = seriesOver ? 1 : state.failures + 1;
  const next: ThrottleState = { failures, firstFailureAt: seriesOver ? now.toISOString() : state.firstFailureAt };
  const wait = delaySeconds(failures);
  if (wait > 0) next.lockedUntil = new Date(now.getTime() + wait * 1000).toISOString();
  return next;
}

/** 429, the same for every username: it says nothing about whether the account exists. */
export class LockedOutError extends AppError {
  override name = 'LockedOutError';
  override readonly statusCode = 429;
  override readonly code = 'LOCKED_OUT';
  override readonly expose = true;
  constructor(readonly retryAfterSeconds: number) {
    const message = `too many failed logins; try again in ${retryAfterSeconds} seconds`;
    super(`username: ${message}`, { issues: [{ field: 'username', message: `username: ${message}` }] });
  }
}
