import { describe, expect, it } from 'vitest';
import { addCaseCounters, caseCounterDelta, caseCounters, caseMetricParts, type CaseCounters, type CaseProgress } from './case-metrics.js';
import { caseMetricsShape } from '../report-cases.js';

/**
 * 差评整改 metrics (issue 15 §4), hand-computed. Ten cases of one window:
 *   A 实名, fixed on time, called back satisfied, closed after 3 working days
 *   B 实名, explained late, called back unhappy (reopened), fixed again, called back satisfied, closed after 9
 *   C anonymous, fixed on time, closed after 1
 *   D anonymous, fixed late, not closed yet
 *   E 实名, fixed on time, 回访 not reached, closed after 4
 *   F anonymous, appeal upheld
 *   G anonymous, appeal rejected, then explained on time, closed after 2
 *   H, I, J anonymous, still 待核实
 */
const base: CaseProgress = { state: 'pending', named: false, reopened: 0 };
const CASES: Record<string, CaseProgress> = {
  A: { ...base, named: true, state: 'closed', handled: 'on-time', callbacks: { satisfied: 1 }, closedDays: 3 },
  B: { ...base, named: true, state: 'closed', handled: 'late', callbacks: { unsatisfied: 1, satisfied: 1 }, reopened: 1, closedDays: 9 },
  C: { ...base, state: 'closed', handled: 'on-time', closedDays: 1 },
  D: { ...base, state: 'fixed', handled: 'late' },
  E: { ...base, named: true, state: 'closed', handled: 'on-time', callbacks: { unreached: 1 }, closedDays: 4 },
  F: { ...base, state: 'appeal-upheld', appealsDecided: 1 },
  G: { ...base, state: 'closed', handled: 'on-time', appealsDecided: 1, closedDays: 2 },
  H: base,
  I: base,
  J: base,
};
const total = Object.values(CASES).reduce<CaseCounters>((sum, progress) => addCaseCounters(sum, caseCounters(progress)), {});

describe('差评整改 metrics', () => {
  it('counts the ten cases as written out by hand', () => {
    expect(total).toEqual({
      opened: 10,
      named: 3,
      handled: 6,
      'on-time': 4,
      'named-handled': 3,
      'called-back': 3,
      'cb-satisfied': 2,
      'cb-unsatisfied': 1,
      'cb-unreached': 1,
      reopened: 1,
      closed: 5,
      'close-days': 19,
      'appeals-decided': 2,
      'appeals-upheld': 1,
    });
  });

  it('defines each metric by its numerator and n: 6/9 rectified, 4/6 on time, 3/3 called back, 2/3 satisfied, 19/5 days, 1/6 reopened, 1/2 upheld', () => {
    expect(caseMetricParts(total)).toEqual({
      rectified: { numerator: 6, n: 9 },
      'on-time': { numerator: 4, n: 6 },
      'called-back': { numerator: 3, n: 3 },
      'callback-satisfied': { numerator: 2, n: 3 },
      'close-days': { numerator: 19, n: 5 },
      reopened: { numerator: 1, n: 6 },
      'appeals-upheld': { numerator: 1, n: 2 },
    });
  });

  it('holds an upheld appeal neither for nor against the unit, even after an earlier fix', () => {
    const fixedThenUpheld: CaseProgress = { ...base, state: 'appeal-upheld', handled: 'on-time', callbacks: { unsatisfied: 1 }, reopened: 1, appealsDecided: 1 };
    expect(caseCounters(fixedThenUpheld)).toEqual({ opened: 1, 'appeals-decided': 1, 'appeals-upheld': 1 });
  });

  it('adds, per step, the difference of after and before — negative where a step takes a count back', () => {
    const fixed: CaseProgress = { ...base, named: true, state: 'fixed', handled: 'on-time' };
    expect(caseCounterDelta({ ...base, state: 'immediate' }, { ...fixed, named: false })).toEqual({ handled: 1, 'on-time': 1 });
    expect(caseCounterDelta({ ...base, named: true }, fixed)).toEqual({ handled: 1, 'on-time': 1, 'named-handled': 1 });
    expect(caseCounterDelta({ ...fixed, state: 'called-back', callbacks: { satisfied: 1 } }, { ...fixed, state: 'closed', callbacks: { satisfied: 1 }, closedDays: 4 })).toEqual({ closed: 1, 'close-days': 4 });
    const reopened: CaseProgress = { ...fixed, state: 'pending', callbacks: { unsatisfied: 1 }, reopened: 1 };
    expect(caseCounterDelta(reopened, { ...reopened, state: 'appeal-upheld', appealsDecided: 1 })).toEqual({
      handled: -1,
      'on-time': -1,
      'named-handled': -1,
      'called-back': -1,
      'cb-unsatisfied': -1,
      reopened: -1,
      'appeals-decided': 1,
      'appeals-upheld': 1,
    });
    // Whatever the path, the deltas add up to the counters of where the case ends.
    const path: CaseProgress[] = [base, { ...base, named: true }, fixed, { ...fixed, state: 'called-back', callbacks: { unsatisfied: 1 } }, reopened];
    const summed: CaseCounters = { opened: 1 };
    for (let i = 1; i < path.length; i++) addCaseCounters(summed, caseCounterDelta(path[i - 1]!, path[i]!));
    expect(Object.fromEntries(Object.entries(summed).filter(([, v]) => v !== 0))).toEqual(caseCounters(reopened));
  });

  it('shows the metrics with n and Wilson intervals, hides an n under k, and hides a second row so that it cannot be derived', () => {
    const window = (key: string, counters: CaseCounters) => ({ id: `window:${key}`, key, label: key, counters });
    // Window w2: 2 cases, both fixed on time: its rectification n = 2 < 5.
    const w2 = addCaseCounters({}, { opened: 2, handled: 2, 'on-time': 2 });
    const shape = caseMetricsShape(
      { id: 'total', key: 'u', label: '县', counters: addCaseCounters(addCaseCounters({}, total), w2) },
      [],
      [window('w1', total), window('w2', w2)],
      [{ total: 'total', rows: ['window:w1', 'window:w2'] }],
      5,
    );
    expect(shape.summary.metrics.rectified).toMatchObject({ numerator: 8, n: 11, suppressed: null });
    expect(shape.summary.metrics.rectified.value).toBeCloseTo(8 / 11, 10);
    expect(shape.summary.metrics.rectified.low).toBeGreaterThan(0.43);
    expect(shape.summary.metrics['close-days']).toMatchObject({ numerator: 19, n: 5, value: 3.8, low: null, high: null });
    const [w1Row, w2Row] = shape.byWindow;
    expect(w2Row!.metrics.rectified).toMatchObject({ n: null, numerator: null, suppressed: 'small-group' });
    // w1 = total − w2: shown, w2 could be derived; hidden too — its count and so its metrics.
    expect(w1Row!.opened).toEqual({ n: null, suppressed: 'complementary' });
    expect(w2Row!.opened).toEqual({ n: null, suppressed: 'small-group' });
    expect(w1Row!.metrics.rectified.suppressed).toBe('complementary');
    expect(w1Row!.metrics['close-days'].suppressed).toBe('complementary');
    expect(w2Row!.metrics['close-days']).toMatchObject({ n: null, suppressed: 'small-group' });
    // 回访 metrics have n = 3 everywhere: under k, hidden, the summary's too.
    expect(shape.summary.metrics['called-back'].suppressed).toBe('small-group');
    expect(shape.definitions.map((d) => d.name.zh)).toEqual(['差评整改率', '按期整改率', '实名差评回访率', '回访满意率', '平均办结工作日', '重新办理率', '申诉成立率']);
  });
});
