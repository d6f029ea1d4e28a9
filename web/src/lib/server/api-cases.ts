import { CaseContactView, caseOperations, CaseQueuePage, CaseView, type CaseTransitionInput } from '#shared/contracts/cases/cases.js';
import { caseDeadlineOperations, CaseDeadlinesView, type CaseDeadlinesInput } from '#shared/contracts/cases/deadlines.js';
import {
  AccountabilityPage,
  AccountabilityRecordView,
  accountabilityOperations,
  ProposalPage,
  ProposalView,
  type AccountabilityInput,
  type ProposalDecisionBody,
} from '#shared/contracts/cases/accountability.js';
import { RecoverySent, recoveryOperations } from '#shared/contracts/cases/recovery.js';
import { LetterReceived, MailboxDirectory, MailboxSettings, mailboxOperations, type MailboxSettingsInput, type SubmitLetterInput } from '#shared/contracts/cases/mailbox.js';
import { webConfig } from './config';
import { call, fillPath, type ApiResult } from './api';

/** Client functions of the 差评 cases (issue 15; docs/decisions/0028). */
export function listCases(token: string, query: Record<string, string>): Promise<ApiResult<CaseQueuePage>> {
  const op = caseOperations.listCases;
  return call(CaseQueuePage, { method: op.method, path: op.path, token, query });
}

export function getCase(token: string, caseId: string): Promise<ApiResult<CaseView>> {
  const op = caseOperations.getCase;
  return call(CaseView, { method: op.method, path: fillPath(op.path, { caseId }), token });
}

export function transitionCase(token: string, caseId: string, body: CaseTransitionInput): Promise<ApiResult<CaseView>> {
  const op = caseOperations.transitionCase;
  return call(CaseView, { method: op.method, path: fillPath(op.path, { caseId }), token, body });
}

/** 查看联系方式: the number of a 实名差评, for its 回访 (audited by the API each time). */
export function revealCaseContact(token: string, caseId: string): Promise<ApiResult<CaseContactView>> {
  const op = caseOperations.revealCaseContact;
  return call(CaseContactView, { method: op.method, path: fillPath(op.path, { caseId }), token });
}

/** A unit's 差评 deadlines: its own, what applies and from where. */
export function getCaseDeadlines(token: string, unitId: string): Promise<ApiResult<CaseDeadlinesView>> {
  const op = caseDeadlineOperations.getCaseDeadlines;
  return call(CaseDeadlinesView, { method: op.method, path: op.path, token, query: { unitId } });
}

export function setCaseDeadlines(token: string, body: CaseDeadlinesInput): Promise<ApiResult<CaseDeadlinesView>> {
  const op = caseDeadlineOperations.setCaseDeadlines;
  return call(CaseDeadlinesView, { method: op.method, path: op.path, token, body });
}

/** The accountability register of a unit subtree for a period, a page at a time. */
export function listAccountability(token: string, query: Record<string, string>): Promise<ApiResult<AccountabilityPage>> {
  const op = accountabilityOperations.listAccountabilityRecords;
  return call(AccountabilityPage, { method: op.method, path: op.path, token, query });
}

export function createAccountability(token: string, body: AccountabilityInput): Promise<ApiResult<AccountabilityRecordView>> {
  const op = accountabilityOperations.createAccountabilityRecord;
  return call(AccountabilityRecordView, { method: op.method, path: op.path, token, body });
}

/** 问责建议: the month's proposals of a scope, with their decisions. */
export function listProposals(token: string, query: Record<string, string>): Promise<ApiResult<ProposalPage>> {
  const op = accountabilityOperations.listAccountabilityProposals;
  return call(ProposalPage, { method: op.method, path: op.path, token, query });
}

export function decideProposal(token: string, body: ProposalDecisionBody): Promise<ApiResult<ProposalView>> {
  const op = accountabilityOperations.decideAccountabilityProposal;
  return call(ProposalView, { method: op.method, path: op.path, token, body });
}

/** The register as a file (CSV / XLSX), streamed from the API (which audits and registers it). */
export async function accountabilityDownload(token: string, query: { unitId: string; period: string; format: string }): Promise<Response> {
  const op = accountabilityOperations.exportAccountabilityRecords;
  try {
    return await fetch(`${webConfig().API_BASE_URL}${op.path}?${new URLSearchParams(query)}`, { method: op.method, headers: { authorization: `Bearer ${token}` }, signal: AbortSignal.timeout(60_000) });
  } catch {
    return new Response(null, { status: 503 });
  }
}

/** A step's photo as the API sends it (image bytes), for the admin page's own same-origin URL. */
export async function fetchCaseAttachment(token: string, caseId: string, step: string): Promise<{ status: number; contentType?: string; bytes?: ArrayBuffer }> {
  try {
    const response = await fetch(`${webConfig().API_BASE_URL}${fillPath(caseOperations.getCaseAttachment.path, { caseId, step })}`, {
      headers: { authorization: `Bearer ${token}` },
      signal: AbortSignal.timeout(10_000),
    });
    const contentType = response.headers.get('content-type') ?? '';
    if (!response.ok || !/^image\/(jpeg|png|webp)$/.test(contentType)) {
      await response.body?.cancel();
      return { status: response.ok ? 502 : response.status };
    }
    return { status: 200, contentType, bytes: await response.arrayBuffer() };
  } catch {
    return { status: 503 };
  }
}

/** 回访 by SMS: send the case's resident a one-time link (issue 15 §2). */
export function sendRecoveryLink(token: string, caseId: string): Promise<ApiResult<RecoverySent>> {
  const op = recoveryOperations.sendCaseRecoveryLink;
  return call(RecoverySent, { method: op.method, path: fillPath(op.path, { caseId }), token });
}

/** Who a unit named its head (一把手) for the 一把手信箱 (decision 0029). */
export function getMailboxSettings(token: string, unitId: string): Promise<ApiResult<MailboxSettings>> {
  const op = mailboxOperations.getMailboxSettings;
  return call(MailboxSettings, { method: op.method, path: op.path, token, query: { unitId } });
}

export function setMailboxSettings(token: string, body: MailboxSettingsInput): Promise<ApiResult<MailboxSettings>> {
  const op = mailboxOperations.setMailboxSettings;
  return call(MailboxSettings, { method: op.method, path: op.path, token, body });
}

/** The public mailbox's directory at a unit (or the top level): no session. */
export function mailboxDirectory(unit: string | undefined, window?: string): Promise<ApiResult<MailboxDirectory>> {
  const op = mailboxOperations.getMailbox;
  return call(MailboxDirectory, { method: op.method, path: op.path, query: { ...(unit ? { unit } : {}), ...(unit && window ? { window } : {}) } });
}

/** A resident's letter; `requester`: the forwarded client (server/requester.ts) for the per-client limit. */
export function submitLetter(body: SubmitLetterInput, requester: Record<string, string>): Promise<ApiResult<LetterReceived>> {
  const op = mailboxOperations.submitLetter;
  return call(LetterReceived, { method: op.method, path: op.path, body, headers: requester });
}
