import { fail, redirect } from '@sveltejs/kit';
import { appraisalMessages } from '$lib/i18n-appraisal';
import { closeCampaign, getCampaign, tallyCampaign, updateCampaign } from '$lib/server/api-appraisal';
import { requireToken, sessionEnded } from '$lib/server/api-org';
import { campaignFormAction, candidatesOf, toConfig, valuesFromView } from '../campaign-form.server';
import { campaignOrError } from '../campaign-load.server';
import { describeBands, describeRules, describeScale } from '../campaign-summary';
import type { Actions, PageServerLoad } from './$types';

const DONE = new Set(['created', 'saved', 'closed']);
/** The refusals of 开放 (open/+server.ts) the page explains beside the button. */
const FAILED = new Set(['400', '403', '404', '409', '503']);

/** A campaign: its configuration in the form while 草稿, read only from 已开放 on. */
export const load: PageServerLoad = async ({ locals, params, url, cookies }) => {
  const token = requireToken(locals);
  const t = appraisalMessages(locals.lang);
  const view = await campaignOrError(token, t, params.campaignId, cookies, url);
  const draft = view.state === 'draft';
  const chosen = view.subjects.map((subject) => ({ value: `${subject.type}:${subject.refId}`, name: subject.name, type: subject.type }));
  const candidates = draft ? await candidatesOf(token, t, view.unitId, chosen) : null;
  if (candidates?.status === 401) sessionEnded(cookies, url);
  const done = url.searchParams.get('done');
  const failed = url.searchParams.get('failed');
  const revoteFailed = url.searchParams.get('revoteFailed');
  return {
    t,
    campaign: view,
    rules: { scale: describeScale(t, view.scale), bands: describeBands(t, view.rules), rules: describeRules(t, view.rules) },
    // A notice of the step just done: created or saved only while the campaign is still a draft (an address kept after 开放 does not repeat it).
    done: done && DONE.has(done) && (done === 'closed' ? view.state === 'closed' : draft) ? done : null,
    values: draft ? valuesFromView(view) : null,
    candidates: candidates?.groups ?? [],
    truncated: candidates?.truncated ?? false,
    problem: candidates && candidates.status !== 200 ? t.errors.unavailable : null,
    // 开放 refused: why, beside the button (only while the campaign is still a draft).
    openError: draft && failed && FAILED.has(failed) ? (t.voting.failed[Number(failed)] ?? t.errors.unavailable) : null,
    // 重新投票 refused: why, beside its form (only while the round can still be voted again).
    revoteError: revoteFailed && FAILED.has(revoteFailed) && ['closed', 'tallied', 'graded'].includes(view.state) ? (t.revote.failed[Number(revoteFailed)] ?? t.errors.unavailable) : null,
    // The voters' page, as the slips' QR codes name it.
    voterUrl: `${url.origin}/v`,
  };
};

export const actions: Actions = {
  // The stored scale and rules go back as they are (a new kind takes its default rules): read them first.
  save: campaignFormAction(async (token, params, values) => {
    const campaignId = params.campaignId ?? '';
    const stored = await getCampaign(token, campaignId);
    const sent = toConfig(values, stored.ok ? stored.data : undefined);
    return { result: stored.ok ? await updateCampaign(token, campaignId, sent.config) : stored, sent };
  }, 'saved'),

  /** 截止评议: confirmed by the form (a ticked box without JavaScript, a confirm() dialog with it). */
  close: async ({ locals, params, request, cookies, url }) => {
    const token = requireToken(locals);
    const t = appraisalMessages(locals.lang);
    const form = await request.formData().catch(() => new FormData());
    if (form.get('confirm') !== 'yes') return fail(400, { closeError: t.voting.closeConfirmNeeded });
    const closed = await closeCampaign(token, params.campaignId);
    if (closed.status === 401) sessionEnded(cookies, url);
    if (!closed.ok) return fail(closed.status >= 500 ? 503 : closed.status, { closeError: t.voting.failed[closed.status] ?? t.errors.unavailable });
    redirect(303, `/admin/appraisal/${encodeURIComponent(params.campaignId)}?done=closed`);
  },

  /** 计票 (已截止 → 已计票): the count is kept; the tally page shows it. */
  tally: async ({ locals, params, cookies, url }) => {
    const token = requireToken(locals);
    const t = appraisalMessages(locals.lang);
    const counted = await tallyCampaign(token, params.campaignId);
    if (counted.status === 401) sessionEnded(cookies, url);
    if (!counted.ok) return fail(counted.status >= 500 ? 503 : counted.status, { tallyError: t.voting.failed[counted.status] ?? t.errors.unavailable });
    redirect(303, `/admin/appraisal/${encodeURIComponent(params.campaignId)}/tally?done=tallied`);
  },
};
