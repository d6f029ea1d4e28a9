import { describe, expect, it } from 'vitest';
import { afterFailure, isLocked, type ThrottleState } from './lockout.js';

const at = (hhmm: string) => new Date(`2026-11-22T${hhmm}:00.000Z`);
const failAt = (times: string[]) => times.reduce<ThrottleState | undefined>((state, t) => afterFailure(state, at(t)), undefined);

describe('lockout', () => {
  it('locks a username for 15 minutes at the 5th failure within 15 minutes', () => {
    const state = failAt(['09:00', '09:02', '09:05', '09:09', '09:14']);
    expect(state?.lockedUntil).toBe(at('09:29').toISOString());
    expect(isLocked(state, at('09:28'))).toBe(true);
    expect(isLocked(state, at('09:29'))).toBe(false);
  });

  it('does not lock after 4 failures', () => {
    expect(isLocked(failAt(['09:00', '09:01', '09:02', '09:03']), at('09:04'))).toBe(false);
  });

  it('starts a new series when the first failure is more than 15 minutes old', () => {
    const state = failAt(['09:00', '09:01', '09:02', '09:03', '09:16']);
    expect(state).toEqual({ failures: 1, firstFailureAt: at('09:16').toISOString() });
  });

  it('starts a new series after a lock has expired', () => {
    const state = failAt(['09:00', '09:01', '09:02', '09:03', '09:04', '09:30']);
    expect(state).toEqual({ failures: 1, firstFailureAt: at('09:30').toISOString() });
    expect(isLocked(state, at('09:31'))).toBe(false);
  });

  it('keeps the lock end fixed while failures continue during the lock', () => {
    const state = failAt(['09:00', '09:01', '09:02', '09:03', '09:04', '09:10']);
    expect(state?.lockedUntil).toBe(at('09:19').toISOString());
  });
});
