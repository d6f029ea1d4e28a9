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
 * Staff are not strictly additive (a rating counts for every staff member on duty, and for none
 * when nobody was on duty); they are treated as additive, which can only hide more.
 *
 * Empty rows (n = 0) are hidden like any small group ("<5"), but they protect nothing and need no
 * protection: if the hidden rows of a family add up to 0, the difference only tells that nobody
 * rated them. So the rule counts the non-empty hidden rows: none, or at least two adding up to k.
 *
 * A hidden total hides its rows: were they shown, their sum would reveal it. Hiding is repeated
 * over all families until nothing changes, because a cell can sit in two families (a unit row is
 * a row of the scope and the total of its windows).
 */
export type Suppression = 'small-group' | 'complementary';

export interface SuppressionFamily {
  /** The total, by cell id. */
  total: string;
  /** The rows that add up to it, by cell id. */
  rows: readonly string[];
}

export const SUPPRESSION_K = 5;

export function suppress(
  n: ReadonlyMap<string, number>,
  families: readonly SuppressionFamily[],
  k: number = SUPPRESSION_K,
): Map<string, Suppression> {
  const hidden = new Map<string, Suppression>();
  const size = (id: string) => n.get(id) ?? 0;
  for (const [id, count] of n) if (count < k) hidden.set(id, 'small-group');

  const hide = (id: string) => {
    if (hidden.has(id)) return false;
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
        const hiddenRows = family.rows.filter((row) => hidden.has(row) && size(row) > 0);
        const hiddenSum = hiddenRows.reduce((sum, row) => sum + size(row), 0);
        if (hiddenSum === 0 || (hiddenRows.length >= 2 && hiddenSum >= k)) break;
        // Smallest visible row first (ties by id, so the same data always hides the same rows).
        const next = family.rows
          .filter((row) => !hidden.has(row))
          .sort((a, b) => size(a) - size(b) || (a < b ? -1 : a > b ? 1 : 0))[0];
        if (next === undefined) break;
        hide(next);
        changed = true;
      }
    }
  }
  return hidden;
}
