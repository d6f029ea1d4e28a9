/**
 * 问卷版本: an agency's own section of the questionnaire, shown after the locked national part.
 * A version starts as a draft, is published once (and is immutable from then on) and may be
 * retired. Ratings keep pointing at the version they answered, whatever happens to it later.
 */

export const SURVEY_VERSION_STATES = ['draft', 'published', 'retired'] as const;
export type SurveyVersionState = (typeof SURVEY_VERSION_STATES)[number];

export const SURVEY_VERSION_EVENTS = ['edit', 'publish', 'retire'] as const;
export type SurveyVersionEvent = (typeof SURVEY_VERSION_EVENTS)[number];

/**
 * The lifecycle as a table: state → event → next state. A missing entry is a refused transition
 * (a published version cannot be edited or published again; a retired one is final).
 */
export const SURVEY_VERSION_TRANSITIONS: Record<SurveyVersionState, Partial<Record<SurveyVersionEvent, SurveyVersionState>>> = {
  draft: { edit: 'draft', publish: 'published' },
  published: { retire: 'retired' },
  retired: {},
};

/** The next state, or undefined when `event` is not allowed in `state`. */
export function transition(state: SurveyVersionState, event: SurveyVersionEvent): SurveyVersionState | undefined {
  return SURVEY_VERSION_TRANSITIONS[state][event];
}

export const QUESTION_KINDS = ['single', 'multiple', 'rating', 'text'] as const;
export type QuestionKind = (typeof QUESTION_KINDS)[number];

/** Limits of an agency section; they keep the resident page small (≤ 15 KB of HTML). */
export const SURVEY_LIMITS = {
  questions: 10,
  choices: 8,
  questionText: 200,
  choiceText: 60,
  title: 60,
  /** Text answers, like the national comment. */
  textAnswer: 500,
  rating: { min: 1, max: 5 },
} as const;

export interface SurveyChoice {
  /** Stable within a version: `c1`, `c2`, … */
  id: string;
  text: string;
}

export interface SurveyQuestion {
  /** Stable within a version and copied into the next draft: `q1`, `q2`, … */
  id: string;
  kind: QuestionKind;
  text: string;
  required: boolean;
  /** Only for `single` and `multiple`. */
  choices?: SurveyChoice[];
}

export interface AgencySection {
  title: string;
  questions: SurveyQuestion[];
}

/** The survey id of a unit's own section: one survey per unit, versioned 1, 2, 3 … */
export function agencySurveyId(unitId: string): string {
  return `agency-${unitId}`;
}

export interface VersionSummary {
  version: number;
  state: SurveyVersionState;
}

/**
 * Which of a unit's versions applies to its windows: the newest published one. Retiring it makes
 * the previous published version apply again; with none left, the window shows the national part only.
 */
export function applicableVersion<V extends VersionSummary>(versions: readonly V[]): V | undefined {
  return versions.filter((v) => v.state === 'published').reduce<V | undefined>((best, v) => (!best || v.version > best.version ? v : best), undefined);
}

/**
 * The section a window shows: the unit's own, else the nearest ancestor's. `path` runs from the
 * root to the window's unit; `current` maps unit id → its applicable version (if any).
 */
export function nearestSection<T>(path: readonly string[], current: ReadonlyMap<string, T>): T | undefined {
  for (let i = path.length - 1; i >= 0; i--) {
    const found = current.get(path[i]!);
    if (found !== undefined) return found;
  }
  return undefined;
}
