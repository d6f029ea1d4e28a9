import { describe, expect, it } from 'vitest';
import { CASE_STATES, checkCaseTransition, deadlineKindOf, FINAL_CASE_STATES, type CaseState } from './case-state.js';

/** The legal steps, written out from issue 15 §1–2 (not from the table under test). */
const LEGAL: readonly [CaseState, CaseState][] = [
  ['pending', 'immediate'],
  ['pending', 'deadline'],
  ['pending', 'explained'],
  ['pending', 'appealing'],
  ['immediate', 'fixed'],
  ['deadline', 'fixed'],
  ['explained', 'called-back'],
  ['explained', 'closed'],
  ['fixed', 'called-back'],
  ['fixed', 'closed'],
  ['called-back', 'closed'],
  ['called-back', 'pending'],
  ['appealing', 'appeal-upheld'],
  ['appealing', 'appeal-rejected'],
  ['appeal-rejected', 'immediate'],
  ['appeal-rejected', 'deadline'],
  ['appeal-rejected', 'explained'],
];

describe('the case state machine', () => {
  it('allows exactly the legal steps, and refuses every other pair naming both states and where the case may go', () => {
    const legal = new Set(LEGAL.map(([from, to]) => `${from}>${to}`));
    let refused = 0;
    for (const from of CASE_STATES) {
      for (const to of CASE_STATES) {
        const check = checkCaseTransition(from, to);
        expect(check.ok, `${from} → ${to}`).toBe(legal.has(`${from}>${to}`));
        if (!check.ok) {
          refused++;
          expect(check.message).toContain(`the case is ${from}`);
          expect(check.message).toContain(`cannot go to ${to}`);
        }
      }
    }
    expect(refused).toBe(CASE_STATES.length ** 2 - LEGAL.length);
  });

  it('ends in 已办结 and 申诉成立 only', () => {
    expect([...FINAL_CASE_STATES].sort()).toEqual(['appeal-upheld', 'closed']);
    expect(checkCaseTransition('closed', 'pending')).toEqual({ ok: false, message: expect.stringContaining('closed (已办结) is final') });
  });

  it('runs a deadline while a case waits for verification or a fix, none otherwise', () => {
    expect(CASE_STATES.map((state) => [state, deadlineKindOf(state) ?? null])).toEqual([
      ['pending', 'verify'],
      ['immediate', 'immediate'],
      ['deadline', 'deadline'],
      ['explained', null],
      ['fixed', null],
      ['called-back', null],
      ['closed', null],
      ['appealing', null],
      ['appeal-upheld', null],
      ['appeal-rejected', null],
    ]);
  });
});
