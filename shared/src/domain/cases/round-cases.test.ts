import { describe, expect, it } from 'vitest';
import { roundCaseAnswers } from './round-cases.js';

const answers = (stratum: string, levels: number[], comment?: string) => levels.map((level, i) => ({ id: `${stratum}-${i}`, stratum, level, ...(comment ? { comment } : {}) }));

describe('the 差评 of a closed round that open cases', () => {
  it('opens one per 不满意 or 非常不满意 in strata of at least five answers, none elsewhere, and counts the strata withheld', () => {
    const all = [...answers('lj-rs', [5, 4, 2, 1, 3]), ...answers('lj-ga', [1, 2, 5, 5]), ...answers('lj-yb', [5, 5, 5, 5, 5, 5]), ...answers('lj-sw', [1, 5])];
    const { opening, withheldStrata } = roundCaseAnswers(all);
    expect(opening.map(({ answer }) => answer.id)).toEqual(['lj-rs-2', 'lj-rs-3']);
    // Two strata under k held 差评: the count is of strata, never of their 差评 (a small cell).
    expect(withheldStrata).toBe(2);
  });

  it('keeps a comment only from a stratum of ten answers or more, and never one holding a phone number', () => {
    const five = roundCaseAnswers(answers('a', [1, 5, 5, 5, 5], '等候太久'));
    expect(five.opening.map(({ keepComment }) => keepComment)).toEqual([false]);
    const ten = roundCaseAnswers([...answers('b', [1, 5, 5, 5, 5, 5, 5, 5, 5, 5], '等候太久'), ...answers('c', [2, 5, 5, 5, 5, 5, 5, 5, 5, 5], '请回电13800138000')]);
    expect(ten.opening.map(({ answer, keepComment }) => [answer.id, keepComment])).toEqual([['b-0', true], ['c-0', false]]);
  });

  it('follows the k it is given, and opens nothing for a round without 差评', () => {
    expect(roundCaseAnswers(answers('a', [1, 3]), 2).opening.map(({ answer }) => answer.id)).toEqual(['a-0']);
    expect(roundCaseAnswers(answers('a', [4, 5, 3, 4, 5, 5]))).toEqual({ opening: [], withheldStrata: 0 });
  });
});
