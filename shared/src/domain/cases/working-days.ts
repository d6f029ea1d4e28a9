import calendar from 'chinese-days/dist/chinese-days.json' with { type: 'json' };
import { addDays, isCalendarDay } from '../china-time.js';

/**
 * Working days (工作日) on the PRC statutory holiday calendar with its 调休 (issue 15 §1;
 * docs/decisions/0028-case-deadlines.md): a day is a working day when it is a 调休 working day
 * (a Saturday or Sunday worked in lieu), or a Monday–Friday that is not a statutory holiday. The
 * calendar is the `chinese-days` package's data (the State Council's notices, one per year); for a
 * year it does not hold, Monday–Friday is counted and the answer names that year, so the case page
 * can warn that the deadline may move once the year's notice is out.
 *
 * Counting follows 民法典 第二百零一条: the day a period starts from is not counted; the first day
 * counted is the next working day. So a case opened on Thursday 2026-09-24 with 5 working days
 * counts 09-28, 09-29, 09-30 (09-25 is 中秋, then a weekend), skips 国庆 (10-01…10-07), and counts
 * 10-08 and 10-09: it is due at the end of 2026-10-09. Two working days from 10-08 end on Saturday
 * 10-10, a 调休 working day.
 */
const HOLIDAYS: ReadonlySet<string> = new Set(Object.keys(calendar.holidays));
const MAKEUP_WORKDAYS: ReadonlySet<string> = new Set(Object.keys(calendar.workdays));

/** The years the calendar holds (each year's notice: its holidays and 调休). */
export const CALENDAR_YEARS: readonly number[] = [...new Set([...HOLIDAYS].map((day) => Number(day.slice(0, 4))))].sort((a, b) => a - b);
const HELD = new Set(CALENDAR_YEARS);

/** Where the calendar comes from, as the case page and the decision record name it. */
export const CALENDAR_SOURCE = `chinese-days（国务院办公厅节假日安排通知，${CALENDAR_YEARS[0]}–${CALENDAR_YEARS.at(-1)} 年）`;

export const isCalendarYear = (year: number): boolean => HELD.has(year);

/** 0 Sunday … 6 Saturday of a YYYY-MM-DD day. */
function weekday(day: string): number {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d)).getUTCDay();
}

/** A working day: a 调休 working day, or Monday–Friday and not a statutory holiday. */
export function isWorkingDay(day: string): boolean {
  if (MAKEUP_WORKDAYS.has(day)) return true;
  if (HOLIDAYS.has(day)) return false;
  const dow = weekday(day);
  return dow >= 1 && dow <= 5;
}

export interface WorkingDayAnswer {
  /** The day (YYYY-MM-DD, China calendar). */
  day: string;
  /** Years the counting crossed that the calendar does not hold: Monday–Friday was counted there. */
  uncoveredYears: number[];
}

function checkDay(day: string, name: string): void {
  if (!isCalendarDay(day)) throw new RangeError(`${name} must be a calendar day YYYY-MM-DD, got ${day}`);
}

/** The `n`-th working day after `from` (from itself not counted): the due day of a period of n working days. */
export function addWorkingDays(from: string, n: number): WorkingDayAnswer {
  checkDay(from, 'from');
  if (!Number.isInteger(n) || n < 1 || n > 366) throw new RangeError(`n must be a whole number of working days from 1 to 366, got ${n}`);
  const uncovered = new Set<number>();
  let day = from;
  let counted = 0;
  while (counted < n) {
    day = addDays(day, 1);
    const year = Number(day.slice(0, 4));
    if (!HELD.has(year)) uncovered.add(year);
    if (isWorkingDay(day)) counted++;
  }
  return { day, uncoveredYears: [...uncovered].sort((a, b) => a - b) };
}

/**
 * Working days from `from` to `to`: those after `from` up to and including `to` (0 when `to` is not
 * after `from`) — the time a case took, in the unit its deadline is set in.
 */
export function workingDaysBetween(from: string, to: string): { days: number; uncoveredYears: number[] } {
  checkDay(from, 'from');
  checkDay(to, 'to');
  const uncovered = new Set<number>();
  let days = 0;
  for (let day = addDays(from, 1); day <= to; day = addDays(day, 1)) {
    const year = Number(day.slice(0, 4));
    if (!HELD.has(year)) uncovered.add(year);
    if (isWorkingDay(day)) days++;
  }
  return { days, uncoveredYears: [...uncovered].sort((a, b) => a - b) };
}
