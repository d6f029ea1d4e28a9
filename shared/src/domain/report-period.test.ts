import { describe, expect, it } from 'vitest';
import { isPeriodProblem, monthsBetween, periodReads, resolvePeriod } from './report-period.js';

describe('resolvePeriod', () => {
  it('defaults a month report to the last complete China-time month', () => {
    // 17:00 UTC on 31 October is 01:00 on 1 November in Beijing: October is complete.
    expect(resolvePeriod({ period: 'month' }, new Date('2026-10-31T17:00:00Z'))).toEqual({
      kind: 'month',
      from: '2026-10-01',
      to: '2026-10-31',
      label: { zh: '2026年10月', en: 'October 2026' },
      months: ['2026-10'],
    });
    // On 6 December (Beijing) the report opens on November, and on 1 January on December of the year before.
    expect(resolvePeriod({ period: 'month' }, new Date('2026-12-06T02:00:00Z'))).toMatchObject({ from: '2026-11-01', to: '2026-11-30' });
    expect(resolvePeriod({ period: 'month' }, new Date('2026-12-31T16:30:00Z'))).toMatchObject({ from: '2026-12-01', to: '2026-12-31' });
  });

  it('knows the length of February in leap years', () => {
    expect(resolvePeriod({ period: 'month', month: '2028-02' }, new Date())).toMatchObject({ from: '2028-02-01', to: '2028-02-29' });
    expect(resolvePeriod({ period: 'month', month: '2026-02' }, new Date())).toMatchObject({ to: '2026-02-28' });
  });

  it('writes quarters as 2026年第3季度 and covers their three months', () => {
    expect(resolvePeriod({ period: 'quarter', quarter: '2026-Q3' }, new Date())).toEqual({
      kind: 'quarter',
      from: '2026-07-01',
      to: '2026-09-30',
      label: { zh: '2026年第3季度', en: 'Q3 2026' },
      months: ['2026-07', '2026-08', '2026-09'],
    });
  });

  it('covers a whole year', () => {
    const year = resolvePeriod({ period: 'year', year: '2026' }, new Date());
    expect(year).toMatchObject({ from: '2026-01-01', to: '2026-12-31', label: { zh: '2026年', en: '2026' } });
    expect(isPeriodProblem(year) ? [] : year.months).toHaveLength(12);
  });

  it('takes a custom range of up to 366 days and names the field at fault otherwise', () => {
    expect(resolvePeriod({ period: 'custom', from: '2026-12-20', to: '2027-01-10' }, new Date())).toMatchObject({
      label: { zh: '2026-12-20 至 2027-01-10' },
      months: ['2026-12', '2027-01'],
    });
    expect(resolvePeriod({ period: 'custom', from: '2028-01-01', to: '2028-12-31' }, new Date())).toMatchObject({ kind: 'custom' });
    expect(resolvePeriod({ period: 'custom', from: '2026-01-01', to: '2027-01-02' }, new Date())).toMatchObject({ field: 'to' });
    expect(resolvePeriod({ period: 'custom', from: '2026-03-02', to: '2026-03-01' }, new Date())).toMatchObject({ field: 'to' });
    expect(resolvePeriod({ period: 'custom', to: '2026-03-01' }, new Date())).toMatchObject({ field: 'from' });
    expect(resolvePeriod({ period: 'quarter' }, new Date())).toMatchObject({ field: 'quarter' });
    expect(resolvePeriod({ period: 'year', year: '26' }, new Date())).toMatchObject({ field: 'year' });
  });

  it('lists the months between two days across a year end', () => {
    expect(monthsBetween('2026-11-15', '2027-02-01')).toEqual(['2026-11', '2026-12', '2027-01', '2027-02']);
  });
});

describe('periodReads', () => {
  it('reads whole months from rollups and the days around them from days', () => {
    expect(periodReads('2026-01-15', '2026-04-10')).toEqual({ months: ['2026-02', '2026-03'], days: [{ from: '2026-01-15', to: '2026-01-31' }, { from: '2026-04-01', to: '2026-04-10' }] });
    expect(periodReads('2026-01-01', '2026-12-31')).toEqual({ months: monthsBetween('2026-01-01', '2026-12-31'), days: [] });
    expect(periodReads('2024-02-01', '2024-02-29')).toEqual({ months: ['2024-02'], days: [] });
  });

  it('reads a period inside one month, or without a whole month, from days only', () => {
    expect(periodReads('2026-03-02', '2026-03-31')).toEqual({ months: [], days: [{ from: '2026-03-02', to: '2026-03-31' }] });
    expect(periodReads('2026-03-15', '2026-04-14')).toEqual({ months: [], days: [{ from: '2026-03-15', to: '2026-04-14' }] });
  });

  it('reads the months from the bound on (the current month of a narrow report) from days', () => {
    expect(periodReads('2026-01-01', '2026-12-31', '2026-11')).toEqual({ months: monthsBetween('2026-01-01', '2026-10-31'), days: [{ from: '2026-11-01', to: '2026-12-31' }] });
    expect(periodReads('2026-11-01', '2026-11-30', '2026-11')).toEqual({ months: [], days: [{ from: '2026-11-01', to: '2026-11-30' }] });
  });
});

describe('periodReads with years', () => {
  it('reads whole calendar years from year rollups, the rest as before', () => {
    expect(periodReads('2026-01-01', '2026-12-31', undefined, { years: true })).toEqual({ years: ['2026'], months: [], days: [] });
    expect(periodReads('2025-11-15', '2027-02-10', undefined, { years: true })).toEqual({
      years: ['2026'],
      months: ['2025-12', '2027-01'],
      days: [{ from: '2025-11-15', to: '2025-11-30' }, { from: '2027-02-01', to: '2027-02-10' }],
    });
    expect(periodReads('2026-02-01', '2026-12-31', undefined, { years: true })).toEqual(periodReads('2026-02-01', '2026-12-31'));
  });
});
