import { appraisalMessages } from '$lib/i18n-appraisal';
import { listCampaigns } from '$lib/server/api-appraisal';
import { requireToken, sessionEnded } from '$lib/server/api-org';
import { tokenUnitId } from '$lib/server/api-surveys';
import { unitChoices } from './campaign-form.server';
import type { PageServerLoad } from './$types';

/** The campaigns of one unit of the scope (the account's own unless ?unit= names another), newest first. */
export const load: PageServerLoad = async ({ locals, url, cookies }) => {
  const token = requireToken(locals);
  const t = appraisalMessages(locals.lang);
  const unit = url.searchParams.get('unit') || tokenUnitId(token);
  const [listed, choices] = await Promise.all([listCampaigns(token, unit), unitChoices(token, unit)]);
  if (listed.status === 401 || choices.status === 401) sessionEnded(cookies, url);
  const problem = listed.ok ? null : listed.status === 404 || listed.status === 400 ? t.errors.unitNotFound : listed.status === 403 ? t.errors.forbidden : t.errors.unavailable;
  const campaigns = listed.ok
    ? listed.data.campaigns.map(({ campaignId, name, year, kind, state, subjects, groups, createdBy, createdAt }) => ({
        campaignId,
        name,
        year,
        kind,
        state,
        subjects: subjects.length,
        groups: groups.length,
        createdBy,
        createdAt,
      }))
    : [];
  return { t, unit, units: choices.units, campaigns, problem };
};
