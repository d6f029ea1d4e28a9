import { describe, expect, it } from 'vitest';
import { toFieldIssues } from './errors.js';
import { SubmitRatingInput } from './rating.js';

function fieldsOf(input: unknown): string[] {
  const result = SubmitRatingInput.safeParse(input);
  return result.success ? [] : toFieldIssues(result.error).map((issue) => issue.field);
}

describe('SubmitRatingInput', () => {
  const valid = { windowCode: 'k7m2q9xa', level: 5 };

  it('accepts the smallest valid rating', () => {
    expect(fieldsOf(valid)).toEqual([]);
  });

  it('names the field for a level outside 1–5 or not an integer', () => {
    for (const level of [0, 6, 4.5, '5', null]) expect(fieldsOf({ ...valid, level })).toEqual(['level']);
  });

  it('refuses unknown fields by name, including __proto__', () => {
    expect(fieldsOf(JSON.parse('{"windowCode":"k7m2q9xa","level":5,"__proto__":{"x":1},"extra":1}')).sort()).toEqual([
      '__proto__',
      'extra',
    ]);
  });

  it('refuses a comment holding a phone or ID number, naming comment: the number goes in contactPhone, sealed', () => {
    expect(fieldsOf({ ...valid, level: 2, comment: '请回电 139 1234 5678' })).toEqual(['comment']);
    expect(fieldsOf({ ...valid, level: 2, comment: '我的身份证11010519491231002X办不了' })).toEqual(['comment']);
    expect(fieldsOf({ ...valid, level: 2, comment: '等了40分钟，3号窗口，2026-12-08' })).toEqual([]);
  });

  it('allows 差评 reasons only for 不满意 and 非常不满意', () => {
    expect(fieldsOf({ ...valid, level: 2, reasons: ['SLOW'] })).toEqual([]);
    expect(fieldsOf({ ...valid, level: 3, reasons: ['SLOW'] })).toEqual(['reasons']);
    expect(fieldsOf({ ...valid, level: 1, reasons: ['NOT_A_REASON'] })).toEqual(['reasons.0']);
  });

  it('requires consent with a contact phone, and a valid mainland mobile number', () => {
    expect(fieldsOf({ ...valid, contactPhone: '13800138000' })).toEqual(['consentToCallback']);
    expect(fieldsOf({ ...valid, contactPhone: '12800138000', consentToCallback: true })).toEqual(['contactPhone']);
    expect(fieldsOf({ ...valid, consentToCallback: true })).toEqual(['contactPhone']);
    expect(fieldsOf({ ...valid, contactPhone: '13800138000', consentToCallback: true })).toEqual([]);
  });

  it('limits comments to 500 characters without control characters', () => {
    expect(fieldsOf({ ...valid, comment: '好'.repeat(500) })).toEqual([]);
    expect(fieldsOf({ ...valid, comment: '好'.repeat(501) })).toEqual(['comment']);
    expect(fieldsOf({ ...valid, comment: 'a\u0000b' })).toEqual(['comment']);
  });

  it('starts every message with the field it is about', () => {
    const result = SubmitRatingInput.safeParse({ windowCode: '!', level: 9 });
    expect(result.success).toBe(false);
    for (const issue of toFieldIssues(result.error!)) expect(issue.message.startsWith(`${issue.field}: `)).toBe(true);
  });
});
