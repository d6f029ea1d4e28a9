import { describe, expect, it } from 'vitest';
import { afterFailure, delaySeconds, isLocked, secondsLeft, type ThrottleState } from './lockout.js';

const at = (hhmmss: string) => new Date(`2026-11-22T${hhmmss}.000Z`);
const failAt = (times: string[]) => times.reduce<ThrottleState | undefined>((state, t) => afterFailure(state, at(t)), undefined);

describe('failed-login delay per username (never a 15-minute lock)', () => {
  it('waits 1 s after the 5th failure within 15 minutes, then doubles, at most 60 s', () => {
    expect([1, 4, 5, 6, 7, 10, 11, 12, 100].map(delaySeconds)).toEqual([0, 0, 1, 2, 4, 32, 60, 60, 60]);
  });

  it('does not delay after 4 failures', () => {
    expect(isLocked(failAt(['09:00:00', '09:00:10', '09:00:20', '09:00:30']), at('09:00:31'))).toBe(false);
  });

  it('makes the username wait from the 5th failure, refusing even the right password meanwhile', () => {
    const state = failAt(['09:00:00', '09:00:10', '09:00:20', '09:00:30', '09:00:40']);
    expect(state?.lockedUntil).toBe(at('09:00:41').toISOString());
    expect(isLocked(state, at('09:00:40'))).toBe(true);
    expect(secondsLeft(state, at('09:00:40'))).toBe(1);
    expect(isLocked(state, at('09:00:41'))).toBe(false);
  });

  it('keeps the series (and the growing wait) going after a wait has passed, within 15 minutes of its first failure', () => {
    const state = failAt(['09:00:00', '09:00:10', '09:00:20', '09:00:30', '09:00:40', '09:00:45', '09:00:50']);
    expect(state?.failures).toBe(7);
    expect(state?.lockedUntil).toBe(at('09:00:54').toISOString());
  });

  it('never makes anyone wait more than a minute, however many failures', () => {
    const times = Array.from({ length: 14 }, (_, i) => `09:${String(i).padStart(2, '0')}:00`);
    const state = failAt(times);
    expect(state?.failures).toBe(14);
    expect(secondsLeft(state, at('09:13:00'))).toBe(60);
    expect(isLocked(state, at('09:14:00'))).toBe(false);
  });

  it('starts a new series when the first failure is more than 15 minutes old', () => {
    const state = failAt(['09:00:00', '09:01:00', '09:02:00', '09:03:00', '09:16:00']);
    expect(state).toEqual({ failures: 1, firstFailureAt: at('09:16:00').toISOString() });
  });
});
