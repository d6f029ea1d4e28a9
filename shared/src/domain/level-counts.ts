import { RATING_LEVELS, type RatingLevel } from './rating-level.js';

/** Count of ratings per level: the mergeable running total kept per (window, day). */
export type LevelCounts = Record<RatingLevel, number>;

export function emptyLevelCounts(): LevelCounts {
  return { 1: 0, 2: 0, 3: 0, 4: 0, 5: 0 };
}

export function totalCount(counts: LevelCounts): number {
  return RATING_LEVELS.reduce((sum, level) => sum + counts[level], 0);
}

export function mergeLevelCounts(parts: Iterable<LevelCounts>): LevelCounts {
  const merged = emptyLevelCounts();
  for (const part of parts) {
    for (const level of RATING_LEVELS) merged[level] += part[level];
  }
  return merged;
}

export function countLevels(levels: Iterable<RatingLevel>): LevelCounts {
  const counts = emptyLevelCounts();
  for (const level of levels) counts[level] += 1;
  return counts;
}
