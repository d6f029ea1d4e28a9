/**
 * Business periods are in China time (Asia/Shanghai, UTC+8, no daylight saving since 1991);
 * instants are stored as UTC ISO strings. A day is written YYYY-MM-DD.
 */
export const CHINA_TIME_ZONE = 'Asia/Shanghai';

const dayFormatter = new Intl.DateTimeFormat('en-CA', {
  timeZone: CHINA_TIME_ZONE,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
});

/** The China calendar day of an instant: 2026-03-01T16:30:00Z is 2026-03-02 in Beijing. */
export function chinaDay(instant: Date): string {
  const ms = instant.getTime();
  // From 1992 on, China time is UTC+8 all year: shifting by eight hours and reading the UTC day is
  // exact, and some ten times cheaper than Intl (every rating and 办件 asks). Earlier instants
  // (daylight saving 1986–1991) go through the time-zone database.
  if (ms >= NO_DST_SINCE && ms < YEAR_10000) return new Date(ms + EIGHT_HOURS).toISOString().slice(0, 10);
  return dayFormatter.format(instant);
}
const EIGHT_HOURS = 8 * 3_600_000;
const NO_DST_SINCE = Date.UTC(1992, 0, 1);
const YEAR_10000 = Date.UTC(9999, 11, 31);

const DAY_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;

/** True for a real calendar day written YYYY-MM-DD (rejects 2026-02-30). */
export function isCalendarDay(value: string): boolean {
  const match = DAY_PATTERN.exec(value);
  if (!match) return false;
  const [, y, m, d] = match.map(Number) as [number, number, number, number];
  const date = new Date(Date.UTC(y, m - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
}

/** Shift a YYYY-MM-DD day by whole days (calendar arithmetic, no time zone involved). */
export function addDays(day: string, days: number): string {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
}

/**
 * The last complete China-time month at an instant, YYYY-MM: the default of every month report.
 * On 6 December the current month holds five days (nearly every cell "<5"), so reports open on
 * November. 2026-10-31T17:00Z is already 1 November in Beijing: October is complete.
 */
export function lastCompleteMonth(instant: Date): string {
  return addDays(`${chinaDay(instant).slice(0, 7)}-01`, -1).slice(0, 7);
}

/** Number of days in the inclusive range from..to; 0 when to is before from. */
export function daysInRange(from: string, to: string): number {
  const ms = Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`);
  return ms < 0 ? 0 : ms / 86_400_000 + 1;
}
