import type { WindowCard } from '#shared/contracts/window-card.js';
import { BAD_RATING_REASONS, COMMENT_MAX_LENGTH, INDICATORS, NATIONAL_SURVEY } from '#shared/domain/national-survey.js';
import { RATING_LEVEL_NAMES } from '#shared/domain/rating-level.js';
import type { SurveyStore } from '../data/surveys.js';
import type { UnitStore } from '../data/units.js';
import type { WindowViews } from '../data/window-views.js';
import { NotFoundError } from '../errors.js';
import { currentSurvey } from './surveys/shown-survey.js';

export interface GetWindowCardDeps {
  windowViews: WindowViews;
  units: Pick<UnitStore, 'get'>;
  surveys: Pick<SurveyStore, 'currentForUnits' | 'getVersionById'>;
}

/** The card a resident sees: the unit, the window, the staff on duty and their pledge, and the survey. */
export async function getWindowCard(deps: GetWindowCardDeps, code: string): Promise<WindowCard> {
  const view = await deps.windowViews.get(code);
  if (!view) throw new NotFoundError('code', 'window');
  const { window, unit, unitPath, hall, staffOnDuty } = view;
  // The agency section of the window's unit, else of its nearest ancestor (one BatchGet).
  const { section } = await currentSurvey(deps, window, unit.path);
  return {
    code: window.code,
    name: window.name,
    active: window.active,
    unit: { id: unit.id, name: unit.name, path: unitPath.map((u) => u.name) },
    hall: { id: hall.id, name: hall.name, address: hall.address },
    staffOnDuty: staffOnDuty.map(({ id, name, staffNo, post, duties, pledge, photoTag }) => ({
      id,
      name,
      staffNo,
      post,
      duties,
      pledge,
      // Served only while the person is on duty at this active window (on-duty-staff-photo.ts); the
      // tag changes with the photo, so a replaced photo is never served from a stale cache.
      ...(photoTag && window.active ? { photo: `/api/public/windows/${window.code}/staff/${encodeURIComponent(id)}/photo?v=${photoTag}` } : {}),
    })),
    survey: nationalSurveyCard(window.surveyVersion),
    ...(window.serviceItems?.length ? { serviceItems: window.serviceItems.map((item) => item.name) } : {}),
    ...(section ? { agencySection: section } : {}),
  };
}

/** The national questionnaire as a resident page shows it (the window's version of it). */
export function nationalSurveyCard(version: number = NATIONAL_SURVEY.version): WindowCard['survey'] {
  return {
    surveyId: NATIONAL_SURVEY.surveyId,
    version,
    title: NATIONAL_SURVEY.title,
    levels: NATIONAL_SURVEY.levels.map((level) => ({ level, name: RATING_LEVEL_NAMES[level] })),
    indicators: Object.entries(INDICATORS).map(([code, name]) => ({ code, name })),
    reasons: Object.entries(BAD_RATING_REASONS).map(([code, name]) => ({ code, name })),
    commentMaxLength: COMMENT_MAX_LENGTH,
  };
}
