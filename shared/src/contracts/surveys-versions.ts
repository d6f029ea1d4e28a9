import * as z from 'zod';
import { QUESTION_KINDS, SURVEY_LIMITS, SURVEY_VERSION_STATES } from '../domain/survey-version.js';
import { text } from './text.js';

// Agency-written text is shown to residents and printed: text as text.ts defines it. Title and
// choices are one line; a question's text may span lines.
const line = (max: number) => text({ min: 1, max, empty: 'must not be empty' });

export const UnitIdParam = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be 1–64 letters, digits, - or _');
// A path segment, read as a version number only once the caller's role and scope are checked: a
// version that is not a number is a version that does not exist (404), like one out of scope.
const VersionParam = z.string().min(1).max(16).meta({ description: 'Version number: 1, 2, …', example: '1' });

export const SurveyChoiceInput = z.strictObject({ id: z.string().regex(/^c\d{1,2}$/, 'must be c1, c2, …'), text: line(SURVEY_LIMITS.choiceText) });

export const SurveyQuestionInput = z
  .strictObject({
    id: z.string().regex(/^q\d{1,3}$/, 'must be q1, q2, …'),
    kind: z.enum(QUESTION_KINDS),
    text: text({ min: 1, max: SURVEY_LIMITS.questionText, multiline: true, empty: 'must not be empty' }),
    required: z.boolean().default(false),
    choices: z.array(SurveyChoiceInput).max(SURVEY_LIMITS.choices, { error: `must have at most ${SURVEY_LIMITS.choices} choices` }).optional(),
  })
  .superRefine((question, ctx) => {
    const withChoices = question.kind === 'single' || question.kind === 'multiple';
    if (withChoices && (question.choices?.length ?? 0) < 2) {
      ctx.addIssue({ code: 'custom', path: ['choices'], message: 'a choice question needs at least 2 choices' });
    }
    if (!withChoices && question.choices?.length) {
      ctx.addIssue({ code: 'custom', path: ['choices'], message: `a ${question.kind} question has no choices` });
    }
    const ids = (question.choices ?? []).map((c) => c.id);
    if (new Set(ids).size !== ids.length) ctx.addIssue({ code: 'custom', path: ['choices'], message: 'choice ids must be unique' });
  });

/** The body that replaces a draft's content. */
export const SurveyDraftInput = z
  .strictObject({
    title: line(SURVEY_LIMITS.title),
    questions: z.array(SurveyQuestionInput).max(SURVEY_LIMITS.questions, { error: `must have at most ${SURVEY_LIMITS.questions} questions` }),
  })
  .superRefine((draft, ctx) => {
    const ids = draft.questions.map((q) => q.id);
    if (new Set(ids).size !== ids.length) ctx.addIssue({ code: 'custom', path: ['questions'], message: 'question ids must be unique' });
  })
  .meta({
    id: 'SurveyDraftInput',
    examples: [
      {
        title: '本单位补充问卷',
        questions: [
          { id: 'q1', kind: 'single', text: '您本次办理的事项', required: true, choices: [{ id: 'c1', text: '社保' }, { id: 'c2', text: '医保' }] },
          { id: 'q2', kind: 'rating', text: '等候时间是否可以接受', required: false },
        ],
      },
    ],
  });
export type SurveyDraftInput = z.infer<typeof SurveyDraftInput>;

export const SurveyChoice = z.object({ id: z.string(), text: z.string() });
export const SurveyQuestion = z.object({
  id: z.string(),
  kind: z.enum(QUESTION_KINDS),
  text: z.string(),
  required: z.boolean(),
  choices: z.array(SurveyChoice).optional(),
});

/** The agency's own section as a resident is shown it (after the national part). */
export const AgencySectionCard = z
  .object({
    surveyId: z.string(),
    version: z.number().int(),
    unitId: z.string(),
    title: z.string(),
    questions: z.array(SurveyQuestion),
  })
  .meta({ id: 'AgencySectionCard' });
export type AgencySectionCard = z.infer<typeof AgencySectionCard>;

export const SurveyVersionOutput = z
  .object({
    surveyId: z.string(),
    unitId: z.string(),
    version: z.number().int(),
    state: z.enum(SURVEY_VERSION_STATES),
    title: z.string(),
    questions: z.array(SurveyQuestion),
    createdAt: z.string(),
    publishedAt: z.string().optional(),
    retiredAt: z.string().optional(),
  })
  .meta({ id: 'SurveyVersionOutput' });
export type SurveyVersionOutput = z.infer<typeof SurveyVersionOutput>;

export const SurveyVersionList = z
  .object({
    unit: z.object({ id: z.string(), name: z.string() }),
    surveyId: z.string(),
    versions: z.array(SurveyVersionOutput.omit({ questions: true }).extend({ questionCount: z.number().int() })),
    /** What this unit's windows show: its own applicable version, an ancestor's, or none (national only). */
    applies: z
      .object({ surveyId: z.string(), version: z.number().int(), unitId: z.string(), inherited: z.boolean() })
      .nullable(),
  })
  .meta({ id: 'SurveyVersionList' });
export type SurveyVersionList = z.infer<typeof SurveyVersionList>;

export const SurveyUnitParams = z.strictObject({ id: UnitIdParam }).meta({ id: 'SurveyUnitParams' });
export const SurveyVersionParams = z.strictObject({ id: UnitIdParam, version: VersionParam }).meta({ id: 'SurveyVersionParams' });
