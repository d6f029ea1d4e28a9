import type { RoundView } from '#shared/contracts/sampling/rounds.js';
import { roundMessages } from '$lib/i18n-rounds';
import { listRounds } from '$lib/server/api-sampling';
import { requireToken, sessionEnded } from '$lib/server/api-org';
import { tokenUnitId } from '$lib/server/api-surveys';
import { unitChoices } from './round-form.server';
import { describeConfig, roundConfig } from './round-summary';
import type { PageServerLoad } from './$types';

/** The rounds of one unit of the scope (the account's own unless ?unit= names another), newest first. */
export const load: PageServerLoad = async ({ locals, url, cookies }) => {
  const token = requireToken(locals);
  const t = roundMessages(locals.lang);
  const unit = url.searchParams.get('unit') || tokenUnitId(token);
  const [listed, choices] = await Promise.all([listRounds(token, unit), unitChoices(token, unit)]);
  if (listed.status === 401 || choices.status === 401) sessionEnded(cookies, url);
  const problem = listed.ok ? null : listed.status === 404 || listed.status === 400 ? t.errors.unitNotFound : listed.status === 403 ? t.errors.forbidden : t.errors.unavailable;
  return { t, unit, units: choices.units, rounds: listed.ok ? listed.data.rounds.map((round) => rowOf(t, round)) : [], problem };
};

function rowOf(t: ReturnType<typeof roundMessages>, round: RoundView) {
  const config = roundConfig(round.config);
  const { roundId, state, drawn, createdBy, createdAt } = round;
  return { roundId, state, drawn, createdBy, createdAt, name: config?.name ?? roundId, ...describeConfig(t, config) };
}
