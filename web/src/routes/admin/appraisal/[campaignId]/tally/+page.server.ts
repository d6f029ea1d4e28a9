import { error, fail, redirect } from '@sveltejs/kit';
import { fill } from '$lib/i18n-draw';
import { appraisalMessages, type AppraisalMessages } from '$lib/i18n-appraisal';
import { getCampaignTally, publishCampaign, recordGrade } from '$lib/server/api-appraisal';
import type { ApiResult } from '$lib/server/api';
import { requireToken, sessionEnded } from '$lib/server/api-org';
import { campaignOrError } from '../../campaign-load.server';
import type { Actions, PageServerLoad } from './$types';

const DONE = new Set(['tallied', 'saved', 'published']);

function failure(t: AppraisalMessages, result: Extract<ApiResult<unknown>, { ok: false }>): string {
  if (result.status === 400) return fill(t.tally.failed[400] ?? '', { message: result.error.error.message });
  return t.tally.failed[result.status] ?? t.errors.unavailable;
}

/**
 * The tally of a counted campaign (decisions 0025, 0026): the groups' ballots, each subject's
 * composite, proposed grade and the rules that fired, and 组织评定 / 公布 for those allowed.
 */
export const load: PageServerLoad = async ({ locals, params, url, cookies }) => {
  const token = requireToken(locals);
  const t = appraisalMessages(locals.lang);
  // The campaign (names, rules, who opened it) and its tally, read together.
  const [campaign, tally] = await Promise.all([campaignOrError(token, t, params.campaignId, cookies, url), getCampaignTally(token, params.campaignId)]);
  const page = `/admin/appraisal/${encodeURIComponent(params.campaignId)}`;
  if (tally.status === 401) sessionEnded(cookies, url);
  // Not counted yet: the campaign's page says what comes next.
  if (tally.status === 409) redirect(303, page);
  if (!tally.ok) {
    const missing = tally.status === 404 || tally.status === 400;
    error(missing ? 404 : tally.status === 403 ? 403 : 503, { message: missing ? t.errors.notFound : tally.status === 403 ? t.tally.errors.forbidden : t.errors.unavailable });
  }
  const done = url.searchParams.get('done');
  return { t, campaign, tally: tally.data, done: done && DONE.has(done) ? done : null };
};

export const actions: Actions = {
  /** 组织评定 of one subject: a reason where the grade differs from the proposal. */
  grade: async ({ locals, params, request, cookies, url }) => {
    const token = requireToken(locals);
    const t = appraisalMessages(locals.lang);
    const form = await request.formData().catch(() => new FormData());
    const subjectId = String(form.get('subjectId') ?? '');
    const grade = String(form.get('grade') ?? '').trim();
    const reason = String(form.get('reason') ?? '').trim();
    const values = { grade, reason };
    if (!grade) return fail(400, { subjectId, gradeError: t.tally.errors.grade, values });
    const recorded = await recordGrade(token, params.campaignId, { subjectId, grade, ...(reason ? { reason } : {}) });
    if (recorded.status === 401) sessionEnded(cookies, url);
    if (!recorded.ok) {
      const onReason = recorded.status === 400 && (recorded.error.error.issues ?? []).some((issue) => issue.field === 'reason');
      return fail(recorded.status >= 500 ? 503 : recorded.status, { subjectId, gradeError: onReason ? t.tally.errors.reason : failure(t, recorded), values });
    }
    redirect(303, `/admin/appraisal/${encodeURIComponent(params.campaignId)}/tally?done=saved#subject-${encodeURIComponent(subjectId)}`);
  },

  /** 公布结果: confirmed by the form (a ticked box without JavaScript, a confirm() dialog with it). */
  publish: async ({ locals, params, request, cookies, url }) => {
    const token = requireToken(locals);
    const t = appraisalMessages(locals.lang);
    const form = await request.formData().catch(() => new FormData());
    if (form.get('confirm') !== 'yes') return fail(400, { publishError: t.tally.publishConfirmNeeded });
    const published = await publishCampaign(token, params.campaignId);
    if (published.status === 401) sessionEnded(cookies, url);
    if (!published.ok) {
      const message = published.status === 409 ? fill(t.tally.errors.publish409, { message: published.error.error.message }) : failure(t, published);
      return fail(published.status >= 500 ? 503 : published.status, { publishError: message });
    }
    redirect(303, `/admin/appraisal/${encodeURIComponent(params.campaignId)}/tally?done=published`);
  },
};
