/**
 * The accountability register (问责台账, issue 15 §3): 通报, 约谈 and 限期整改 notices to a unit, a
 * window or a staff member, each tied to the assessment period it belongs to — a year (2026), a
 * quarter (2026-Q4) or a month (2026-11) — so the annual 考核 reads the notices of its year.
 */
export const ACCOUNTABILITY_KINDS = ['notice', 'talk', 'rectification'] as const;
export type AccountabilityKind = (typeof ACCOUNTABILITY_KINDS)[number];
export const ACCOUNTABILITY_KIND_LABELS: Record<AccountabilityKind, string> = { notice: '通报', talk: '约谈', rectification: '限期整改' };

export const ACCOUNTABILITY_SUBJECTS = ['unit', 'window', 'staff'] as const;
export type AccountabilitySubject = (typeof ACCOUNTABILITY_SUBJECTS)[number];
export const ACCOUNTABILITY_SUBJECT_LABELS: Record<AccountabilitySubject, string> = { unit: '单位', window: '窗口', staff: '工作人员' };

const PERIOD = /^(\d{4})(?:-(Q[1-4]|0[1-9]|1[0-2]))?$/;

/** A year `2026`, a quarter `2026-Q4` or a month `2026-11`. */
export function isAssessmentPeriod(value: string): boolean {
  const match = PERIOD.exec(value);
  return match !== null && Number(match[1]) >= 2000 && Number(match[1]) <= 2100;
}

export const periodYear = (period: string): number => Number(period.slice(0, 4));

/**
 * The periods a register lists under `period`: every period of a year under the year (undefined:
 * no filter within the year), a quarter and its three months under the quarter, a month alone.
 */
export function periodsWithin(period: string): string[] | undefined {
  const [year, part] = period.split('-');
  if (part === undefined) return undefined;
  if (!part.startsWith('Q')) return [period];
  const first = (Number(part.slice(1)) - 1) * 3 + 1;
  return [period, ...[first, first + 1, first + 2].map((month) => `${year}-${String(month).padStart(2, '0')}`)];
}

/** How a period reads in Chinese: 2026年, 2026年第四季度, 2026年11月. */
export function periodLabel(period: string): string {
  const [year, part] = period.split('-');
  if (part === undefined) return `${year}年`;
  if (part.startsWith('Q')) return `${year}年第${'一二三四'[Number(part.slice(1)) - 1]}季度`;
  return `${year}年${Number(part)}月`;
}
