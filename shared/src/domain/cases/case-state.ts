/**
 * A 差评 case's life (issue 15 §1; docs/decisions/0028-case-deadlines.md): every rating at 不满意 or
 * 非常不满意 opens one, and the responsible unit (谁办理、谁负责) verifies it and fixes at once, fixes by
 * a deadline or explains; calls the resident back; and closes it. Or it appeals the rating, and a
 * reviewer of a superior unit upholds or rejects the appeal. 超期 (overdue) is not a state: it is a
 * flag the sweep sets on a case still open past its due day.
 *
 *     待核实 ─┬─ 立行立改 ─┐
 *            ├─ 限期整改 ─┴─ 已整改 ─┬─ 已回访 ─┬─ 已办结
 *            ├─ 解释说明 ────────────┘          └─ 待核实 (回访不满意: reopened)
 *            └─ 申诉中 ─┬─ 申诉成立 (the rating excluded where its definition says so)
 *                       └─ 申诉驳回 ─→ 立行立改 | 限期整改 | 解释说明
 *
 * 已整改 and 解释说明 may close without a 回访 when the case cannot reach the resident (an anonymous
 * rating); a reached resident's unhappy 回访 reopens the case (待核实 again, counted).
 */
export const CASE_STATES = [
  'pending',
  'immediate',
  'deadline',
  'explained',
  'fixed',
  'called-back',
  'closed',
  'appealing',
  'appeal-upheld',
  'appeal-rejected',
] as const;
export type CaseState = (typeof CASE_STATES)[number];

export const CASE_STATE_LABELS: Record<CaseState, string> = {
  pending: '待核实',
  immediate: '立行立改',
  deadline: '限期整改',
  explained: '解释说明',
  fixed: '已整改',
  'called-back': '已回访',
  closed: '已办结',
  appealing: '申诉中',
  'appeal-upheld': '申诉成立',
  'appeal-rejected': '申诉驳回',
};

/** The levels whose rating opens a case: 不满意 (2) and 非常不满意 (1), whatever the channel. */
export const CASE_LEVELS: readonly number[] = [2, 1];
export const opensCase = (level: number): boolean => CASE_LEVELS.includes(level);

/** Where each state may go. */
export const CASE_TRANSITIONS: Readonly<Record<CaseState, readonly CaseState[]>> = {
  pending: ['immediate', 'deadline', 'explained', 'appealing'],
  immediate: ['fixed'],
  deadline: ['fixed'],
  explained: ['called-back', 'closed'],
  fixed: ['called-back', 'closed'],
  'called-back': ['closed', 'pending'],
  closed: [],
  appealing: ['appeal-upheld', 'appeal-rejected'],
  'appeal-upheld': [],
  'appeal-rejected': ['immediate', 'deadline', 'explained'],
};

/** The states a case is finished in: nothing follows, no deadline runs. */
export const FINAL_CASE_STATES: readonly CaseState[] = CASE_STATES.filter((state) => CASE_TRANSITIONS[state].length === 0);

/** The kinds of handling that start a working-day deadline, and its default length (issue 15 §1). */
export const DEADLINE_KINDS = ['verify', 'immediate', 'deadline'] as const;
export type DeadlineKind = (typeof DEADLINE_KINDS)[number];

/**
 * Working days allowed, by what the case is waiting for: 核实 1 (from the rating to the decision how
 * to handle it — local rules commonly ask for verification within one working day), 立行立改 1,
 * 限期整改 5 (issue 15 §1); a unit may set its own (e.g. the 15 working days some provinces use for
 * 限期整改).
 */
export const DEFAULT_DEADLINE_DAYS: Readonly<Record<DeadlineKind, number>> = { verify: 1, immediate: 1, deadline: 5 };

/** The deadline a state starts, if any: 待核实 → verify, 立行立改 → immediate, 限期整改 → deadline. */
export function deadlineKindOf(state: CaseState): DeadlineKind | undefined {
  if (state === 'pending') return 'verify';
  if (state === 'immediate') return 'immediate';
  if (state === 'deadline') return 'deadline';
  return undefined;
}

/** What a 回访 found (issue 15 §2): the resident reached and satisfied, reached and unhappy, or not reached. */
export const CALLBACK_OUTCOMES = ['satisfied', 'unsatisfied', 'unreached'] as const;
export type CallbackOutcome = (typeof CALLBACK_OUTCOMES)[number];
export const CALLBACK_OUTCOME_LABELS: Record<CallbackOutcome, string> = { satisfied: '满意', unsatisfied: '不满意', unreached: '未联系上' };

/** What, besides its state, decides where a case may go: whether it can be called back, and what the 回访 found. */
export interface CaseStanding {
  state: CaseState;
  /** 实名差评: the resident left a number for a call back. */
  named: boolean;
  /** The last 回访's outcome, if one was recorded. */
  callback?: CallbackOutcome | undefined;
}

/**
 * Where a case may go now: its state's transitions, narrowed by the resident. A 实名差评 is called
 * back before it closes; an anonymous one has no one to call back. After the 回访, an unhappy
 * resident reopens the case (待核实, counted) and any other outcome closes it.
 */
export function caseNextStates(standing: CaseStanding): readonly CaseState[] {
  const next = CASE_TRANSITIONS[standing.state];
  if (standing.state === 'called-back') return standing.callback === 'unsatisfied' ? ['pending'] : ['closed'];
  if (standing.named) return next.filter((state) => state !== 'closed');
  return next.filter((state) => state !== 'called-back');
}

/** The states a deadline runs in: what the overdue sweep reads. */
export const DEADLINE_STATES: readonly CaseState[] = CASE_STATES.filter((state) => deadlineKindOf(state) !== undefined);

/** 超期: a case waiting in a state with a deadline, on a day (China time) after its due day. */
export function isCaseOverdue(state: CaseState, due: string | undefined, today: string): boolean {
  return due !== undefined && deadlineKindOf(state) !== undefined && due < today;
}

export type CaseTransitionCheck = { ok: true } | { ok: false; message: string };

const named = (state: CaseState) => `${state} (${CASE_STATE_LABELS[state]})`;

/** Whether a case may go to `to`; if not, why, naming its state and where it may go. */
export function checkCaseTransition(standing: CaseStanding, to: CaseState): CaseTransitionCheck {
  const next = caseNextStates(standing);
  if (next.includes(to)) return { ok: true };
  const from = standing.state;
  const where = next.length ? `it goes to ${next.map(named).join(', ')}` : `${named(from)} is final`;
  let why = '';
  if (CASE_TRANSITIONS[from].includes(to)) {
    if (from === 'called-back') why = standing.callback === 'unsatisfied' ? ' (the 回访 found the resident unhappy: the case reopens)' : ' (the 回访 is recorded: the case closes)';
    else why = standing.named ? ' (a 实名差评 is called back before it closes)' : ' (an anonymous case has no one to call back)';
  }
  return { ok: false, message: `the case is ${named(from)}: it cannot go to ${named(to)}${why}; ${where}` };
}
