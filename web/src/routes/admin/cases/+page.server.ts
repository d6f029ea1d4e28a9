import { caseMessages } from '$lib/i18n-cases';
import { listCases } from '$lib/server/api-cases';
import { requireToken, sessionEnded } from '$lib/server/api-org';
import { tokenUnitId } from '$lib/server/api-surveys';
import { unitChoices } from '../rounds/round-form.server';
import type { PageServerLoad } from './$types';

/**
 * A unit's 差评 queue (issue 15): the account's own unit unless ?unit= names another of its scope,
 * optionally one state and only the overdue; or (?escalated=true) the cases the overdue sweep
 * escalated to it from the units below; a page at a time (?cursor= from the previous page).
 */
export const load: PageServerLoad = async ({ locals, url, cookies }) => {
  const token = requireToken(locals);
  const t = caseMessages(locals.lang);
  const unit = url.searchParams.get('unit') || tokenUnitId(token);
  const stateParam = url.searchParams.get('state') ?? '';
  const states = Object.keys(t.states) as (keyof typeof t.states)[];
  const state = (states as string[]).includes(stateParam) ? (stateParam as (typeof states)[number]) : '';
  const overdue = state !== '' && url.searchParams.get('overdue') === 'true';
  const escalated = url.searchParams.get('escalated') === 'true';
  // 一把手信箱: the letters to the signed-in head (the API refuses it together with escalated).
  const addressed = !escalated && url.searchParams.get('addressed') === 'true';
  const cursor = url.searchParams.get('cursor') ?? '';
  const filters = { unitId: unit, ...(state ? { state } : {}), ...(overdue ? { overdue: 'true' } : {}), ...(escalated ? { escalated: 'true' } : {}), ...(addressed ? { addressed: 'true' } : {}) };
  const query: Record<string, string> = { ...filters, ...(cursor ? { cursor } : {}) };
  const [listed, choices] = await Promise.all([listCases(token, query), unitChoices(token, unit)]);
  if (listed.status === 401 || choices.status === 401) sessionEnded(cookies, url);
  const problem = listed.ok ? null : listed.status === 404 || listed.status === 400 ? t.errors.unitNotFound : listed.status === 403 ? t.errors.forbidden : t.errors.unavailable;
  const { unitId: _unitId, ...kept } = filters;
  const nextPage = listed.ok && listed.data.cursor ? `?${new URLSearchParams({ unit, ...kept, cursor: listed.data.cursor })}` : null;
  return { t, unit, units: choices.units, state, overdue, escalated, addressed, cases: listed.ok ? listed.data.items : [], nextPage, problem, states };
};
