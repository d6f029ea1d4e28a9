import { describe, expect, it } from 'vitest';
import { countLevels } from './level-counts.js';
import { meanScore, parseScoreMap } from './report-score.js';

describe('meanScore', () => {
  // Reference: 10 × 100 + 6 × 80 + 7 × 60 + 5 × 40 + 2 × 20 = 2140 over 30 ratings.
  const counts = { 5: 10, 4: 6, 3: 7, 2: 5, 1: 2 };

  it('is the average of the default 100/80/60/40/20 scores', () => {
    expect(meanScore(counts)).toBeCloseTo(2140 / 30, 12);
    expect(meanScore(counts)!.toFixed(2)).toBe('71.33');
  });

  it('follows a configured score map', () => {
    expect(meanScore(counts, [10, 8, 6, 4, 2])).toBeCloseTo(7.1333, 4);
    expect(meanScore(counts, [100, 100, 0, 0, 0])).toBeCloseTo(1600 / 30, 12);
  });

  it('is 100 when everyone is very satisfied and null without ratings', () => {
    expect(meanScore(countLevels([5, 5, 5]))).toBe(100);
    expect(meanScore(countLevels([]))).toBeNull();
  });
});

describe('parseScoreMap', () => {
  it('reads five scores for levels 5 to 1 and nothing else', () => {
    expect(parseScoreMap('100,90,70,30,0')).toEqual([100, 90, 70, 30, 0]);
    expect(parseScoreMap('100,90,70,30')).toBeUndefined();
    expect(parseScoreMap('100,90,70,30,x')).toBeUndefined();
  });
});
