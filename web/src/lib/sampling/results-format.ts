import type { RoundResults } from '#shared/contracts/sampling/results.js';
import { fill } from '$lib/i18n-draw';
import type { ReportMessages } from '$lib/i18n-reports';
import type { RoundMessages } from '$lib/i18n-rounds';

type Estimate = RoundResults['estimate']['good'];
type Cell = Pick<RoundResults['total'], 'suppressed'>;

/**
 * How a round's results are written. Percentages keep one decimal: a round's strata have tens or
 * hundreds of answers, so a second decimal would claim a precision the intervals deny.
 */
export function percent(value: number | null | undefined): string {
  return value === null || value === undefined ? '—' : `${(value * 100).toFixed(1)}%`;
}

/** W_h as a share of the frame, three decimals (0.417). */
export function weight(value: number): string {
  return value.toFixed(3);
}

/** What a suppressed cell shows in place of every number, in the report pages' words ("<5", 已隐藏); null when shown. */
export function suppressedText(cell: Cell, r: ReportMessages, t: RoundMessages): string | null {
  if (cell.suppressed === 'open') return t.results.openCell;
  if (cell.suppressed === 'small-group') return r.smallGroup;
  if (cell.suppressed === 'complementary') return r.hidden;
  return null;
}

export function suppressedNote(cell: Cell, r: ReportMessages, t: RoundMessages): string {
  if (cell.suppressed === 'open') return t.results.openNote;
  return cell.suppressed === 'complementary' ? r.hiddenNote : r.smallGroupNote;
}

/** Why a stratified estimate is missing, naming the strata the API names (by label where there is one). */
export function estimateProblem(estimate: Extract<Estimate, { ok: false }>, results: RoundResults, t: RoundMessages): string {
  const labels = new Map(results.strata.map((stratum) => [stratum.key, stratum.label ?? stratum.key]));
  const strata = estimate.strata.map((key) => labels.get(key) ?? key).join(t.results.listSeparator);
  return fill(t.results.problems[estimate.problem], { k: String(results.suppression.k), strata });
}
