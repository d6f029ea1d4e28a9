import { addDays, chinaDay } from '../../shared/src/domain/china-time.js';

/**
 * Clocks and days for tests that store something and then look for it by China-time day.
 *
 * Business days are China time (Asia/Shanghai, UTC+8): the day, and at a month's end the month,
 * changes at 16:00 UTC. A test that works out "today" once and stores ratings or audit entries
 * later finds nothing when a run crosses that instant. Two remedies:
 *
 * - Integration tests pin their runtime's clock (`isolatedTables(endpoint, { now: pinnedClock() })`)
 *   and take every day and month from the same clock: handlers and test then agree, whatever the
 *   wall clock does.
 * - Browser tests talk to a stack that runs on the wall clock. They take the day when they act, and
 *   ask for a range that holds every day the action can have landed on (`daysFrom`), or take the
 *   period from what the server answered.
 */

/**
 * 12:00 in Beijing (04:00 UTC) on Wednesday 18 November 2026: twelve hours from either day change,
 * in the middle of a month. Session tokens the test issues itself with `new Date()` stay valid;
 * tokens the handlers issue on this clock are already expired for the wall clock, so a test that
 * logs in through the handlers needs a clock near the wall clock (e.g. `frozenClock()`).
 */
export const PINNED_INSTANT = new Date('2026-11-18T04:00:00.000Z');

/**
 * A clock that shows `start` now and then runs at the wall clock's pace: instants stay distinct
 * and ordered (audit entries sort by time), and from PINNED_INSTANT the China day stays the same
 * for twelve hours, far longer than any test file runs.
 */
export function pinnedClock(start: Date = PINNED_INSTANT): () => Date {
  const offset = start.getTime() - Date.now();
  return () => new Date(Date.now() + offset);
}

/**
 * A clock that stands still at `at` (by default the instant it was made, near the wall clock, so
 * tokens the handlers issue on it are valid): the day never changes, and neither does the TOTP step.
 */
export function frozenClock(at: Date = new Date()): () => Date {
  const fixed = new Date(at.getTime());
  return () => new Date(fixed.getTime());
}

/**
 * A range of China days for a test against a stack on the wall clock: from `daysBack` days before
 * today to tomorrow. Something the test does in the next few minutes lands inside it even if the day
 * changes meanwhile, so counts taken before and after an action over this range differ by exactly
 * what the action added. (The API accepts days in the future: the range is just a filter.)
 */
export function daysFrom(daysBack: number, now: Date = new Date()): { from: string; to: string } {
  const today = chinaDay(now);
  return { from: addDays(today, -daysBack), to: addDays(today, 1) };
}
