import type { ReportCell } from '#shared/contracts/reports.js';
import type { ReportMessages } from '$lib/i18n-reports';

/** The values a report form shows: every parameter as typed, the period fields always with a default. */
export type ReportForm = Partial<Record<string, string>> & Record<'period' | 'month' | 'quarter' | 'year' | 'from' | 'to' | 'channel' | 'definition', string>;

/**
 * How numbers of a report are written on the page. Rates keep two decimals, like the assessment
 * arithmetic and the exports, so a committee member can match a figure to the downloaded file.
 */
export function percent(value: number | null | undefined): string {
  return value === null || value === undefined ? '—' : `${(value * 100).toFixed(2)}%`;
}

export function score(value: number | null | undefined): string {
  return value === null || value === undefined ? '—' : value.toFixed(2);
}

/** What a suppressed cell shows in place of every number: "<5" for a small group, "已隐藏" for a complementary one. */
export function suppressedText(cell: ReportCell, t: ReportMessages): string | null {
  if (cell.suppressed === 'small-group') return t.smallGroup;
  if (cell.suppressed === 'complementary') return t.hidden;
  return null;
}

export function suppressedNote(cell: ReportCell, t: ReportMessages): string {
  return cell.suppressed === 'complementary' ? t.hiddenNote : t.smallGroupNote;
}
