import { emptyLevelCounts, mergeLevelCounts, totalCount, type LevelCounts } from './level-counts.js';
import { RATING_LEVELS, type RatingLevel } from './rating-level.js';

/**
 * Small-group suppression (统计披露控制) for committee reports.
 *
 * Primary: a cell with n < k (k = 5 ratings) shows no n, no counts and no rate ('small-group').
 *
 * Complementary: the cells of a report come in additive families — a total and the rows that add
 * up to it (child units and the scope's own windows "本级" add up to the scope; windows add up to
 * their unit's row; months to the period; service items, '' included, to the total). If a family
 * with a visible total had exactly one hidden row, the total minus the visible rows would give it
 * away; with several hidden rows whose sum is below k, the difference would show a small group.
 * So while a family has hidden rows and (only one of them, or their sum < k), the smallest visible
 * row is hidden too ('complementary'). Example: 本级 12, 甲 3, 乙 20, scope 35: 甲 is small, 本级
 * (the smallest visible) goes with it, and the difference 35 − 20 = 15 covers two rows.
 *
 * Staff rows add up to the ratings that named a staff member (each counts for the one person
 * named, docs/decisions/0012-attribution.md), and those named ratings and the rest (不确定) add up
 * to the total: two families, so neither a small staff row nor a small 不确定 remainder can be
 * recovered from the printed named count.
 *
 * Empty cells (n = 0, e.g. a month with no ratings) are shown as 0 and never hidden: a zero
 * reveals nothing about a person, and hiding one protects nobody — subtracting a known 0 from a
 * total tells nothing the 0 did not. So a 0 is neither "<5" nor ever picked as a complementary
 * cell, not even under a hidden total (its rows add up to the total with or without it). The rule
 * counts the non-empty hidden rows: none, or at least two adding up to k. When a family has no
 * non-empty visible row left to hide (its other rows are all 0) and its rows add up to its total,
 * the total itself goes ('complementary'): otherwise total − 0 − 0 would give the hidden row away.
 *
 * Uniform remainders: the hidden rows together must not be found, by subtraction, to have all
 * given the same kind of answer. Two hidden service items of 3 and 4 ratings pass the size rule
 * (7 ≥ k over two rows), but if the total minus the shown rows is 7 ratings all 满意 or better, the
 * reader learns that everybody in both small groups was satisfied. So, given the cells' counts and
 * the level sets that must not be disclosed this way (`uniformSets`: each level, 好评 and not,
 * 满意 and not), while the hidden rows' combined counts lie entirely within such a set, the smallest
 * visible row is hidden too ('complementary') — unless the total itself lies entirely within that
 * set: then the total says so already and subtraction adds nothing. Hiding every row makes the
 * remainder the total, so the rule always ends.
 *
 * A hidden total hides its (non-empty) rows: were they shown, their sum would reveal it. Hiding is repeated
 * over all families until nothing changes, because a cell can sit in two families (a unit row is
 * a row of the scope and the total of its windows).
 *
 * What a reader can still tell: that a 'complementary' cell exists means the rule needed one (the
 * hidden small rows were one, fewer than k together, or uniform) — not which, not in which level.
 */
export type Suppression = 'small-group' | 'complementary';

export interface SuppressionFamily {
  /** The total, by cell id. */
  total: string;
  /** The rows that add up to it, by cell id. */
  rows: readonly string[];
}

export const SUPPRESSION_K = 5;

/** The cells' counts by level and the level sets a hidden remainder must not lie entirely within. */
export interface UniformRule {
  counts: ReadonlyMap<string, LevelCounts>;
  sets: readonly (readonly RatingLevel[])[];
}

/**
 * The level sets of the uniform-remainder rule for a rate definition set: each single level, the
 * 好评 levels and the others, the 满意 levels and the others. Empty and all-level sets say nothing
 * and are left out; duplicates are dropped.
 */
export function uniformSets(good: readonly RatingLevel[], satisfied: readonly RatingLevel[]): RatingLevel[][] {
  const complement = (levels: readonly RatingLevel[]) => RATING_LEVELS.filter((level) => !levels.includes(level));
  const candidates = [...RATING_LEVELS.map((level) => [level]), good, complement(good), satisfied, complement(satisfied)];
  const sets = new Map<string, RatingLevel[]>();
  for (const candidate of candidates) {
    const levels = RATING_LEVELS.filter((level) => candidate.includes(level));
    if (levels.length > 0 && levels.length < RATING_LEVELS.length) sets.set(levels.join(','), levels);
  }
  return [...sets.values()];
}

/** Whether every one of `counts`' ratings (at least one) has a level of `set`. */
function allWithin(counts: LevelCounts, set: readonly RatingLevel[]): boolean {
  const n = totalCount(counts);
  return n > 0 && set.reduce((sum, level) => sum + counts[level], 0) === n;
}

/** Whether the remainder lies within a set that the total itself does not. */
export function revealsUniform(remainder: LevelCounts, total: LevelCounts, sets: readonly (readonly RatingLevel[])[]): boolean {
  return sets.some((set) => allWithin(remainder, set) && !allWithin(total, set));
}

export function suppress(
  n: ReadonlyMap<string, number>,
  families: readonly SuppressionFamily[],
  k: number = SUPPRESSION_K,
  uniform?: UniformRule,
  /** Cells hidden already, whatever their n (e.g. the 差评整改 metrics of a row whose case count is hidden). */
  forced?: ReadonlyMap<string, Suppression>,
): Map<string, Suppression> {
  const hidden = new Map<string, Suppression>(forced ?? []);
  const size = (id: string) => n.get(id) ?? 0;
  for (const [id, count] of n) if (count > 0 && count < k && !hidden.has(id)) hidden.set(id, 'small-group');

  const countsOf = (id: string) => uniform?.counts.get(id) ?? emptyLevelCounts();
  const uniformRemainder = (total: string, hiddenRows: readonly string[]) =>
    uniform !== undefined && revealsUniform(mergeLevelCounts(hiddenRows.map(countsOf)), countsOf(total), uniform.sets);

  // A 0 is never hidden: it protects nobody and gives nobody away.
  const hide = (id: string) => {
    if (hidden.has(id) || size(id) === 0) return false;
    hidden.set(id, size(id) < k ? 'small-group' : 'complementary');
    return true;
  };

  for (let changed = true; changed; ) {
    changed = false;
    for (const family of families) {
      if (hidden.has(family.total)) {
        for (const row of family.rows) changed = hide(row) || changed;
        continue;
      }
      for (;;) {
        const hiddenRows = family.rows.filter((row) => hidden.has(row));
        const hiddenSum = hiddenRows.reduce((sum, row) => sum + size(row), 0);
        if (hiddenSum === 0 || (hiddenRows.length >= 2 && hiddenSum >= k && !uniformRemainder(family.total, hiddenRows))) break;
        // Smallest non-empty visible row first (ties by id, so the same data always hides the same rows).
        const next = family.rows
          .filter((row) => !hidden.has(row) && size(row) > 0)
          .sort((a, b) => size(a) - size(b) || (a < b ? -1 : a > b ? 1 : 0))[0];
        if (next === undefined) {
          // Only zeros are left, and they cover nothing. If the rows add up to the total, the total
          // minus the shown rows is the hidden rows: the total goes. (A total that is more than its
          // rows, e.g. service items before breakdowns existed, does not isolate them.)
          const rowsSum = family.rows.reduce((sum, row) => sum + size(row), 0);
          if (rowsSum === size(family.total) && hide(family.total)) changed = true;
          break;
        }
        hide(next);
        changed = true;
      }
    }
  }
  return hidden;
}
