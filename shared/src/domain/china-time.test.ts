import { describe, expect, it } from 'vitest';
import { addDays, chinaDay, daysInRange, isCalendarDay } from './china-time.js';

describe('chinaDay', () => {
  it('puts an evening UTC instant on the next Beijing day', () => {
    expect(chinaDay(new Date('2026-03-01T16:30:00Z'))).toBe('2026-03-02');
  });

  it('keeps instants before 16:00 UTC on the same day', () => {
    expect(chinaDay(new Date('2026-03-01T15:59:59Z'))).toBe('2026-03-01');
  });

  it('rolls the year over at Beijing midnight, not UTC midnight', () => {
    expect(chinaDay(new Date('2025-12-31T16:00:00Z'))).toBe('2026-01-01');
    expect(chinaDay(new Date('2026-01-01T00:00:00Z'))).toBe('2026-01-01');
  });
});

describe('calendar days', () => {
  it('accepts real days and refuses impossible ones', () => {
    expect(isCalendarDay('2028-02-29')).toBe(true);
    expect(isCalendarDay('2026-02-29')).toBe(false);
    expect(isCalendarDay('2026-02-30')).toBe(false);
    expect(isCalendarDay('2026-2-3')).toBe(false);
    expect(isCalendarDay('2026-13-01')).toBe(false);
  });

  it('adds days across months and years', () => {
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
    expect(addDays('2026-03-01', -1)).toBe('2026-02-28');
  });

  it('counts inclusive ranges', () => {
    expect(daysInRange('2026-01-01', '2026-01-31')).toBe(31);
    expect(daysInRange('2026-01-02', '2026-01-01')).toBe(0);
  });
});

describe('chinaDay agrees with the time-zone database', () => {
  it('on every hour boundary around midnight in China, 1992–2100, and before 1992', () => {
    const formatter = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit' });
    for (let year = 1992; year <= 2100; year += 3) {
      for (const month of [0, 2, 5, 11]) {
        for (const utcHour of [15, 16, 17]) {
          for (const offset of [-1, 0, 1]) {
            const instant = new Date(Date.UTC(year, month, 28, utcHour, 0, 0) + offset);
            expect(chinaDay(instant)).toBe(formatter.format(instant));
          }
        }
      }
    }
    // 1988-07-01 12:30 UTC was 21:30 in Beijing under daylight saving (UTC+9): the database decides.
    const summer1988 = new Date(Date.UTC(1988, 6, 1, 15, 30));
    expect(chinaDay(summer1988)).toBe(formatter.format(summer1988));
  });
});
