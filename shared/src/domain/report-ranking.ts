/**
 * Rankings that do not overclaim: only cells with at least minN ratings (default 30) are ranked,
 * suppressed cells never; each row says whether its Wilson 95% interval overlaps the row above
 * ("差异不显著": the data cannot tell the two apart).
 */
export interface RankableCell {
  key: string;
  label: string;
  suppressed: string | null;
  n: number | null;
  rate: { value: number | null; low: number | null; high: number | null } | null;
}

export interface RankingRow {
  rank: number;
  key: string;
  label: string;
  n: number;
  value: number;
  low: number;
  high: number;
  overlapsPrevious: boolean;
}

export interface RankingResult<B extends string> {
  basis: B;
  rows: RankingRow[];
  unranked: { key: string; label: string; reason: 'below-min-n' | 'suppressed' }[];
}

export function rank<B extends string>(cells: readonly RankableCell[], basis: B, minN: number): RankingResult<B> {
  const eligible: Omit<RankingRow, 'rank' | 'overlapsPrevious'>[] = [];
  const unranked: RankingResult<B>['unranked'] = [];
  for (const cell of cells) {
    if (cell.suppressed !== null || cell.n === null || cell.rate === null) unranked.push({ key: cell.key, label: cell.label, reason: 'suppressed' });
    else if (cell.n < minN || cell.rate.value === null || cell.rate.low === null || cell.rate.high === null)
      unranked.push({ key: cell.key, label: cell.label, reason: 'below-min-n' });
    else eligible.push({ key: cell.key, label: cell.label, n: cell.n, value: cell.rate.value, low: cell.rate.low, high: cell.rate.high });
  }
  eligible.sort((a, b) => b.value - a.value || b.low - a.low || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const rows: RankingRow[] = [];
  eligible.forEach((row, index) => {
    const previous = rows[index - 1];
    // Equal rates share a rank (1, 2, 2, 4).
    const rankNo = previous && previous.value === row.value ? previous.rank : index + 1;
    rows.push({ ...row, rank: rankNo, overlapsPrevious: previous !== undefined && row.high >= previous.low });
  });
  return { basis, rows, unranked };
}
