import { addDays, chinaDay, daysInRange, isCalendarDay, lastCompleteMonth } from './china-time.js';

/** Longest custom range a report covers: a year, leap day included. */
export const MAX_PERIOD_DAYS = 366;

export type PeriodKind = 'month' | 'quarter' | 'year' | 'custom';

export interface PeriodQuery {
  period: PeriodKind;
  month?: string | undefined;
  quarter?: string | undefined;
  year?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
}

export interface ReportPeriod {
  kind: PeriodKind;
  /** First and last China-time day, inclusive. */
  from: string;
  to: string;
  label: { zh: string; en: string };
  /** Months the period touches (YYYY-MM), oldest first: the rows of the trend. */
  months: string[];
}

/** A period that cannot be resolved, naming the query field at fault. */
export interface PeriodProblem {
  field: 'month' | 'quarter' | 'year' | 'from' | 'to';
  message: string;
}

const EN_MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

function lastDayOfMonth(month: string): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return new Date(Date.UTC(y, m, 0)).toISOString().slice(0, 10);
}

/** Every month from the month of `from` to the month of `to`. */
export function monthsBetween(from: string, to: string): string[] {
  const months: string[] = [];
  let [y, m] = from.slice(0, 7).split('-').map(Number) as [number, number];
  const last = to.slice(0, 7);
  for (;;) {
    const month = `${y}-${String(m).padStart(2, '0')}`;
    if (month > last) break;
    months.push(month);
    m += 1;
    if (m > 12) [y, m] = [y + 1, 1];
  }
  return months;
}

export function monthLabel(month: string): { zh: string; en: string } {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return { zh: `${y}年${m}月`, en: `${EN_MONTHS[m - 1]} ${y}` };
}

/**
 * The days a report covers, in China time (Asia/Shanghai). Without a month, `period=month` means
 * the last complete China-time month at `now`: at 2026-10-31T17:00Z it is already November in
 * Beijing, so October.
 */
export function resolvePeriod(query: PeriodQuery, now: Date): ReportPeriod | PeriodProblem {
  const build = (from: string, to: string, label: { zh: string; en: string }): ReportPeriod => ({
    kind: query.period,
    from,
    to,
    label,
    months: monthsBetween(from, to),
  });
  switch (query.period) {
    case 'month': {
      const month = query.month ?? lastCompleteMonth(now);
      if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(month)) return { field: 'month', message: 'must be a month written YYYY-MM' };
      return build(`${month}-01`, lastDayOfMonth(month), monthLabel(month));
    }
    case 'quarter': {
      const match = /^(\d{4})-Q([1-4])$/.exec(query.quarter ?? '');
      if (!match) return { field: 'quarter', message: 'must be a quarter written YYYY-Qn' };
      const [year, q] = [match[1]!, Number(match[2])];
      const first = `${year}-${String(q * 3 - 2).padStart(2, '0')}`;
      const last = `${year}-${String(q * 3).padStart(2, '0')}`;
      return build(`${first}-01`, lastDayOfMonth(last), { zh: `${year}年第${q}季度`, en: `Q${q} ${year}` });
    }
    case 'year': {
      const year = query.year ?? '';
      if (!/^\d{4}$/.test(year)) return { field: 'year', message: 'must be a year written YYYY' };
      return build(`${year}-01-01`, `${year}-12-31`, { zh: `${year}年`, en: year });
    }
    case 'custom': {
      const { from, to } = query;
      if (from === undefined || !isCalendarDay(from)) return { field: 'from', message: 'must be a calendar day written YYYY-MM-DD' };
      if (to === undefined || !isCalendarDay(to)) return { field: 'to', message: 'must be a calendar day written YYYY-MM-DD' };
      if (to < from) return { field: 'to', message: 'must not be before from' };
      if (daysInRange(from, to) > MAX_PERIOD_DAYS) return { field: 'to', message: `must be at most ${MAX_PERIOD_DAYS} days after from` };
      return build(from, to, { zh: `${from} 至 ${to}`, en: `${from} to ${to}` });
    }
  }
}

export function isPeriodProblem(value: ReportPeriod | PeriodProblem): value is PeriodProblem {
  return 'field' in value;
}

/** How a report reads a period from the totals: rollups by year or month where they may stand in, days elsewhere. */
export interface PeriodReads {
  /** Whole calendar years read from yearly rollups (YYYY), only when asked for (`years: true`). */
  years?: string[];
  /** Whole months of the period read from monthly rollups, oldest first, contiguous (outside `years`). */
  months: string[];
  /** The other days, as at most two ranges (before and after the months), in order. */
  days: { from: string; to: string }[];
}

/**
 * Split `from` … `to` into the whole months a monthly rollup may answer and the days around them
 * (decision 0031). Only months before `rollupsBefore` (YYYY-MM) count as whole: a narrow report
 * reads the current month from the window-days, exact at every instant, and the closed months from
 * the rollups; a wide one passes no bound. A month is whole when the period holds its first and
 * its last day.
 */
export function periodReads(from: string, to: string, rollupsBefore?: string, options: { years?: boolean } = {}): PeriodReads {
  const whole = monthsBetween(from, to).filter((month) => from <= `${month}-01` && lastDayOfMonth(month) <= to && (rollupsBefore === undefined || month < rollupsBefore));
  if (options.years) {
    // A calendar year all of whose months are whole in the period is read from its year rollup.
    const years = [...new Set(whole.map((month) => month.slice(0, 4)))].filter((year) => whole.includes(`${year}-01`) && whole.includes(`${year}-12`));
    // Whole months are contiguous, so whole years are too, and the months left are before or after them.
    if (years.length > 0) return { years, months: whole.filter((month) => !years.includes(month.slice(0, 4))), days: daysAround(from, to, whole) };
  }
  return { months: whole, days: daysAround(from, to, whole) };
}

/** The days of `from` … `to` outside the contiguous whole months: at most one range before, one after. */
function daysAround(from: string, to: string, months: readonly string[]): { from: string; to: string }[] {
  if (months.length === 0) return [{ from, to }];
  const first = `${months[0]!}-01`;
  const last = lastDayOfMonth(months.at(-1)!);
  const days: { from: string; to: string }[] = [];
  if (from < first) days.push({ from, to: addDays(first, -1) });
  if (last < to) days.push({ from: addDays(last, 1), to });
  return days;
}
