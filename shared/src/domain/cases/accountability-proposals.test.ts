import { describe, expect, it } from 'vitest';
import { wilsonInterval } from '../wilson.js';
import { proposeAccountability, type ProposalInput, type WindowMonthCell } from './accountability-proposals.js';

/** A window's month: n ratings of which `satisfied` 满意, in a hall. */
function cell(key: string, hallId: string, n: number | null, satisfied: number, suppressed: string | null = null): WindowMonthCell {
  const interval = n ? wilsonInterval(satisfied, n) : null;
  return { key, label: `${key}窗口`, hallId, suppressed, n, rate: n ? { value: satisfied / n, low: interval!.low, high: interval!.high } : null };
}

const base: Omit<ProposalInput, 'windows' | 'units'> = {
  month: '2026-11',
  previousMonth: '2026-10',
  basis: 'satisfied',
  minN: 30,
  onTimeBelow: 0.8,
  hallNames: new Map([
    ['h1', '一楼大厅'],
    ['h2', '二楼大厅'],
  ]),
};

describe('accountability proposals', () => {
  it('proposes a window last in its hall in both months, not one last only once, and not one alone or unranked in its hall', () => {
    const proposals = proposeAccountability({
      ...base,
      windows: {
        // h1: a last both months; b last only in October. h2: c alone among the ranked (d below the minimum n).
        month: [cell('a', 'h1', 40, 20), cell('b', 'h1', 40, 36), cell('e', 'h1', 50, 45), cell('c', 'h2', 40, 10), cell('d', 'h2', 12, 1)],
        previous: [cell('a', 'h1', 35, 20), cell('b', 'h1', 40, 10), cell('e', 'h1', 50, 45), cell('c', 'h2', 40, 10), cell('d', 'h2', 12, 1)],
      },
      units: [],
    });
    // a: October 20/35 = 57.14% is not last (b 25%): no proposal. Only a window last in both.
    expect(proposals).toEqual([]);
    const twice = proposeAccountability({
      ...base,
      windows: { month: [cell('a', 'h1', 40, 20), cell('b', 'h1', 40, 36)], previous: [cell('a', 'h1', 35, 14), cell('b', 'h1', 40, 36)] },
      units: [],
    });
    expect(twice).toEqual([
      {
        rule: 'window-last-twice',
        subjectType: 'window',
        subjectId: 'a',
        subjectName: 'a窗口',
        reason: 'a窗口在一楼大厅连续两个月满意率排名末位：2026-10 40.00%（35 条，2 个窗口参与排名），2026-11 50.00%（40 条，2 个窗口参与排名）；参与排名的窗口评价数不少于 30 条。',
      },
    ]);
  });

  it('takes every window tied for last, none when all are equal, and never a hidden one', () => {
    const tied = proposeAccountability({
      ...base,
      windows: {
        month: [cell('a', 'h1', 40, 20), cell('b', 'h1', 40, 20), cell('c', 'h1', 40, 36)],
        previous: [cell('a', 'h1', 40, 20), cell('b', 'h1', 40, 20), cell('c', 'h1', 40, 36)],
      },
      units: [],
    });
    expect(tied.map((p) => p.subjectId)).toEqual(['a', 'b']);
    const equal = proposeAccountability({ ...base, windows: { month: [cell('a', 'h1', 40, 20), cell('b', 'h1', 40, 20)], previous: [cell('a', 'h1', 40, 20), cell('b', 'h1', 40, 20)] }, units: [] });
    expect(equal).toEqual([]);
    const hidden = proposeAccountability({
      ...base,
      windows: { month: [cell('a', 'h1', 40, 20, 'complementary'), cell('b', 'h1', 40, 36)], previous: [cell('a', 'h1', 40, 14), cell('b', 'h1', 40, 36)] },
      units: [],
    });
    expect(hidden).toEqual([]);
  });

  it('proposes a unit whose shown 按期整改率 is under the threshold, never one hidden or at it', () => {
    const proposals = proposeAccountability({
      ...base,
      windows: { month: [], previous: [] },
      units: [
        { unitId: 'u1', name: '甲局', value: 7 / 10, numerator: 7, n: 10 },
        { unitId: 'u2', name: '乙局', value: 0.8, numerator: 8, n: 10 },
        { unitId: 'u3', name: '丙局', value: null, numerator: null, n: null },
      ],
    });
    expect(proposals).toEqual([{ rule: 'unit-on-time-low', subjectType: 'unit', subjectId: 'u1', subjectName: '甲局', reason: '甲局2026-11按期整改率 70.00%（7/10），低于 80.00%。' }]);
  });
});
