import type { FieldIssue } from '#shared/contracts/errors.js';
import type { WindowCard } from '#shared/contracts/window-card.js';
import type { SurveyMessages } from '$lib/i18n-surveys';

/**
 * The agency's own questions on the resident page, after the national part. Inputs are named
 * after the API's field paths (`answers.q1`; `answers.q2[]` for a multiple choice) so that the
 * API's issues find their question. Ratings are posted as '1'…'5' and checked by the API.
 */
export type AgencySectionView = NonNullable<WindowCard['agencySection']>;

/** What was posted for the section, echoed back after a refusal: question id → value(s). */
export type AgencyAnswerValues = Record<string, string | string[]>;

const MAX_QUESTIONS = 16;
// Echoed values are clamped like the comment (see rating-form.ts): a huge post must not make a huge page.
const ECHO_LIMIT = 600;

export function readAgencyAnswers(form: FormData): { survey?: { surveyId: string; surveyVersion: number }; answers: AgencyAnswerValues } {
  const answers: AgencyAnswerValues = {};
  for (const [name, value] of form) {
    const match = /^answers\.(q\d{1,3})(\[\])?$/.exec(name);
    if (!match || typeof value !== 'string' || (Object.keys(answers).length >= MAX_QUESTIONS && !(match[1]! in answers))) continue;
    const id = match[1]!;
    if (match[2]) answers[id] = [...((answers[id] as string[] | undefined) ?? []), value.slice(0, 8)].slice(0, 16);
    else answers[id] = value.slice(0, ECHO_LIMIT);
  }
  const surveyId = form.get('surveyId');
  const surveyVersion = form.get('surveyVersion');
  const survey =
    typeof surveyId === 'string' && typeof surveyVersion === 'string' && /^\d{1,4}$/.test(surveyVersion) && surveyId !== ''
      ? { surveyId: surveyId.slice(0, 80), surveyVersion: Number(surveyVersion) }
      : undefined;
  return { ...(survey ? { survey } : {}), answers };
}

/** Only what the resident answered goes into the body; blank texts are left out (unanswered). */
export function agencyRequestPart(posted: ReturnType<typeof readAgencyAnswers>): { surveyId?: string; surveyVersion?: number; answers?: Record<string, string | string[]> } {
  const answers = Object.fromEntries(
    Object.entries(posted.answers)
      .map(([id, value]) => [id, typeof value === 'string' ? value.replace(/\r\n?/g, '\n').trim() : value] as const)
      .filter(([, value]) => value.length > 0),
  );
  return { ...(posted.survey ?? {}), ...(Object.keys(answers).length > 0 ? { answers } : {}) };
}

/** The API's `answers.q1` issues as messages next to their questions; other issues are left to the rating form. */
export function agencyErrors(issues: FieldIssue[] | undefined, t: SurveyMessages['section']): { errors: Record<string, string>; rest: FieldIssue[] } {
  const errors: Record<string, string> = {};
  const rest: FieldIssue[] = [];
  for (const issue of issues ?? []) {
    const match = /^answers\.(q\d{1,3})$/.exec(issue.field);
    if (match) errors[`answers.${match[1]}`] = /required/.test(issue.message) ? t.answerRequired : t.answerInvalid;
    else if (issue.field === 'surveyId' || issue.field === 'surveyVersion' || issue.field === 'answers') errors.answers = t.answerInvalid;
    else rest.push(issue);
  }
  return { errors, rest };
}
