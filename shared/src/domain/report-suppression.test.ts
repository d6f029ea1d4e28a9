import { describe, expect, it } from 'vitest';
import type { LevelCounts } from './level-counts.js';
import { NATIONAL_DEFINITIONS } from './report-definitions.js';
import { suppress, uniformSets } from './report-suppression.js';

const hiddenOf = (n: Record<string, number>, families: { total: string; rows: string[] }[]) =>
  Object.fromEntries(suppress(new Map(Object.entries(n)), families));

describe('suppress', () => {
  it('hides every cell under 5', () => {
    expect(hiddenOf({ total: 20, a: 4, b: 16 }, [])).toEqual({ a: 'small-group' });
  });

  it('hides the smallest visible row with a lone small one, so the total minus the rest covers two', () => {
    // 本级 12, 甲 3, 乙 20 of 35: 甲 alone would be 35 − 12 − 20.
    expect(hiddenOf({ total: 35, self: 12, jia: 3, yi: 20 }, [{ total: 'total', rows: ['self', 'jia', 'yi'] }])).toEqual({
      jia: 'small-group',
      self: 'complementary',
    });
  });

  it('hides more until the hidden rows add up to at least 5', () => {
    const hidden = hiddenOf({ total: 30, a: 1, b: 2, c: 5, d: 22 }, [{ total: 'total', rows: ['a', 'b', 'c', 'd'] }]);
    expect(hidden).toEqual({ a: 'small-group', b: 'small-group', c: 'complementary' });
  });

  it('needs nothing more when the other rows are empty or the hidden rows already add up to 5', () => {
    expect(hiddenOf({ total: 30, a: 0, b: 0, c: 30 }, [{ total: 'total', rows: ['a', 'b', 'c'] }])).toEqual({});
    expect(hiddenOf({ total: 30, a: 3, b: 4, c: 23 }, [{ total: 'total', rows: ['a', 'b', 'c'] }])).toEqual({ a: 'small-group', b: 'small-group' });
  });

  it('hides the rows of a hidden total, through every level', () => {
    const families = [
      { total: 'total', rows: ['u1', 'u2'] },
      { total: 'u1', rows: ['w1', 'w2'] },
      { total: 'u2', rows: ['w3'] },
    ];
    // u1 (3) is small; u2 must go with it; so must every window of both.
    expect(hiddenOf({ total: 40, u1: 3, u2: 37, w1: 1, w2: 2, w3: 37 }, families)).toEqual({
      u1: 'small-group',
      u2: 'complementary',
      w1: 'small-group',
      w2: 'small-group',
      w3: 'complementary',
    });
  });

  describe('empty cells (n = 0)', () => {
    it('shows a 0: never "<5", not even as a total', () => {
      expect(hiddenOf({ total: 0, a: 0, b: 0 }, [{ total: 'total', rows: ['a', 'b'] }])).toEqual({});
      expect(hiddenOf({ total: 12, jul: 0, aug: 12, sep: 0 }, [{ total: 'total', rows: ['jul', 'aug', 'sep'] }])).toEqual({});
    });

    it('never picks a 0 as the complementary cell: the smallest non-empty row goes', () => {
      // 23 = 3 + 0 + 20: hiding the 0 would leave 23 − 20 = 3.
      expect(hiddenOf({ total: 23, a: 3, z: 0, b: 20 }, [{ total: 'total', rows: ['a', 'z', 'b'] }])).toEqual({ a: 'small-group', b: 'complementary' });
    });

    it('leaves the 0 rows of a hidden total shown', () => {
      const families = [
        { total: 'total', rows: ['u1', 'u2'] },
        { total: 'u1', rows: ['w1', 'w2'] },
        { total: 'u2', rows: ['w3', 'w4'] },
      ];
      expect(hiddenOf({ total: 40, u1: 3, u2: 37, w1: 3, w2: 0, w3: 37, w4: 0 }, families)).toEqual({
        u1: 'small-group',
        u2: 'complementary',
        w1: 'small-group',
        w3: 'complementary',
      });
    });

    it('protects a small cell whose only siblings are 0: the total is small itself', () => {
      // A unit with one window of 3 ratings and two empty ones: 3 − 0 − 0 would be the window.
      expect(hiddenOf({ total: 3, a: 3, b: 0, c: 0 }, [{ total: 'total', rows: ['a', 'b', 'c'] }])).toEqual({ total: 'small-group', a: 'small-group' });
    });

    it('hides the total when only zeros are left to cover a hidden row, and the rows add up to it', () => {
      // a (20) goes with s (3) in the first family; in the second, 20 − 0 would give a away, and no
      // non-empty row is left to hide with it: the total goes instead.
      const families = [
        { total: 'x', rows: ['a', 's'] },
        { total: 't', rows: ['a', 'z'] },
      ];
      expect(hiddenOf({ x: 23, a: 20, s: 3, t: 20, z: 0 }, families)).toEqual({ s: 'small-group', a: 'complementary', t: 'complementary' });
    });

    it('keeps a total that is more than its rows (ratings without a breakdown): the difference does not isolate them', () => {
      // 40 ratings, of which only 3 (before breakdowns existed, none) carry a service item.
      expect(hiddenOf({ total: 40, '': 3, shebao: 0 }, [{ total: 'total', rows: ['', 'shebao'] }])).toEqual({ '': 'small-group' });
    });
  });

  it('hides the same rows for the same data (ties broken by id)', () => {
    const n = { total: 24, a: 2, b: 11, c: 11 };
    const families = [{ total: 'total', rows: ['c', 'b', 'a'] }];
    expect(hiddenOf(n, families)).toEqual({ a: 'small-group', b: 'complementary' });
  });

  describe('uniform remainders', () => {
    const NATIONAL = uniformSets(NATIONAL_DEFINITIONS.good.levels, NATIONAL_DEFINITIONS.satisfied.levels);
    /** Counts written high to low, like the reports print them: [5, 4, 3, 2, 1]. */
    const levels = ([c5, c4, c3, c2, c1]: [number, number, number, number, number]): LevelCounts => ({ 5: c5, 4: c4, 3: c3, 2: c2, 1: c1 });
    const hiddenWith = (cells: Record<string, LevelCounts>, families: { total: string; rows: string[] }[]) => {
      const counts = new Map(Object.entries(cells));
      const n = new Map([...counts].map(([id, c]) => [id, c[1] + c[2] + c[3] + c[4] + c[5]]));
      return Object.fromEntries(suppress(n, families, 5, { counts, sets: NATIONAL }));
    };

    it('names each level, 好评 and not, 满意 and not (national: 5,4,3 | 2,1 and 5,4 | 3,2,1)', () => {
      expect(NATIONAL.map((set) => set.join(','))).toEqual(['5', '4', '3', '2', '1', '5,4,3', '2,1', '5,4', '3,2,1']);
      // A set of every level, or of none, says nothing.
      expect(uniformSets([5, 4, 3, 2, 1], [5, 4]).map((set) => set.join(','))).toEqual(['5', '4', '3', '2', '1', '5,4', '3,2,1']);
    });

    it('hides one more row when two hidden service items add up to 7 ratings all 满意 or better', () => {
      // 社保 3 × 非常满意 and 不动产 4 × 满意: 7 ratings over two rows pass the size rule, but the total
      // minus the shown row ('' with 20 mixed) would say that all seven were satisfied.
      const cells = { total: levels([11, 10, 3, 2, 1]), shebao: levels([3, 0, 0, 0, 0]), budongchan: levels([0, 4, 0, 0, 0]), none: levels([8, 6, 3, 2, 1]) };
      expect(hiddenWith(cells, [{ total: 'total', rows: ['shebao', 'budongchan', 'none'] }])).toEqual({
        shebao: 'small-group',
        budongchan: 'small-group',
        none: 'complementary',
      });
      // Without the counts, the size rule alone is satisfied and the remainder would be read.
      const n = new Map(Object.entries(cells).map(([id, c]) => [id, c[1] + c[2] + c[3] + c[4] + c[5]]));
      expect(Object.fromEntries(suppress(n, [{ total: 'total', rows: ['shebao', 'budongchan', 'none'] }]))).toEqual({ shebao: 'small-group', budongchan: 'small-group' });
    });

    it('refuses a remainder that is all in one level, all 差评, or none 满意', () => {
      const family = [{ total: 'total', rows: ['a', 'b', 'c', 'd'] }];
      // a + b: 6 ratings all 基本满意 (one level; and none 满意) → the smallest shown row (c) goes too.
      expect(hiddenWith({ total: levels([10, 10, 6, 1, 1]), a: levels([0, 0, 3, 0, 0]), b: levels([0, 0, 3, 0, 0]), c: levels([2, 3, 0, 1, 0]), d: levels([8, 7, 0, 0, 1]) }, family)).toEqual({
        a: 'small-group',
        b: 'small-group',
        c: 'complementary',
      });
      // a + b: 5 ratings all 不满意 or worse.
      expect(hiddenWith({ total: levels([10, 10, 6, 4, 1]), a: levels([0, 0, 0, 3, 0]), b: levels([0, 0, 0, 1, 1]), c: levels([5, 3, 3, 0, 0]), d: levels([5, 7, 3, 0, 0]) }, family)).toEqual({
        a: 'small-group',
        b: 'small-group',
        c: 'complementary',
      });
    });

    it('keeps hiding the smallest shown rows until the remainder is mixed', () => {
      // c is all 满意 as well, so hiding it leaves the remainder uniform: d goes too.
      const cells = { total: levels([12, 10, 2, 1, 1]), a: levels([2, 1, 0, 0, 0]), b: levels([1, 2, 0, 0, 0]), c: levels([3, 3, 0, 0, 0]), d: levels([6, 4, 2, 1, 1]), e: levels([0, 0, 0, 0, 0]) };
      expect(hiddenWith(cells, [{ total: 'total', rows: ['a', 'b', 'c', 'd', 'e'] }])).toEqual({
        a: 'small-group',
        b: 'small-group',
        c: 'complementary',
        d: 'complementary',
      });
    });

    it('needs nothing more when the total itself says as much (all of it 满意)', () => {
      // Every rating of the total is 满意 or better, so a uniform remainder tells nothing new.
      const cells = { total: levels([12, 10, 0, 0, 0]), a: levels([3, 0, 0, 0, 0]), b: levels([0, 4, 0, 0, 0]), c: levels([9, 6, 0, 0, 0]) };
      expect(hiddenWith(cells, [{ total: 'total', rows: ['a', 'b', 'c'] }])).toEqual({ a: 'small-group', b: 'small-group' });
    });

    it('leaves a mixed remainder alone', () => {
      const cells = { total: levels([11, 10, 3, 2, 1]), a: levels([2, 0, 0, 1, 0]), b: levels([0, 4, 0, 0, 0]), c: levels([9, 6, 3, 1, 1]) };
      expect(hiddenWith(cells, [{ total: 'total', rows: ['a', 'b', 'c'] }])).toEqual({ a: 'small-group', b: 'small-group' });
    });
  });
});
