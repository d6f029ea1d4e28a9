import type { LevelCounts } from './level-counts.js';
import { totalCount } from './level-counts.js';
import { RATING_LEVELS } from './rating-level.js';

/** Scores of levels 5, 4, 3, 2, 1 (the order of RATING_LEVELS): the default 100, 80, 60, 40, 20. */
export type ScoreMap = readonly [number, number, number, number, number];

export const DEFAULT_SCORE_MAP: ScoreMap = [100, 80, 60, 40, 20];

/**
 * Mean score over n ratings: Σ count(level) × score(level) ÷ n, null when n = 0.
 * Example: 10 × 100 + 6 × 80 + 7 × 60 + 5 × 40 + 2 × 20 = 2140 over 30 ratings → 71.33.
 */
export function meanScore(counts: LevelCounts, scoreMap: ScoreMap = DEFAULT_SCORE_MAP): number | null {
  const n = totalCount(counts);
  if (n === 0) return null;
  const sum = RATING_LEVELS.reduce((acc, level, index) => acc + counts[level] * scoreMap[index]!, 0);
  return sum / n;
}

/** "100,80,60,40,20" → the score map; undefined for anything else. */
export function parseScoreMap(text: string): ScoreMap | undefined {
  const parts = text.split(',');
  if (parts.length !== 5 || parts.some((p) => !/^\d{1,3}$/.test(p))) return undefined;
  return parts.map(Number) as unknown as ScoreMap;
}
