import type { CallbackOutcome, CaseState } from './case-state.js';

/**
 * 差评整改 metrics (issue 15 §4; docs/decisions/0028-case-deadlines.md). A period's metrics follow
 * the cases OPENED in it (their ratings' days), as those cases stand now: 差评整改率, 按期整改率,
 * 实名差评回访率, 回访满意率, average working days to close, reopen rate and appeals upheld.
 *
 * Kept as counters, never by reading cases: each case contributes `caseCounters(progress)` to the
 * window-day totals item of its rating (`{channel}|cs|{name}`, window-day-counters.ts). The rating's
 * transaction adds `opened` (and `named`); each step adds the difference between the case's counters
 * after and before it; `npm run recount` adds up `caseCounters` of the window-day's cases. Pure.
 */

/** What of a case its metrics need (data/cases/cases.ts keeps it on the case). */
export interface CaseProgress {
  state: CaseState;
  /** 实名差评: the resident left a number for a call back. */
  named: boolean;
  /** The first time the case was fixed (已整改) or explained (解释说明): on time or late. */
  handled?: 'on-time' | 'late' | undefined;
  /** Every 回访 recorded, by outcome. */
  callbacks?: Partial<Record<CallbackOutcome, number>> | undefined;
  /** Times an unhappy 回访 reopened the case. */
  reopened: number;
  /** Working days from the rating's day to the day it closed (已办结). */
  closedDays?: number | undefined;
  /** Appeals decided (申诉成立 or 申诉驳回). */
  appealsDecided?: number | undefined;
}

export const CASE_COUNTERS = [
  'opened',
  'named',
  'handled',
  'on-time',
  'named-handled',
  'called-back',
  'cb-satisfied',
  'cb-unsatisfied',
  'cb-unreached',
  'reopened',
  'closed',
  'close-days',
  'appeals-decided',
  'appeals-upheld',
] as const;
export type CaseCounter = (typeof CASE_COUNTERS)[number];
export type CaseCounters = Partial<Record<CaseCounter, number>>;

/**
 * A case's counters (zero ones absent). A case whose appeal was upheld needed no fix: it counts as
 * opened, named and appealed only, so no handling metric holds it for or against the unit.
 */
export function caseCounters(progress: CaseProgress): CaseCounters {
  const counters: CaseCounters = { opened: 1 };
  const set = (name: CaseCounter, value: number) => {
    if (value !== 0) counters[name] = value;
  };
  set('named', progress.named ? 1 : 0);
  set('appeals-decided', progress.appealsDecided ?? 0);
  if (progress.state === 'appeal-upheld') {
    set('appeals-upheld', 1);
    return counters;
  }
  const handled = progress.handled !== undefined;
  set('handled', handled ? 1 : 0);
  set('on-time', progress.handled === 'on-time' ? 1 : 0);
  set('named-handled', handled && progress.named ? 1 : 0);
  const callbacks = progress.callbacks ?? {};
  const recorded = (callbacks.satisfied ?? 0) + (callbacks.unsatisfied ?? 0) + (callbacks.unreached ?? 0);
  set('called-back', progress.named && recorded > 0 ? 1 : 0);
  set('cb-satisfied', callbacks.satisfied ?? 0);
  set('cb-unsatisfied', callbacks.unsatisfied ?? 0);
  set('cb-unreached', callbacks.unreached ?? 0);
  set('reopened', progress.reopened > 0 ? 1 : 0);
  if (progress.state === 'closed') {
    set('closed', 1);
    set('close-days', progress.closedDays ?? 0);
  }
  return counters;
}

/** What a step adds to the counters: after − before, zero differences absent (some may be negative). */
export function caseCounterDelta(before: CaseProgress, after: CaseProgress): CaseCounters {
  const a = caseCounters(before);
  const b = caseCounters(after);
  const delta: CaseCounters = {};
  for (const name of CASE_COUNTERS) {
    const difference = (b[name] ?? 0) - (a[name] ?? 0);
    if (difference !== 0) delta[name] = difference;
  }
  return delta;
}

/** Adds `source` into `target` in place. */
export function addCaseCounters(target: CaseCounters, source: Readonly<CaseCounters>): CaseCounters {
  for (const name of CASE_COUNTERS) {
    const value = source[name];
    if (value) target[name] = (target[name] ?? 0) + value;
  }
  return target;
}

export const CASE_METRICS = ['rectified', 'on-time', 'called-back', 'callback-satisfied', 'close-days', 'reopened', 'appeals-upheld'] as const;
export type CaseMetricId = (typeof CASE_METRICS)[number];

export interface CaseMetricDefinition {
  id: CaseMetricId;
  name: { zh: string; en: string };
  /** A proportion (with a Wilson interval) or a mean (working days). */
  kind: 'rate' | 'mean';
  formula: { zh: string; en: string };
}

export const CASE_METRIC_DEFINITIONS: Readonly<Record<CaseMetricId, CaseMetricDefinition>> = {
  rectified: {
    id: 'rectified',
    name: { zh: '差评整改率', en: 'Rectification rate' },
    kind: 'rate',
    formula: {
      zh: '差评整改率 = 已整改或已解释说明的差评 ÷（差评 − 申诉成立的差评）',
      en: 'Rectification rate = bad ratings fixed or explained ÷ (bad ratings − those whose appeal was upheld)',
    },
  },
  'on-time': {
    id: 'on-time',
    name: { zh: '按期整改率', en: 'On-time rate' },
    kind: 'rate',
    formula: {
      zh: '按期整改率 = 在期限内（未超期、未上报上级）首次整改或说明的差评 ÷ 已整改或已解释说明的差评',
      en: 'On-time rate = bad ratings first fixed or explained within their deadline (never overdue or escalated) ÷ bad ratings fixed or explained',
    },
  },
  'called-back': {
    id: 'called-back',
    name: { zh: '实名差评回访率', en: 'Call-back rate' },
    kind: 'rate',
    formula: {
      zh: '实名差评回访率 = 已记录回访（含未联系上）的实名差评 ÷ 已整改或已解释说明的实名差评',
      en: 'Call-back rate = named bad ratings with a 回访 recorded (unreached included) ÷ named bad ratings fixed or explained',
    },
  },
  'callback-satisfied': {
    id: 'callback-satisfied',
    name: { zh: '回访满意率', en: 'Call-back satisfaction' },
    kind: 'rate',
    formula: {
      zh: '回访满意率 = 回访结果为满意的次数 ÷ 联系上评价人的回访次数（满意 + 不满意）',
      en: 'Call-back satisfaction = 回访 that found the resident satisfied ÷ 回访 that reached the resident (satisfied + unhappy)',
    },
  },
  'close-days': {
    id: 'close-days',
    name: { zh: '平均办结工作日', en: 'Mean working days to close' },
    kind: 'mean',
    formula: {
      zh: '平均办结工作日 = Σ（评价日至办结日的工作日数）÷ 已办结的差评；工作日按国务院节假日及调休安排计',
      en: 'Mean working days to close = Σ (working days from the rating’s day to the day closed) ÷ bad ratings closed; working days on the State Council holiday and 调休 calendar',
    },
  },
  reopened: {
    id: 'reopened',
    name: { zh: '重新办理率', en: 'Reopen rate' },
    kind: 'rate',
    formula: {
      zh: '重新办理率 = 因回访不满意重新打开过的差评 ÷ 已整改或已解释说明的差评',
      en: 'Reopen rate = bad ratings reopened after an unhappy 回访 ÷ bad ratings fixed or explained',
    },
  },
  'appeals-upheld': {
    id: 'appeals-upheld',
    name: { zh: '申诉成立率', en: 'Appeals upheld' },
    kind: 'rate',
    formula: {
      zh: '申诉成立率 = 申诉成立的次数 ÷ 已复核的申诉次数（成立 + 驳回）',
      en: 'Appeals upheld = appeals upheld ÷ appeals decided (upheld + rejected)',
    },
  },
};

/** Each metric's numerator and n from the counters (for a mean: the sum and n). */
export function caseMetricParts(counters: Readonly<CaseCounters>): Record<CaseMetricId, { numerator: number; n: number }> {
  const c = (name: CaseCounter) => counters[name] ?? 0;
  return {
    rectified: { numerator: c('handled'), n: c('opened') - c('appeals-upheld') },
    'on-time': { numerator: c('on-time'), n: c('handled') },
    'called-back': { numerator: c('called-back'), n: c('named-handled') },
    'callback-satisfied': { numerator: c('cb-satisfied'), n: c('cb-satisfied') + c('cb-unsatisfied') },
    'close-days': { numerator: c('close-days'), n: c('closed') },
    reopened: { numerator: c('reopened'), n: c('handled') },
    'appeals-upheld': { numerator: c('appeals-upheld'), n: c('appeals-decided') },
  };
}
