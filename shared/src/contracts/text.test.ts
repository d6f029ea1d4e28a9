import * as z from 'zod';
import { describe, expect, it } from 'vitest';
import { AccountCreateInput, AccountParams, AccountUpdateInput, AuditQuery } from './accounts-schemas.js';
import { LoginInput } from './auth.js';
import { toFieldIssues } from './errors.js';
import { RateDefinitionInput } from './ops-reports.js';
import { CreateHallInput, UpdateHallInput } from './org-halls.js';
import { CreateStaffInput, UpdateStaffInput } from './org-staff.js';
import { CreateUnitInput, RenameUnitInput } from './org-units.js';
import { CreateWindowInput, UpdateWindowInput } from './org-windows.js';
import { SubmitRatingInput } from './rating.js';
import { SurveyDraftInput } from './surveys-versions.js';
import { safeRecord, text, TEXT_MESSAGES } from './text.js';

/** The messages a value gets from a schema ([] when it is accepted). */
function problems(schema: z.ZodType, value: unknown): string[] {
  const result = schema.safeParse(value);
  return result.success ? [] : result.error.issues.map((issue) => issue.message);
}

const C0_BUT_TAB_LF_CR = [...Array(0x20).keys()].filter((code) => ![0x09, 0x0a, 0x0d].includes(code)).map((code) => String.fromCharCode(code));
const C1 = [...Array(0x20).keys()].map((code) => String.fromCharCode(0x80 + code));
const LINE_BREAKS = ['\t', '\n', '\r', '\r\n'];
const LONE_SURROGATES = ['\ud800', '\udbff', '\udc00', '\udfff', '\udc00\ud800', 'a\ud83d'];

describe('text()', () => {
  const line = text({ min: 1, max: 60 });
  const multi = text({ max: 500, multiline: true });

  it('accepts CJK, emoji (surrogate pairs), the full-width space and other printable text', () => {
    for (const value of ['临江县政务服务中心', '王　静', '😀👍🏽', '👨‍👩‍👧', 'café', 'Ünïcödé', '１２３', 'a\u00a0b', '（社保）・—“”', '𠀀𪚥']) {
      expect(problems(line, value), JSON.stringify(value)).toEqual([]);
      expect(problems(multi, value), JSON.stringify(value)).toEqual([]);
    }
  });

  it('refuses every C0 control but TAB, LF and CR, in single- and multi-line text', () => {
    for (const char of C0_BUT_TAB_LF_CR) {
      expect(problems(line, `a${char}b`), JSON.stringify(char)).toEqual([TEXT_MESSAGES.control]);
      expect(problems(multi, `a${char}b`), JSON.stringify(char)).toEqual([TEXT_MESSAGES.control]);
    }
  });

  it('refuses DEL and every C1 control (U+0080–U+009F)', () => {
    for (const char of ['\u007f', ...C1]) {
      expect(problems(line, `a${char}b`), JSON.stringify(char)).toEqual([TEXT_MESSAGES.control]);
      expect(problems(multi, `a${char}b`), JSON.stringify(char)).toEqual([TEXT_MESSAGES.control]);
    }
    // The neighbours are text.
    expect(problems(line, 'a~b\u00a0c')).toEqual([]);
  });

  it('allows TAB, LF and CR inside multi-line text only', () => {
    for (const lineBreak of LINE_BREAKS) {
      expect(problems(multi, `第一行${lineBreak}第二行`), JSON.stringify(lineBreak)).toEqual([]);
      expect(problems(line, `第一行${lineBreak}第二行`), JSON.stringify(lineBreak)).toEqual([TEXT_MESSAGES.control]);
    }
  });

  it('refuses lone surrogates, high or low, anywhere', () => {
    for (const lone of LONE_SURROGATES) {
      expect(problems(line, `王${lone}静`), JSON.stringify(lone)).toEqual([TEXT_MESSAGES.unicode]);
      expect(problems(multi, lone), JSON.stringify(lone)).toEqual([TEXT_MESSAGES.unicode]);
    }
  });

  it('refuses a lone surrogate as it arrives in JSON, as the "\\ud800" escape', () => {
    const body = JSON.parse(JSON.stringify({ name: '临江\ud800县' })) as { name: string };
    expect(JSON.stringify({ name: '临江\ud800县' })).toContain('\\ud800');
    expect(problems(line, body.name)).toEqual([TEXT_MESSAGES.unicode]);
  });

  it('trims (the full-width space too) before the length and character checks, unless told not to', () => {
    expect(line.parse('\u3000 临江县\t\n')).toBe('临江县');
    expect(problems(line, '   ')).toEqual([TEXT_MESSAGES.required]);
    expect(problems(line, ` ${'好'.repeat(60)} `)).toEqual([]);
    const asSent = text({ min: 1, max: 5, trim: false });
    expect(asSent.parse(' ab ')).toBe(' ab ');
    expect(problems(asSent, 'ab\t')).toEqual([TEXT_MESSAGES.control]);
  });

  it('keeps the limits and the existing messages', () => {
    expect(problems(line, '好'.repeat(61))).toEqual(['must be at most 60 characters']);
    expect(problems(line, '')).toEqual(['is required']);
    expect(problems(text({ min: 1, max: 5, empty: 'must not be empty' }), '')).toEqual(['must not be empty']);
    expect(problems(text({ min: 3, max: 5 }), 'ab')).toEqual(['must be at least 3 characters']);
    expect(problems(text({ max: 5 }), '')).toEqual([]);
    expect(problems(line, 42)).toHaveLength(1);
  });

  it('names every problem of one value', () => {
    expect(problems(line, `${'好'.repeat(60)}\u0000\ud800`)).toEqual(['must be at most 60 characters', TEXT_MESSAGES.control, TEXT_MESSAGES.unicode]);
  });
});

describe('safeRecord()', () => {
  const Answers = z.strictObject({ answers: safeRecord(z.string().regex(/^q\d{1,3}$/, 'must be a question id such as q1'), z.union([z.string(), z.int()])) });
  const fieldsOf = (json: string) => {
    const result = Answers.safeParse(JSON.parse(json));
    return result.success ? [] : toFieldIssues(result.error).map((issue) => issue.message);
  };

  it('refuses __proto__, constructor and prototype as keys, naming answers.<key>, even when JSON.parse made __proto__ an own key', () => {
    expect(fieldsOf('{"answers":{"__proto__":{"q1":"c1"}}}')).toEqual(['answers.__proto__: is not allowed as a key']);
    expect(fieldsOf('{"answers":{"q1":"c1","__proto__":"c1"}}')).toEqual(['answers.__proto__: is not allowed as a key']);
    expect(fieldsOf('{"answers":{"constructor":1}}')).toEqual(['answers.constructor: is not allowed as a key']);
    expect(fieldsOf('{"answers":{"prototype":1,"__proto__":2}}')).toEqual(['answers.prototype: is not allowed as a key', 'answers.__proto__: is not allowed as a key']);
  });

  it('still checks every other key and value, and keeps a plain result', () => {
    expect(fieldsOf('{"answers":{"q1":"c1","q3":4}}')).toEqual([]);
    const parsed = Answers.parse(JSON.parse('{"answers":{"q1":"c1"}}'));
    expect(Object.getPrototypeOf(parsed.answers)).toBe(Object.prototype);
    expect(fieldsOf('{"answers":{"x1":"c1"}}')).toHaveLength(1);
    expect(fieldsOf('{"answers":"q1"}')).toHaveLength(1);
    expect(fieldsOf('{"answers":["q1"]}')).toHaveLength(1);
    expect(fieldsOf('{"answers":null}')).toHaveLength(1);
  });

  it('gives the values as the value schema makes them (a trimmed text stays trimmed)', () => {
    const Labels = safeRecord(z.string(), text({ max: 10 }));
    expect(Labels.parse({ a: ' 甲 ', b: '乙' })).toEqual({ a: '甲', b: '乙' });
  });
});

describe('every free-text field of the inputs uses the text type', () => {
  const staff = { staffNo: 'LJ1001', name: '王静', post: '综合受理员', duties: '一窗受理', pledge: '首问负责', partyMember: false };
  const account = { username: 'zhao.min', displayName: '赵敏', personId: 'P100', role: 'committee', unitId: 'lj', password: 'Strong-Pass-2026!' };
  const question = { id: 'q1', kind: 'single', text: '您办理的事项', choices: [{ id: 'c1', text: '社保' }, { id: 'c2', text: '医保' }] };
  const draft = { title: '本单位补充问卷', questions: [question] };
  const rating = { windowCode: 'k7m2q9xa', level: 4, surveyId: 'agency-lj', surveyVersion: 1 };
  const audit = { from: '2026-01-01', to: '2026-01-31' };
  const cases: [string, z.ZodType, Record<string, unknown>, string, (value: string) => Record<string, unknown>][] = [
    ['unit name', CreateUnitInput, { name: '临江县', parentId: null }, 'name', (v) => ({ name: v, parentId: null })],
    ['unit rename', RenameUnitInput, { name: '临江县' }, 'name', (v) => ({ name: v })],
    ['hall name', CreateHallInput, { name: '大厅' }, 'name', (v) => ({ name: v })],
    ['hall address', UpdateHallInput, { address: '滨江大道88号' }, 'address', (v) => ({ address: v })],
    ['window name', CreateWindowInput, { name: '1号窗口' }, 'name', (v) => ({ name: v })],
    ['service item name', UpdateWindowInput, { serviceItems: [{ name: '社保卡补办' }] }, 'serviceItems.0.name', (v) => ({ serviceItems: [{ name: v }] })],
    ['service item code', UpdateWindowInput, { serviceItems: [{ code: 'S1', name: '社保卡补办' }] }, 'serviceItems.0.code', (v) => ({ serviceItems: [{ code: v, name: '社保卡补办' }] })],
    ['staff name', CreateStaffInput, staff, 'name', (v) => ({ ...staff, name: v })],
    ['staff post', CreateStaffInput, staff, 'post', (v) => ({ ...staff, post: v })],
    ['staff duties', UpdateStaffInput, { duties: '一窗受理' }, 'duties', (v) => ({ duties: v })],
    ['staff pledge', UpdateStaffInput, { pledge: '首问负责' }, 'pledge', (v) => ({ pledge: v })],
    ['survey title', SurveyDraftInput, draft, 'title', (v) => ({ ...draft, title: v })],
    ['question text', SurveyDraftInput, draft, 'questions.0.text', (v) => ({ ...draft, questions: [{ ...question, text: v }] })],
    ['choice text', SurveyDraftInput, draft, 'questions.0.choices.0.text', (v) => ({ ...draft, questions: [{ ...question, choices: [{ id: 'c1', text: v }, question.choices[1]] }] })],
    ['account displayName', AccountCreateInput, account, 'displayName', (v) => ({ ...account, displayName: v })],
    ['account personId', AccountCreateInput, account, 'personId', (v) => ({ ...account, personId: v })],
    ['account displayName (update)', AccountUpdateInput, { displayName: '赵敏' }, 'displayName', (v) => ({ displayName: v })],
    ['account username (path)', AccountParams, { username: 'zhao.min' }, 'username', (v) => ({ username: v })],
    ['audit actor', AuditQuery, audit, 'actor', (v) => ({ ...audit, actor: v })],
    ['audit action', AuditQuery, audit, 'action', (v) => ({ ...audit, action: v })],
    ['login username', LoginInput, { username: 'admin', password: 'x' }, 'username', (v) => ({ username: v, password: 'x' })],
    ['rate definition name', RateDefinitionInput, { id: 'strict', name: '严格口径', goodLevels: [5], satisfiedLevels: [5] }, 'name', (v) => ({ id: 'strict', name: v, goodLevels: [5], satisfiedLevels: [5] })],
    ['rating comment', SubmitRatingInput, rating, 'comment', (v) => ({ ...rating, comment: v })],
    ['rating serviceItem', SubmitRatingInput, rating, 'serviceItem', (v) => ({ ...rating, serviceItem: v })],
    ['rating text answer', SubmitRatingInput, rating, 'answers.q4', (v) => ({ ...rating, answers: { q4: v } })],
    ['rating choice answer', SubmitRatingInput, rating, 'answers.q2.0', (v) => ({ ...rating, answers: { q2: [v] } })],
  ];
  const fieldsOf = (schema: z.ZodType, input: unknown) => {
    const result = schema.safeParse(input);
    return result.success ? [] : toFieldIssues(result.error).map((issue) => issue.field);
  };

  it.each(cases)('%s: refuses NUL, BEL, ESC, DEL, C1 and a lone surrogate, naming the field; accepts CJK and emoji', (_, schema, valid, field, withValue) => {
    expect(fieldsOf(schema, valid)).toEqual([]);
    expect(fieldsOf(schema, withValue('王　静😀'))).toEqual([]);
    for (const bad of ['\u0000', '\u0007', '\u001b', '\u007f', '\u0085', '\ud800', '\udfff']) {
      expect(fieldsOf(schema, withValue(`王${bad}静`)), JSON.stringify(bad)).toEqual([field]);
    }
  });

  it('lets multi-line fields (comment, text answer, duties, pledge, question text) carry TAB, LF and CR, and no other field', () => {
    const multiLine = new Set(['rating comment', 'rating text answer', 'staff duties', 'staff pledge', 'question text']);
    for (const [name, schema, , field, withValue] of cases) {
      expect(fieldsOf(schema, withValue('王\t静\r\n好')), name).toEqual(multiLine.has(name) ? [] : [field]);
    }
  });
});
