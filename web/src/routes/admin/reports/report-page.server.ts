import { addDays, chinaDay, lastCompleteMonth } from '#shared/domain/china-time.js';
import type { SatisfactionReport } from '#shared/contracts/reports.js';
import type { Lang } from '$lib/i18n';
import { chinaTimeText, type ReportMessages } from '$lib/i18n-reports';
import type { ApiResult } from '$lib/server/api';
import { reportParams, reportSearch, type ReportParams } from '$lib/server/api-reports';
import type { ReportForm } from './report-format';

/**
 * What the committee page (/admin/reports) and the staff page (/me) share: the form's values with
 * their defaults, the query sent to the API, and the API's refusal turned into messages next to
 * the fields.
 */

/** The values the form shows. Period fields all get a default so switching the kind needs no typing. */
export function reportForm(search: URLSearchParams, now: Date = new Date()): ReportForm {
  const today = chinaDay(now);
  // The last complete month, like the API's default: on the 6th the current month would show "<5" nearly everywhere.
  const month = lastCompleteMonth(now);
  const quarter = `${today.slice(0, 4)}-Q${Math.ceil(Number(today.slice(5, 7)) / 3)}`;
  const typed: Record<string, string> = {};
  for (const [name, value] of search) if (value.trim()) typed[name] = value.trim().slice(0, 80);
  return {
    ...reportParams(search),
    period: typed.period ?? 'month',
    month: typed.month ?? month,
    quarter: typed.quarter ?? quarter,
    year: typed.year ?? today.slice(0, 4),
    from: typed.from ?? addDays(today, -29),
    to: typed.to ?? today,
    channel: typed.channel ?? 'all',
    definition: typed.definition ?? 'national',
  };
}

/**
 * Says so when the page chose the period itself (no period or month in the URL): the last complete
 * month, named, so nobody takes it for the current one.
 */
export function defaultPeriodNote(search: URLSearchParams, report: SatisfactionReport | null, t: ReportMessages, lang: Lang): string | null {
  if (!report || search.get('period')?.trim() || search.get('month')?.trim()) return null;
  return t.defaultPeriodNote.replace('{label}', report.period.label[lang]);
}

/**
 * The query of the report: exactly the form's values for the chosen period kind. The default month
 * is written out rather than left to the API's default, so the download links carry the same
 * period as the page even if a month ends in between.
 */
export function reportQuery(form: ReportForm): ReportParams {
  return reportParams(new URLSearchParams(Object.entries(form).filter((entry): entry is [string, string] => typeof entry[1] === 'string')));
}

/** Field messages for a refused query: the API names the field, the page says it in the visitor's words. */
export function queryErrors(result: ApiResult<unknown>, query: ReportParams, t: ReportMessages): Record<string, string> {
  if (result.ok) return {};
  const errors: Record<string, string> = {};
  if (result.status === 400) {
    for (const { field } of result.error.error.issues ?? []) {
      const key = field.split('.')[0]!;
      errors[key in t.fieldErrors ? key : 'form'] = t.fieldErrors[key] ?? t.invalidQuery;
    }
    if (Object.keys(errors).length === 0) errors.form = t.invalidQuery;
  }
  // Out of scope is answered like "does not exist": the field the visitor chose is the one to fix.
  if (result.status === 404) errors[query.window ? 'window' : 'unit'] = query.window ? t.fieldErrors.window! : t.fieldErrors.unit!;
  return errors;
}

/** Links of a shown report: downloads, and drill-downs from its unit and window rows. */
export function reportLinks(report: SatisfactionReport, query: ReportParams) {
  const unitHref: Record<string, string> = {};
  const windowHref: Record<string, string> = {};
  for (const cell of [...report.byUnit, ...report.byWindow, ...report.byStaff, ...report.byServiceItem]) {
    // A child unit: the same report scoped to it (a window filter of the parent does not apply).
    if (cell.drill?.unit) unitHref[cell.drill.unit] = `/admin/reports${reportSearch(query, { unit: cell.drill.unit, window: undefined })}`;
    if (cell.drill?.window) windowHref[cell.drill.window] = `/admin/reports${reportSearch(query, { window: cell.drill.window })}`;
  }
  const download = (format: string) => `/admin/reports/download${reportSearch(query, { format })}`;
  return {
    unitHref,
    windowHref,
    clearWindow: query.window ? `/admin/reports${reportSearch(query, { window: undefined })}` : null,
    downloads: { xlsx: download('xlsx'), csv: download('csv'), pdf: download('pdf') },
  };
}

export function extractedText(report: SatisfactionReport, lang: Lang): string {
  return chinaTimeText(report.extractedAt, lang);
}
