import { CASE_METRIC_DEFINITIONS, CASE_METRICS, caseMetricParts, type CaseCounters, type CaseMetricDefinition, type CaseMetricId } from './cases/case-metrics.js';
import type { LevelCounts } from './level-counts.js';
import { suppress, type Suppression, type SuppressionFamily, type UniformRule } from './report-suppression.js';
import { wilsonInterval } from './wilson.js';

/**
 * 差评整改 in the committee report (issue 15 §4; docs/decisions/0028-case-deadlines.md): each metric
 * of the scope, its units and its windows, with its definition and n, from the counters the cases'
 * steps keep on the window-day totals items (case-metrics.ts) — never from reading cases. Small
 * groups follow the report's rule: a row whose cases opened number under k shows none of its
 * figures, and then metric by metric an n under k is hidden ("<5"), and further cells are hidden so
 * that no small group or all-alike remainder can be derived by subtraction.
 */
export interface CaseMetricCell {
  /** Null when suppressed. */
  numerator: number | null;
  n: number | null;
  /** A proportion, or a mean (working days); null when suppressed or n = 0. */
  value: number | null;
  /** Wilson 95% interval of a proportion; null for a mean, when suppressed or n = 0. */
  low: number | null;
  high: number | null;
  suppressed: Suppression | null;
}

export interface CaseMetricsRow {
  key: string;
  label: string;
  drill?: { unit?: string; window?: string };
  /** Cases opened by the period's ratings (the cohort): a count under the same rule. */
  opened: { n: number | null; suppressed: Suppression | null };
  metrics: Record<CaseMetricId, CaseMetricCell>;
}

export interface CaseMetricsShape {
  definitions: CaseMetricDefinition[];
  summary: CaseMetricsRow;
  byUnit: CaseMetricsRow[];
  byWindow: CaseMetricsRow[];
  note: { zh: string; en: string };
}

export interface CaseMetricsDraft {
  /** The report's cell id ('total', 'unit:{key}', 'window:{code}'): the same families as its counts. */
  id: string;
  key: string;
  label: string;
  drill?: { unit?: string; window?: string };
  counters: CaseCounters;
}

export const CASE_METRICS_NOTE = {
  zh: '差评整改指标按本期评价所开启的差评案件统计（以评价日期归期），反映这些案件截至取数时的办理情况；数据取自按窗口按日的累计数，不读取单个案件。',
  en: 'The 差评整改 metrics follow the cases opened by this period’s ratings (by the rating’s day), as those cases stand when the figures were read; from per-window daily running totals, never from single cases.',
};

export function caseMetricsShape(summary: CaseMetricsDraft, units: CaseMetricsDraft[], windows: CaseMetricsDraft[], families: readonly SuppressionFamily[], k: number): CaseMetricsShape {
  const all = [summary, ...units, ...windows];
  const parts = new Map(all.map((draft) => [draft.id, caseMetricParts(draft.counters)]));
  const openedHidden = suppress(new Map(all.map((draft) => [draft.id, draft.counters.opened ?? 0])), families, k);
  const hiddenBy = new Map<CaseMetricId, Map<string, Suppression>>();
  for (const metric of CASE_METRICS) {
    const n = new Map(all.map((draft) => [draft.id, parts.get(draft.id)![metric].n]));
    const rate = CASE_METRIC_DEFINITIONS[metric].kind === 'rate';
    // A proportion's hidden remainder must not be all successes or all failures either.
    const uniform: UniformRule | undefined = rate
      ? {
          counts: new Map(
            all.map((draft): [string, LevelCounts] => {
              const { numerator, n: total } = parts.get(draft.id)![metric];
              return [draft.id, { 5: numerator, 4: 0, 3: 0, 2: 0, 1: total - numerator }];
            }),
          ),
          sets: [[5], [1]],
        }
      : undefined;
    // A row whose case count is hidden shows no metric either (its cases are the metrics' groups).
    hiddenBy.set(metric, suppress(n, families, k, uniform, openedHidden));
  }
  const row = (draft: CaseMetricsDraft): CaseMetricsRow => {
    const metrics = {} as Record<CaseMetricId, CaseMetricCell>;
    for (const metric of CASE_METRICS) {
      const suppressed = hiddenBy.get(metric)!.get(draft.id) ?? null;
      const { numerator, n } = parts.get(draft.id)![metric];
      if (suppressed) {
        metrics[metric] = { numerator: null, n: null, value: null, low: null, high: null, suppressed };
        continue;
      }
      const rate = CASE_METRIC_DEFINITIONS[metric].kind === 'rate';
      const interval = rate ? wilsonInterval(numerator, n) : null;
      metrics[metric] = { numerator, n, value: n === 0 ? null : numerator / n, low: interval?.low ?? null, high: interval?.high ?? null, suppressed: null };
    }
    const openedSuppressed = openedHidden.get(draft.id) ?? null;
    return {
      key: draft.key,
      label: draft.label,
      ...(draft.drill ? { drill: draft.drill } : {}),
      opened: { n: openedSuppressed ? null : (draft.counters.opened ?? 0), suppressed: openedSuppressed },
      metrics,
    };
  };
  return {
    definitions: CASE_METRICS.map((metric) => CASE_METRIC_DEFINITIONS[metric]),
    summary: row(summary),
    byUnit: units.map(row),
    byWindow: windows.map(row),
    note: CASE_METRICS_NOTE,
  };
}
