import { NATIONAL_SURVEY } from '#shared/domain/national-survey.js';
import { nearestSection, type SurveyQuestion } from '#shared/domain/survey-version.js';
import type { UnitStore } from '../../data/units.js';
import type { WindowRecord } from '../../data/windows.js';
import type { CurrentSection, SurveyStore } from '../../data/surveys.js';
import { ValidationError } from '../../errors.js';

export interface ShownSurveyDeps {
  units: Pick<UnitStore, 'get'>;
  /** Absent: no agency sections (national part only). */
  surveys?: Pick<SurveyStore, 'currentForUnits' | 'getVersionById'> | undefined;
}

/** The survey a window's resident is shown: the national part and, maybe, an agency section. */
export interface ShownSurvey {
  surveyId: string;
  version: number;
  questions: SurveyQuestion[];
  section?: CurrentSection;
}

const NATIONAL_ONLY: ShownSurvey = { surveyId: NATIONAL_SURVEY.surveyId, version: NATIONAL_SURVEY.version, questions: [] };

async function unitPath(deps: ShownSurveyDeps, window: WindowRecord): Promise<string[]> {
  if (window.unitPath?.length) return window.unitPath;
  return (await deps.units.get(window.unitId))?.path ?? [window.unitId];
}

/** What applies now: the published section of the window's unit, or of its nearest ancestor. */
export async function currentSurvey(deps: ShownSurveyDeps, window: WindowRecord, path?: readonly string[]): Promise<ShownSurvey> {
  if (!deps.surveys) return NATIONAL_ONLY;
  const units = path ?? (await unitPath(deps, window));
  const section = nearestSection(units, await deps.surveys.currentForUnits(units));
  return section ? { surveyId: section.surveyId, version: section.version, questions: section.questions, section } : NATIONAL_ONLY;
}

/**
 * The survey a submitted rating answered. A resident names the version their page showed, so a
 * version published or retired between page load and submit still gets its own answers: the
 * rating records that version. A draft, another unit's survey or an unknown version is refused.
 */
export async function answeredSurvey(deps: ShownSurveyDeps, window: WindowRecord, named: { surveyId?: string | undefined; surveyVersion?: number | undefined }): Promise<ShownSurvey> {
  if (named.surveyId === undefined || named.surveyVersion === undefined) return currentSurvey(deps, window);
  if (named.surveyId === NATIONAL_SURVEY.surveyId) {
    if (named.surveyVersion !== NATIONAL_SURVEY.version) throw ValidationError.forField('surveyVersion', 'is not a version of this survey');
    return NATIONAL_ONLY;
  }
  const found = await deps.surveys?.getVersionById(named.surveyId, named.surveyVersion);
  const path = await unitPath(deps, window);
  if (!found || !path.includes(found.unitId)) throw ValidationError.forField('surveyId', 'is not a survey of this window');
  if (found.state === 'draft') throw ValidationError.forField('surveyVersion', 'is not a published version');
  return { surveyId: found.surveyId, version: found.version, questions: found.questions };
}
