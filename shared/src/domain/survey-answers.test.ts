import { describe, expect, it } from 'vitest';
import { validateAnswers } from './survey-answers.js';
import type { SurveyQuestion } from './survey-version.js';

const questions: SurveyQuestion[] = [
  { id: 'q1', kind: 'single', text: '您办理的事项', required: true, choices: [{ id: 'c1', text: '社保' }, { id: 'c2', text: '医保' }] },
  { id: 'q2', kind: 'multiple', text: '您了解办事指南的途径', required: false, choices: [{ id: 'c1', text: '网站' }, { id: 'c2', text: '电话' }, { id: 'c3', text: '现场' }] },
  { id: 'q3', kind: 'rating', text: '等候时间', required: false },
  { id: 'q4', kind: 'text', text: '其他建议', required: false },
];

const fields = (result: ReturnType<typeof validateAnswers>) => (result.ok ? [] : result.issues.map((i) => i.field));

describe('validateAnswers', () => {
  it('accepts answers of the right kinds and stores them normalised', () => {
    const result = validateAnswers(questions, { q1: 'c2', q2: ['c1', 'c3'], q3: 4, q4: '  多设几个座位  ' });
    expect(result).toEqual({ ok: true, answers: { q1: 'c2', q2: ['c1', 'c3'], q3: 4, q4: '多设几个座位' } });
  });

  it('drops blank optional answers', () => {
    expect(validateAnswers(questions, { q1: 'c1', q2: [], q4: '   ' })).toEqual({ ok: true, answers: { q1: 'c1' } });
  });

  it('names an unknown question id', () => {
    expect(fields(validateAnswers(questions, { q1: 'c1', q9: 'x' }))).toEqual(['answers.q9']);
  });

  it('names a missing required answer', () => {
    expect(fields(validateAnswers(questions, { q3: 5 }))).toEqual(['answers.q1']);
  });

  it('names a choice that does not exist', () => {
    expect(fields(validateAnswers(questions, { q1: 'c9' }))).toEqual(['answers.q1']);
    expect(fields(validateAnswers(questions, { q1: 'c1', q2: ['c1', 'c7'] }))).toEqual(['answers.q2']);
  });

  it('names values of the wrong kind', () => {
    expect(fields(validateAnswers(questions, { q1: ['c1'], q3: 'very', q4: 3 }))).toEqual(['answers.q1', 'answers.q3', 'answers.q4']);
  });

  it('refuses ratings outside 1–5 and repeated choices', () => {
    expect(fields(validateAnswers(questions, { q1: 'c1', q3: 6 }))).toEqual(['answers.q3']);
    expect(fields(validateAnswers(questions, { q1: 'c1', q3: 2.5 }))).toEqual(['answers.q3']);
    expect(fields(validateAnswers(questions, { q1: 'c1', q2: ['c1', 'c1'] }))).toEqual(['answers.q2']);
  });

  it('holds text answers to the comment rules: ≤ 500 characters, no control characters, valid Unicode', () => {
    expect(fields(validateAnswers(questions, { q1: 'c1', q4: '好'.repeat(500) }))).toEqual([]);
    expect(fields(validateAnswers(questions, { q1: 'c1', q4: '好'.repeat(501) }))).toEqual(['answers.q4']);
    expect(fields(validateAnswers(questions, { q1: 'c1', q4: 'a\u0000b' }))).toEqual(['answers.q4']);
    expect(fields(validateAnswers(questions, { q1: 'c1', q4: 'a\ud800b' }))).toEqual(['answers.q4']);
  });

  it('does not treat inherited property names as questions', () => {
    expect(fields(validateAnswers(questions, JSON.parse('{"q1":"c1","__proto__":"x"}')))).toEqual(['answers.__proto__']);
  });
});
