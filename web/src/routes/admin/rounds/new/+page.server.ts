import { roundMessages } from '$lib/i18n-rounds';
import { createRound } from '$lib/server/api-sampling';
import { getUnit, requireToken, sessionEnded } from '$lib/server/api-org';
import { tokenUnitId } from '$lib/server/api-surveys';
import { defaultValues, roundFormActions, unitChoices } from '../round-form.server';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, url, cookies }) => {
  const token = requireToken(locals);
  const unitId = url.searchParams.get('unit') || tokenUnitId(token);
  const [unit, choices] = await Promise.all([getUnit(token, unitId), unitChoices(token, unitId)]);
  if (unit.status === 401 || choices.status === 401) sessionEnded(cookies, url);
  const values = defaultValues({ id: unitId, name: unit.ok ? unit.data.name : '' }, new Date());
  return { t: roundMessages(locals.lang), values, units: choices.units };
};

export const actions = roundFormActions((token, _params, config) => createRound(token, config));
