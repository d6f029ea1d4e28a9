import { describe, expect, it } from 'vitest';
import { roundCaseAnswers } from './round-cases.js';

const answers = (stratum: string, levels: number[]) => levels.map((level, i) => ({ id: `${stratum}-${i}`, stratum, level }));

describe('the 差评 of a closed round that open cases', () => {
  it('opens one per 不满意 or 非常不满意 in strata of at least five answers, none elsewhere, and counts those withheld', () => {
    const all = [...answers('lj-rs', [5, 4, 2, 1, 3]), ...answers('lj-ga', [1, 2, 5, 5]), ...answers('lj-yb', [5, 5, 5, 5, 5, 5])];
    const { opening, withheld } = roundCaseAnswers(all);
    expect(opening.map((answer) => answer.id)).toEqual(['lj-rs-2', 'lj-rs-3']);
    // 两条差评 of a stratum of four answers: they point at a handful of people, so no case.
    expect(withheld).toBe(2);
  });

  it('follows the k it is given, and opens nothing for a round without 差评', () => {
    expect(roundCaseAnswers(answers('a', [1, 3]), 2).opening.map((answer) => answer.id)).toEqual(['a-0']);
    expect(roundCaseAnswers(answers('a', [4, 5, 3, 4, 5, 5]))).toEqual({ opening: [], withheld: 0 });
  });
});
