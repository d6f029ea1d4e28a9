import { describe, expect, it } from 'vitest';
import { CALLBACK_OUTCOMES, CASE_STATES, caseNextStates, DEADLINE_STATES, isCaseOverdue, checkCaseTransition, deadlineKindOf, FINAL_CASE_STATES, type CallbackOutcome, type CaseState } from './case-state.js';

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
        // Of the steps, the narrowing below aside: a named case's, with a 回访 that found the resident unhappy.
        const narrowed = (from === 'called-back' && to === 'closed') || (['fixed', 'explained'].includes(from) && to === 'closed');
        if (narrowed) continue;
        const check = checkCaseTransition({ state: from, named: true, callback: 'unsatisfied' }, to);
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

  it('calls a 实名差评 back before it closes, and an anonymous case never', () => {
    for (const state of ['fixed', 'explained'] as const) {
      expect(caseNextStates({ state, named: true })).toEqual(['called-back']);
      expect(caseNextStates({ state, named: false })).toEqual(['closed']);
      expect(checkCaseTransition({ state, named: true }, 'closed')).toEqual({ ok: false, message: expect.stringContaining('a 实名差评 is called back before it closes') });
      expect(checkCaseTransition({ state, named: false }, 'called-back')).toEqual({ ok: false, message: expect.stringContaining('an anonymous case has no one to call back') });
    }
  });

  it('after the 回访, reopens the case when the resident is unhappy and closes it otherwise', () => {
    const after = (callback: CallbackOutcome) => caseNextStates({ state: 'called-back', named: true, callback });
    expect(CALLBACK_OUTCOMES.map((outcome) => [outcome, after(outcome)])).toEqual([
      ['satisfied', ['closed']],
      ['unsatisfied', ['pending']],
      ['unreached', ['closed']],
    ]);
    expect(checkCaseTransition({ state: 'called-back', named: true, callback: 'unsatisfied' }, 'closed')).toEqual({
      ok: false,
      message: expect.stringContaining('the 回访 found the resident unhappy: the case reopens'),
    });
    expect(checkCaseTransition({ state: 'called-back', named: true, callback: 'satisfied' }, 'pending')).toEqual({ ok: false, message: expect.stringContaining('the 回访 is recorded: the case closes') });
  });

  it('ends in 已办结 and 申诉成立 only', () => {
    expect([...FINAL_CASE_STATES].sort()).toEqual(['appeal-upheld', 'closed']);
    expect(checkCaseTransition({ state: 'closed', named: false }, 'pending')).toEqual({ ok: false, message: expect.stringContaining('closed (已办结) is final') });
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

  it('is 超期 the day after its due day while a deadline runs, never on it and never in a state without one', () => {
    expect(DEADLINE_STATES).toEqual(['pending', 'immediate', 'deadline']);
    expect(isCaseOverdue('deadline', '2026-10-09', '2026-10-09')).toBe(false);
    expect(isCaseOverdue('deadline', '2026-10-09', '2026-10-10')).toBe(true);
    expect(isCaseOverdue('pending', '2026-09-30', '2026-10-08')).toBe(true);
    expect(isCaseOverdue('fixed', '2026-09-30', '2026-10-08')).toBe(false);
    expect(isCaseOverdue('appealing', undefined, '2026-10-08')).toBe(false);
  });
});
