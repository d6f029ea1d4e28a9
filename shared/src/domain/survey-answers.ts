import { SURVEY_LIMITS, type SurveyQuestion } from './survey-version.js';

/** What a resident may send for one question: a choice id, a list of them, a rating or a text. */
export type AnswerValue = string | number | string[];
/** Stored answers: question id → value, only for questions that were answered. */
export type SurveyAnswers = Record<string, AnswerValue>;

export interface AnswerIssue {
  /** `answers.q2`: the API's field path of the answer. */
  field: string;
  message: string;
}

// The same rules as the national comment: no control characters but tab and newline (NUL breaks
// CSV and PDF tooling), and well-formed Unicode (a lone surrogate has no UTF-8 form).
const CONTROL_CHARACTERS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/;

function checkText(value: string): string | undefined {
  if (value.length > SURVEY_LIMITS.textAnswer) return `must be at most ${SURVEY_LIMITS.textAnswer} characters`;
  if (CONTROL_CHARACTERS.test(value)) return 'must not contain control characters';
  if (!value.isWellFormed()) return 'must be valid Unicode text';
  return undefined;
}

function isBlank(value: AnswerValue | undefined): boolean {
  return value === undefined || (typeof value === 'string' && value.trim() === '') || (Array.isArray(value) && value.length === 0);
}

/**
 * Check a resident's answers against the questions of the version they were shown, server-side.
 * Unknown question ids, values of the wrong kind and choices that do not exist are issues naming
 * `answers.{questionId}`; blank answers count as unanswered. Returns the answers to store
 * (texts trimmed, blanks dropped) only when there is no issue.
 */
export function validateAnswers(
  questions: readonly SurveyQuestion[],
  answers: Readonly<Record<string, AnswerValue>>,
): { ok: true; answers: SurveyAnswers } | { ok: false; issues: AnswerIssue[] } {
  const issues: AnswerIssue[] = [];
  const byId = new Map(questions.map((q) => [q.id, q]));
  const stored: SurveyAnswers = {};

  for (const id of Object.keys(answers)) {
    if (!byId.has(id)) issues.push({ field: `answers.${id}`, message: 'is not a question of this survey version' });
  }

  for (const question of questions) {
    const field = `answers.${question.id}`;
    const value = Object.hasOwn(answers, question.id) ? answers[question.id] : undefined;
    if (isBlank(value)) {
      if (question.required) issues.push({ field, message: 'is required' });
      continue;
    }
    const choiceIds = new Set((question.choices ?? []).map((c) => c.id));
    const problem = ((): string | undefined => {
      switch (question.kind) {
        case 'single':
          if (typeof value !== 'string') return 'must be one choice id';
          return choiceIds.has(value) ? undefined : 'is not a choice of this question';
        case 'multiple': {
          const list = typeof value === 'string' ? [value] : value;
          if (!Array.isArray(list) || !list.every((v) => typeof v === 'string')) return 'must be a list of choice ids';
          if (new Set(list).size !== list.length) return 'must not repeat a choice';
          return list.every((v) => choiceIds.has(v)) ? undefined : 'is not a choice of this question';
        }
        case 'rating': {
          const { min, max } = SURVEY_LIMITS.rating;
          const n = typeof value === 'string' && /^\d$/.test(value) ? Number(value) : value;
          return typeof n === 'number' && Number.isInteger(n) && n >= min && n <= max ? undefined : `must be an integer from ${min} to ${max}`;
        }
        case 'text':
          return typeof value === 'string' ? checkText(value.trim()) : 'must be text';
      }
    })();
    if (problem) {
      issues.push({ field, message: problem });
      continue;
    }
    if (question.kind === 'multiple') stored[question.id] = typeof value === 'string' ? [value] : (value as string[]);
    else if (question.kind === 'rating') stored[question.id] = Number(value);
    else stored[question.id] = (value as string).trim();
  }
  return issues.length > 0 ? { ok: false, issues } : { ok: true, answers: stored };
}
