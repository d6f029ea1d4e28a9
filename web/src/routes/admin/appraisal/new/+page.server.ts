import { appraisalMessages } from '$lib/i18n-appraisal';
import { createCampaign } from '$lib/server/api-appraisal';
import { getUnit, requireToken, sessionEnded } from '$lib/server/api-org';
import { tokenUnitId } from '$lib/server/api-surveys';
import { campaignFormAction, candidatesOf, defaultValues, toConfig } from '../campaign-form.server';
import type { Actions, PageServerLoad } from './$types';

/** A new campaign of the unit ?unit= names (the account's own by default): the staff of its subtree to choose from. */
export const load: PageServerLoad = async ({ locals, url, cookies }) => {
  const token = requireToken(locals);
  const t = appraisalMessages(locals.lang);
  const unitId = url.searchParams.get('unit') || tokenUnitId(token);
  const [unit, candidates] = await Promise.all([getUnit(token, unitId), candidatesOf(token, t, unitId)]);
  if (unit.status === 401 || candidates.status === 401) sessionEnded(cookies, url);
  return {
    t,
    values: defaultValues(unitId, new Date()),
    unitName: unit.ok ? unit.data.name : unitId,
    candidates: candidates.groups,
    truncated: candidates.truncated,
    problem: unit.ok ? (candidates.status === 200 ? null : t.errors.unavailable) : unit.status === 404 || unit.status === 400 || unit.status === 403 ? t.errors.unitNotFound : t.errors.unavailable,
  };
};

export const actions: Actions = {
  save: campaignFormAction(async (token, _params, values) => {
    const sent = toConfig(values);
    return { result: await createCampaign(token, sent.config), sent };
  }, 'created'),
};
