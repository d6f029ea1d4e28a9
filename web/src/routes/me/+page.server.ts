import { error } from '@sveltejs/kit';
import { appraisalMessages } from '$lib/i18n-appraisal';
import { reportMessages } from '$lib/i18n-reports';
import { myAppraisals } from '$lib/server/api-appraisal';
import { requireToken, sessionEnded } from '$lib/server/api-org';
import * as api from '$lib/server/api-reports';
import { defaultPeriodNote, extractedText, queryErrors, reportForm, reportQuery } from '../admin/reports/report-page.server';
import type { PageServerLoad } from './$types';

/**
 * A staff member's own aggregate: the same period form as the committee report, answered by the
 * myReport operation, which knows "me" from the token and never returns a single rating or a
 * group under the small-group threshold; and their own published 民主评议 results (myAppraisals).
 */
export const load: PageServerLoad = async ({ locals, url, cookies }) => {
  const token = requireToken(locals);
  const t = reportMessages(locals.lang);
  const form = reportForm(url.searchParams);
  // Only the period and the channel are the staff member's to choose.
  const query = reportQuery({ period: form.period, month: form.month, quarter: form.quarter, year: form.year, from: form.from, to: form.to, channel: form.channel, definition: form.definition });

  const [result, own] = await Promise.all([api.myReport(token, query), myAppraisals(token)]);
  // The published 民主评议 results (issue 14 §5) beside the report; when they cannot be read the report still shows.
  const appraisals = own.ok ? own.data : null;
  const page = { t, lang: locals.lang, form, appraisals, ta: appraisalMessages(locals.lang) };
  if (result.ok) {
    const periodNote = defaultPeriodNote(url.searchParams, result.data, t, locals.lang);
    return { ...page, report: result.data, periodNote, extracted: extractedText(result.data, locals.lang), errors: {}, problem: null };
  }
  if (result.status === 401) sessionEnded(cookies, url);
  if (result.status === 403) return { ...page, report: null, extracted: '', errors: {}, problem: t.meForbidden };
  if (result.status === 400) return { ...page, report: null, extracted: '', errors: queryErrors(result, query, t), problem: t.invalidQuery };
  if (result.status === 404) return { ...page, report: null, extracted: '', errors: {}, problem: t.meForbidden };
  error(503, { message: t.unavailable });
};
