import { describe, expect, it } from 'vitest';
import { addWorkingDays, CALENDAR_YEARS, isCalendarYear, isWorkingDay, workingDaysBetween } from './working-days.js';

/**
 * Working days on the real holiday data (chinese-days): each expected day below is read off the
 * State Council's notices for the year (国办发明电), not computed by the code under test.
 */
describe('the calendar', () => {
  it('holds the years of the notices, 2004 to 2026 at least, and no later year yet', () => {
    expect(CALENDAR_YEARS[0]).toBeLessThanOrEqual(2004);
    expect(isCalendarYear(2025)).toBe(true);
    expect(isCalendarYear(2026)).toBe(true);
  });

  it('knows 春节 2026 (02-15…02-23 off, Saturdays 02-14 and 02-28 worked)', () => {
    for (const day of ['2026-02-15', '2026-02-16', '2026-02-19', '2026-02-23']) expect(isWorkingDay(day), day).toBe(false);
    for (const day of ['2026-02-13', '2026-02-14', '2026-02-24', '2026-02-28']) expect(isWorkingDay(day), day).toBe(true);
  });

  it('knows 中秋 and 国庆 2026 (09-25 and 10-01…10-07 off, Sunday 09-20 and Saturday 10-10 worked)', () => {
    for (const day of ['2026-09-25', '2026-10-01', '2026-10-07']) expect(isWorkingDay(day), day).toBe(false);
    for (const day of ['2026-09-20', '2026-10-08', '2026-10-10']) expect(isWorkingDay(day), day).toBe(true);
    expect(isWorkingDay('2026-10-11')).toBe(false);
  });

  it('knows 国庆 2025 (10-01…10-08 off with 中秋, Sunday 09-28 and Saturday 10-11 worked)', () => {
    for (const day of ['2025-10-01', '2025-10-06', '2025-10-08']) expect(isWorkingDay(day), day).toBe(false);
    for (const day of ['2025-09-28', '2025-10-09', '2025-10-11']) expect(isWorkingDay(day), day).toBe(true);
  });

  it('counts an ordinary week Monday to Friday', () => {
    expect(['2026-06-08', '2026-06-09', '2026-06-10', '2026-06-11', '2026-06-12', '2026-06-13', '2026-06-14'].map(isWorkingDay)).toEqual([true, true, true, true, true, false, false]);
  });
});

describe('addWorkingDays (民法典 第二百零一条: the starting day is not counted)', () => {
  it('steps over a weekend: Friday + 1 is Monday', () => {
    expect(addWorkingDays('2026-06-12', 1)).toEqual({ day: '2026-06-15', uncoveredYears: [] });
    expect(addWorkingDays('2026-06-08', 5)).toEqual({ day: '2026-06-15', uncoveredYears: [] });
  });

  it('steps over 中秋 and 国庆 2026: Thursday 09-24 + 5 is 10-09', () => {
    // 09-25 中秋, 26–27 weekend, 28 29 30 (3), 10-01…07 国庆, 10-08 (4), 10-09 (5).
    expect(addWorkingDays('2026-09-24', 5).day).toBe('2026-10-09');
    // A 调休 Saturday counts: 10-08 + 2 is Saturday 10-10.
    expect(addWorkingDays('2026-10-08', 2).day).toBe('2026-10-10');
  });

  it('steps over 春节 2026 and counts its 调休 Saturdays', () => {
    expect(addWorkingDays('2026-02-13', 1).day).toBe('2026-02-14');
    // 02-13 (1), 02-14 Saturday worked (2), 02-15…23 off, 02-24 (3).
    expect(addWorkingDays('2026-02-12', 3).day).toBe('2026-02-24');
  });

  it('starts from a holiday as from any day: the next working day is the first counted', () => {
    expect(addWorkingDays('2026-10-03', 1).day).toBe('2026-10-08');
  });

  it('counts Monday–Friday in a year the calendar does not hold, and names it', () => {
    const beyond = CALENDAR_YEARS.at(-1)! + 1;
    // 12-30 of the last held year + 5 working days crosses into the next year.
    const answer = addWorkingDays(`${beyond - 1}-12-30`, 5);
    expect(answer.uncoveredYears).toEqual([beyond]);
    const far = addWorkingDays(`${beyond}-03-02`, 5);
    expect(far.uncoveredYears).toEqual([beyond]);
    // Monday–Friday only: five working days later, the weekend skipped.
    const dow = new Date(`${far.day}T00:00:00Z`).getUTCDay();
    expect(dow).toBeGreaterThanOrEqual(1);
    expect(dow).toBeLessThanOrEqual(5);
  });

  it('refuses what is not a day or not a whole number of days', () => {
    expect(() => addWorkingDays('2026-02-30', 1)).toThrow(/calendar day/);
    expect(() => addWorkingDays('2026-02-01', 0)).toThrow(/whole number/);
    expect(() => addWorkingDays('2026-02-01', 1.5)).toThrow(/whole number/);
  });
});

describe('workingDaysBetween', () => {
  it('counts the working days after the first day up to the last, 调休 included', () => {
    // 09-24 → 10-10: 28, 29, 30, 10-08, 10-09, 10-10 (Saturday, worked).
    expect(workingDaysBetween('2026-09-24', '2026-10-10')).toEqual({ days: 6, uncoveredYears: [] });
    expect(workingDaysBetween('2026-06-12', '2026-06-12').days).toBe(0);
    expect(workingDaysBetween('2026-06-12', '2026-06-01').days).toBe(0);
  });

  it('agrees with addWorkingDays: n working days after a day end on the day that is n away', () => {
    for (const [from, n] of [['2026-01-30', 7], ['2026-02-10', 4], ['2026-09-21', 9], ['2025-12-29', 3]] as const) {
      const due = addWorkingDays(from, n).day;
      expect(workingDaysBetween(from, due).days, `${from} + ${n}`).toBe(n);
    }
  });
});
