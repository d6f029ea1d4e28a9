import { describe, expect, it } from 'vitest';
import { wilsonInterval } from './wilson.js';
import { rank, type RankableCell } from './report-ranking.js';

const cell = (key: string, successes: number, n: number, suppressed: string | null = null): RankableCell => {
  const interval = wilsonInterval(successes, n)!;
  return { key, label: key, suppressed, n: suppressed ? null : n, rate: suppressed ? null : { value: successes / n, ...interval } };
};

describe('rank', () => {
  it('ranks by rate, marks overlapping intervals and leaves out small or hidden rows', () => {
    const ranking = rank([cell('a', 90, 100), cell('b', 270, 300), cell('c', 50, 100), cell('d', 20, 20), cell('e', 0, 0, 'small-group')], 'satisfied', 30);
    expect(ranking.rows.map((r) => [r.rank, r.key, r.overlapsPrevious])).toEqual([
      [1, 'b', false],
      [1, 'a', true],
      [3, 'c', false],
    ]);
    expect(ranking.unranked).toEqual([
      { key: 'd', label: 'd', reason: 'below-min-n' },
      { key: 'e', label: 'e', reason: 'suppressed' },
    ]);
  });

  it('says 差异不显著 exactly when the interval reaches the lower bound of the row above', () => {
    // 80 of 100 (0.711–0.867) and 70 of 100 (0.604–0.781) overlap; 95 of 100 and 70 of 100 do not.
    expect(rank([cell('x', 80, 100), cell('y', 70, 100)], 'good', 30).rows[1]!.overlapsPrevious).toBe(true);
    expect(rank([cell('x', 95, 100), cell('y', 70, 100)], 'good', 30).rows[1]!.overlapsPrevious).toBe(false);
  });
});
