import { error, redirect } from '@sveltejs/kit';
import { roundMessages } from '$lib/i18n-rounds';
import { getRound, updateRound } from '$lib/server/api-sampling';
import { requireToken, sessionEnded } from '$lib/server/api-org';
import { defaultValues, roundFormActions, unitChoices, valuesFromConfig } from '../../round-form.server';
import type { PageServerLoad } from './$types';

/** A draft's configuration in the round form; from 已承诺 on it is locked, so the round's page instead. */
export const load: PageServerLoad = async ({ locals, params, url, cookies }) => {
  const token = requireToken(locals);
  const t = roundMessages(locals.lang);
  const round = await getRound(token, params.roundId);
  if (round.status === 401) sessionEnded(cookies, url);
  if (!round.ok) error(round.status === 404 || round.status === 400 ? 404 : 503, { message: round.status === 404 || round.status === 400 ? t.errors.notFound : t.errors.unavailable });
  if (round.data.state !== 'draft') redirect(303, `/admin/rounds/${encodeURIComponent(params.roundId)}`);
  const values = valuesFromConfig(round.data.config, defaultValues({ id: '', name: '' }, new Date()));
  const choices = await unitChoices(token, values.unitId);
  return { t, values, units: choices.units, roundId: params.roundId };
};

export const actions = roundFormActions((token, params, config) => updateRound(token, params.roundId ?? '', config));
