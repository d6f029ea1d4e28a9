import { rank, type RankableCell } from '../report-ranking.js';

/**
 * Accountability proposals (问责建议, issue 15 §3; docs/decisions/0028-case-deadlines.md): the
 * product reads the committee reports and proposes whom to name; a committee member confirms (the
 * notice enters the register) or dismisses each, with a reason. Two rules, each a fact a reader can
 * check against the reports:
 *
 * - `window-last-twice`: a window ranked last in its hall (by the report's basis, among the hall's
 *   windows with at least the ranking minimum n, at least two ranked) in the month and in the month
 *   before. Ties for last are all last; a hall whose ranked windows are all equal has no last.
 * - `unit-on-time-low`: a unit below the scope whose 按期整改率 in the month is shown (n ≥ k, not
 *   hidden) and under the threshold (default 80%).
 *
 * Pure: the use case builds the two monthly reports and passes their cells in.
 */
export const PROPOSAL_RULES = ['window-last-twice', 'unit-on-time-low'] as const;
export type ProposalRule = (typeof PROPOSAL_RULES)[number];
export const PROPOSAL_RULE_LABELS: Record<ProposalRule, string> = {
  'window-last-twice': '窗口连续两个月在本大厅排名末位',
  'unit-on-time-low': '单位按期整改率低于阈值',
};

/** The default threshold of `unit-on-time-low`. */
export const DEFAULT_ON_TIME_BELOW = 0.8;

export interface WindowMonthCell extends RankableCell {
  /** The window's hall: rankings are within a hall. */
  hallId: string;
}

export interface UnitOnTime {
  unitId: string;
  name: string;
  /** 按期整改率 as the report shows it: null value or n when hidden or without cases. */
  value: number | null;
  numerator: number | null;
  n: number | null;
}

export interface ProposalInput {
  month: string;
  previousMonth: string;
  basis: 'satisfied' | 'good';
  minN: number;
  onTimeBelow: number;
  /** The scope's windows in the month and in the month before (the report's byWindow cells). */
  windows: { month: readonly WindowMonthCell[]; previous: readonly WindowMonthCell[] };
  hallNames: ReadonlyMap<string, string>;
  /** The units below the scope (the report's 差评整改 byUnit rows). */
  units: readonly UnitOnTime[];
}

export interface AccountabilityProposal {
  rule: ProposalRule;
  subjectType: 'window' | 'unit';
  subjectId: string;
  subjectName: string;
  /** The facts, in words, with the numbers. */
  reason: string;
}

const percent = (value: number) => `${(value * 100).toFixed(2)}%`;
const BASIS_LABEL = { satisfied: '满意率', good: '好评率' } as const;

/** The windows ranked last in their hall: key → rank row, for one month. */
function lastInHalls(cells: readonly WindowMonthCell[], basis: 'satisfied' | 'good', minN: number) {
  const byHall = new Map<string, WindowMonthCell[]>();
  for (const cell of cells) byHall.set(cell.hallId, [...(byHall.get(cell.hallId) ?? []), cell]);
  const last = new Map<string, { hallId: string; value: number; n: number; ranked: number }>();
  for (const [hallId, hall] of byHall) {
    const { rows } = rank(hall, basis, minN);
    if (rows.length < 2) continue;
    const lowest = rows.at(-1)!.value;
    if (rows[0]!.value === lowest) continue;
    for (const row of rows) if (row.value === lowest) last.set(row.key, { hallId, value: row.value, n: row.n, ranked: rows.length });
  }
  return last;
}

export function proposeAccountability(input: ProposalInput): AccountabilityProposal[] {
  const proposals: AccountabilityProposal[] = [];
  const now = lastInHalls(input.windows.month, input.basis, input.minN);
  const before = lastInHalls(input.windows.previous, input.basis, input.minN);
  const basis = BASIS_LABEL[input.basis];
  for (const cell of input.windows.month) {
    const a = now.get(cell.key);
    const b = before.get(cell.key);
    if (!a || !b) continue;
    const hall = input.hallNames.get(a.hallId) ?? a.hallId;
    proposals.push({
      rule: 'window-last-twice',
      subjectType: 'window',
      subjectId: cell.key,
      subjectName: cell.label,
      reason: `${cell.label}在${hall}连续两个月${basis}排名末位：${input.previousMonth} ${percent(b.value)}（${b.n} 条，${b.ranked} 个窗口参与排名），${input.month} ${percent(a.value)}（${a.n} 条，${a.ranked} 个窗口参与排名）；参与排名的窗口评价数不少于 ${input.minN} 条。`,
    });
  }
  for (const unit of input.units) {
    if (unit.value === null || unit.n === null || unit.numerator === null || !(unit.value < input.onTimeBelow)) continue;
    proposals.push({
      rule: 'unit-on-time-low',
      subjectType: 'unit',
      subjectId: unit.unitId,
      subjectName: unit.name,
      reason: `${unit.name}${input.month}按期整改率 ${percent(unit.value)}（${unit.numerator}/${unit.n}），低于 ${percent(input.onTimeBelow)}。`,
    });
  }
  return proposals.sort((x, y) => (x.rule < y.rule ? -1 : x.rule > y.rule ? 1 : x.subjectId < y.subjectId ? -1 : x.subjectId > y.subjectId ? 1 : 0));
}
