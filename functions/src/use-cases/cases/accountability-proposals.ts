import type { ProposalDecisionInput, ProposalPage, ProposalQuery, ProposalView } from '#shared/contracts/cases/accountability.js';
import { ReportQuery, type SatisfactionReport } from '#shared/contracts/reports.js';
import { PROPOSAL_RULE_LABELS, proposeAccountability, type AccountabilityProposal, type WindowMonthCell } from '#shared/domain/cases/accountability-proposals.js';
import { addDays } from '#shared/domain/china-time.js';
import { authorize, record, type Attempt } from '../../access/index.js';
import type { Principal } from '../../auth/principal.js';
import { ProposalDecidedError, type AccountabilityRecord, type AccountabilityStore, type ProposalDecision } from '../../data/cases/accountability.js';
import type { HallStore } from '../../data/halls.js';
import type { UnitRecord } from '../../data/units.js';
import type { WindowRecord } from '../../data/windows.js';
import { ConflictError, NotFoundError } from '../../errors.js';
import { allPages, type ReportDeps } from '../reports/report-deps.js';
import { runSatisfactionReport } from '../reports/satisfaction-report.js';

/**
 * 问责建议 (issue 15 §3; decision 0028): the proposals the committee reports make for a scope and
 * month (shared/src/domain/cases/accountability-proposals.ts), each with the committee's decision;
 * a committee member (or a system administrator) confirms one — its notice enters the register in
 * the same transaction — or dismisses it, with a reason, once. A decision names a proposal the
 * reports make now: the server reads them again and refuses (404) a subject they do not propose.
 */
export interface ProposalDeps extends ReportDeps {
  halls: Pick<HallStore, 'getMany'>;
  accountability: Pick<AccountabilityStore, 'decisions' | 'decide'>;
  randomId: () => string;
}

const previousMonth = (month: string) => addDays(`${month}-01`, -1).slice(0, 7);

/** The month's proposals for the scope, read from its report of the month and of the month before. */
async function proposalsOf(deps: ProposalDeps, principal: Principal, scope: UnitRecord, query: Pick<ProposalQuery, 'month' | 'minN' | 'onTimeBelow'>, now: Date) {
  const access = { permission: 'results:read' as const, action: 'accountability.proposals.report' };
  const reportOf = async (month: string): Promise<SatisfactionReport> =>
    (await runSatisfactionReport(deps, principal, ReportQuery.parse({ unit: scope.id, period: 'month', month, minN: query.minN }), now, access)).report;
  const before = previousMonth(query.month);
  const [current, previous, windows] = await Promise.all([reportOf(query.month), reportOf(before), allPages<WindowRecord>((cursor) => deps.windows.listSubtree(scope.path, { limit: 500, cursor }))]);
  const hallOf = new Map(windows.map((window) => [window.code, window.hallId]));
  const halls = await deps.halls.getMany([...new Set(windows.map((window) => window.hallId))]);
  const basis = current.rankings.windows.basis;
  const cells = (report: SatisfactionReport): WindowMonthCell[] =>
    report.byWindow
      .filter((cell) => hallOf.has(cell.key))
      .map((cell) => ({ key: cell.key, label: cell.label, suppressed: cell.suppressed, n: cell.n, rate: basis === 'satisfied' ? cell.satisfiedRate : cell.goodRate, hallId: hallOf.get(cell.key)! }));
  const proposals = proposeAccountability({
    month: query.month,
    previousMonth: before,
    basis,
    minN: query.minN,
    onTimeBelow: query.onTimeBelow,
    windows: { month: cells(current), previous: cells(previous) },
    hallNames: new Map([...halls].map(([id, hall]) => [id, hall.name])),
    units: (current.cases?.byUnit ?? [])
      .filter((row) => row.key !== 'self')
      .map((row) => ({ unitId: row.key, name: row.label, value: row.metrics['on-time'].value, numerator: row.metrics['on-time'].numerator, n: row.metrics['on-time'].n })),
  });
  return { proposals, basis, previousMonth: before };
}

const sameSubject = (a: Pick<AccountabilityProposal, 'rule' | 'subjectType' | 'subjectId'>, b: Pick<AccountabilityProposal, 'rule' | 'subjectType' | 'subjectId'>) =>
  a.rule === b.rule && a.subjectType === b.subjectType && a.subjectId === b.subjectId;

function view(proposal: AccountabilityProposal, decision: ProposalDecision | undefined): ProposalView {
  return {
    ...proposal,
    ruleLabel: PROPOSAL_RULE_LABELS[proposal.rule],
    ...(decision
      ? { decision: { decision: decision.decision, reason: decision.reason, decidedBy: decision.decidedBy, decidedAt: decision.decidedAt, ...(decision.recordId ? { recordId: decision.recordId } : {}) } }
      : {}),
  };
}

export async function listAccountabilityProposals(deps: ProposalDeps, principal: Principal, query: ProposalQuery): Promise<ProposalPage> {
  const attempt: Attempt = { action: 'accountability.proposals', objectType: 'unit', objectId: query.unitId };
  const scope = await authorize(deps, principal, 'cases:read', attempt, { unit: query.unitId, field: 'unitId' });
  const now = deps.now();
  const { proposals, basis, previousMonth: before } = await proposalsOf(deps, principal, scope, query, now);
  const decisions = await deps.accountability.decisions(query.month);
  await record(deps, principal, attempt, 'ok', { unitId: scope.id, detail: `${query.month}: ${proposals.length} proposals` });
  return {
    unitId: scope.id,
    month: query.month,
    previousMonth: before,
    basis,
    minN: query.minN,
    onTimeBelow: query.onTimeBelow,
    proposals: proposals.map((proposal) => view(proposal, decisions.find((decision) => sameSubject(decision, proposal)))),
  };
}

export async function decideAccountabilityProposal(deps: ProposalDeps, principal: Principal, input: ProposalDecisionInput): Promise<ProposalView> {
  const attempt: Attempt = { action: 'accountability.decide', objectType: input.subjectType, objectId: input.subjectId };
  const scope = await authorize(deps, principal, 'accountability:decide', attempt, { unit: input.unitId, field: 'unitId' });
  const { proposals } = await proposalsOf(deps, principal, scope, input, deps.now());
  const proposal = proposals.find((each) => sameSubject(each, input));
  if (!proposal) {
    await record(deps, principal, attempt, 'not-found', { unitId: scope.id, detail: `${input.month} ${input.rule}: not proposed` });
    throw new NotFoundError('subjectId', 'proposal');
  }
  const at = deps.now().toISOString();
  let notice: AccountabilityRecord | undefined;
  if (input.decision === 'confirmed') {
    // The subject's unit: the window's, or the unit itself (both in scope: the report read them).
    const unit = proposal.subjectType === 'unit' ? await deps.units.get(proposal.subjectId) : await deps.windows.get(proposal.subjectId).then((window) => (window ? deps.units.get(window.unitId) : undefined));
    if (!unit) throw new NotFoundError('subjectId', 'proposal');
    notice = {
      recordId: deps.randomId(),
      unitId: unit.id,
      unitPath: unit.path,
      unitName: unit.name,
      subjectType: proposal.subjectType,
      subjectId: proposal.subjectId,
      subjectName: proposal.subjectName,
      kind: input.kind,
      period: input.month,
      reason: `${proposal.reason}\n委员会意见：${input.reason}`,
      documentNo: input.documentNo,
      issuedBy: input.issuedBy,
      issuedOn: input.issuedOn,
      createdBy: principal.username,
      createdAt: at,
    };
  }
  const decision: ProposalDecision = {
    month: input.month,
    rule: proposal.rule,
    subjectType: proposal.subjectType,
    subjectId: proposal.subjectId,
    decision: input.decision,
    reason: input.reason,
    unitId: scope.id,
    decidedBy: principal.username,
    decidedAt: at,
    ...(notice ? { recordId: notice.recordId } : {}),
  };
  try {
    await deps.accountability.decide(decision, notice);
  } catch (error) {
    if (!(error instanceof ProposalDecidedError)) throw error;
    await record(deps, principal, attempt, 'invalid', { unitId: scope.id, detail: `${input.month} ${input.rule}: decided already` });
    throw new ConflictError('subjectId', 'this proposal was decided already');
  }
  await record(deps, principal, attempt, 'ok', { unitId: scope.id, detail: `${input.month} ${input.rule} ${input.decision}${notice ? ` → ${notice.kind} ${notice.documentNo}` : ''}`.slice(0, 200) });
  return view(proposal, decision);
}
