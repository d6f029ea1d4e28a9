import { error } from '@sveltejs/kit';
import { appraisalMessages } from '$lib/i18n-appraisal';
import { getCampaign, updateCampaign } from '$lib/server/api-appraisal';
import { requireToken, sessionEnded } from '$lib/server/api-org';
import { campaignFormAction, candidatesOf, toConfig, valuesFromView } from '../campaign-form.server';
import { describeBands, describeRules, describeScale } from '../campaign-summary';
import type { Actions, PageServerLoad } from './$types';

const DONE = new Set(['created', 'saved']);

/** A campaign: its configuration in the form while 草稿, read only from 已开放 on. */
export const load: PageServerLoad = async ({ locals, params, url, cookies }) => {
  const token = requireToken(locals);
  const t = appraisalMessages(locals.lang);
  const campaign = await getCampaign(token, params.campaignId);
  if (campaign.status === 401) sessionEnded(cookies, url);
  if (!campaign.ok) {
    const missing = campaign.status === 404 || campaign.status === 400;
    error(missing ? 404 : campaign.status === 403 ? 403 : 503, { message: missing ? t.errors.notFound : campaign.status === 403 ? t.errors.forbidden : t.errors.unavailable });
  }
  const view = campaign.data;
  const draft = view.state === 'draft';
  const chosen = view.subjects.map((subject) => ({ value: `${subject.type}:${subject.refId}`, name: subject.name, type: subject.type }));
  const candidates = draft ? await candidatesOf(token, t, view.unitId, chosen) : null;
  if (candidates?.status === 401) sessionEnded(cookies, url);
  const done = url.searchParams.get('done');
  return {
    t,
    campaign: view,
    rules: { scale: describeScale(t, view.scale), bands: describeBands(t, view.rules), rules: describeRules(t, view.rules) },
    done: done && DONE.has(done) ? done : null,
    values: draft ? valuesFromView(view) : null,
    candidates: candidates?.groups ?? [],
    truncated: candidates?.truncated ?? false,
    problem: candidates && candidates.status !== 200 ? t.errors.unavailable : null,
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
};
