import { randomBytes } from 'node:crypto';
import { RECOVERY_LINK_DAYS, type RecoveryAnswer, type RecoveryLinkView, type RecoverySent } from '#shared/contracts/cases/recovery.js';
import { record, type Attempt } from '../../access/index.js';
import type { Principal } from '../../auth/principal.js';
import type { CaseRecord } from '../../data/cases/cases.js';
import { LINK_KEEP_DAYS, RatingLinkExpiredError, RatingLinkUnknownError, RatingLinkUsedError, type OpenRatingLink, type RatingLinkStore } from '../../data/rating-links.js';
import type { SmsSender } from '../../data/sampling-invitations.js';
import { ConflictError, NotFoundError, RecoveryLinkExpiredAppError, RecoveryLinkUsedAppError } from '../../errors.js';
import { ratingLinkHash } from '../rating-links/rate-by-link.js';
import { DEFAULT_BASE_URL } from '../posters/posters.js';
import { authorizeCase, caseStep, deadlinesOnce, type CaseDeps } from './cases.js';

/**
 * 回访 by a one-time SMS link (issue 15 §2; decision 0028). The unit sends a 实名差评 that is fixed or
 * explained a link (the number opened for that one message, never shown); the resident answers two
 * questions at /h/{token} — 对处理结果是否满意, 问题是否已解决 — and the answer is the case's 已回访
 * step, written with the link's consumption in one transaction (exactly once); 不满意 reopens the
 * case (待核实 again, counted), as a 回访 by telephone does. A link sent before the case was last
 * reopened no longer counts.
 */
export interface RecoveryDeps extends CaseDeps {
  ratingLinks: Pick<RatingLinkStore, 'issue' | 'get'>;
  sms: SmsSender;
  publicBaseUrl?: string | undefined;
}

const DAY_MS = 86_400_000;
/** Who records a 回访 answered through a link: the resident, no account. */
export const RECOVERY_ACTOR = 'resident-link';
const WAITING: readonly CaseRecord['state'][] = ['fixed', 'explained'];
const RESOLVED_WORDS = { yes: '问题已解决', partly: '问题部分解决', no: '问题未解决' } as const;

export const recoveryUrl = (baseUrl: string | undefined, token: string) => `${(baseUrl ?? DEFAULT_BASE_URL).replace(/\/+$/, '')}/h/${token}`;

export async function sendRecoveryLink(deps: RecoveryDeps, principal: Principal, caseId: string): Promise<RecoverySent> {
  const attempt: Attempt = { action: 'case.recovery-link', objectType: 'case', objectId: caseId };
  const found = await authorizeCase(deps, principal, attempt, 'cases:work');
  const refuse = async (message: string) => {
    await record(deps, principal, attempt, 'invalid', { unitId: found.unitId, detail: message });
    return new ConflictError('caseId', message);
  };
  if (!found.contactId) throw await refuse('the case is anonymous: there is no number to send a 回访 link to');
  if (!WAITING.includes(found.state)) throw await refuse(`the case is ${found.state}: a 回访 link is sent once it is fixed (已整改) or explained (解释说明)`);
  const sealed = found.contactPurged ? undefined : await deps.cases.contact(found.contactId);
  if (!sealed) throw await refuse('the number is gone: deleted when the case finished, or past the contact store’s retention');
  const now = deps.now();
  const openUntil = new Date(now.getTime() + RECOVERY_LINK_DAYS * DAY_MS);
  const token = randomBytes(16).toString('base64url');
  const link: OpenRatingLink = {
    tokenHash: ratingLinkHash(token),
    purpose: 'recovery',
    unitId: found.unitId,
    ...(found.windowCode ? { windowCode: found.windowCode } : {}),
    caseId: found.caseId,
    reopened: found.reopened,
    openUntil: openUntil.toISOString(),
    state: 'open',
    expiresAt: Math.ceil((openUntil.getTime() + LINK_KEEP_DAYS * DAY_MS) / 1000),
  };
  await deps.ratingLinks.issue(link);
  const url = recoveryUrl(deps.publicBaseUrl, token);
  const window = found.windowCode ? ((await deps.windows.get(found.windowCode))?.name ?? found.windowCode) : undefined;
  const about = found.mailbox ? '的来信' : `对“${window}”的评价`;
  const text = `【满意】您${found.day}${about}已处理，请告诉我们您对处理结果是否满意：${url}（${RECOVERY_LINK_DAYS}日内有效）`;
  // The number is opened for this one message and goes nowhere else: not the answer, not the log.
  await deps.sms.send({ roundId: `case-${found.caseId}`, kind: 'recovery', phone: await deps.sealer.open(sealed.sealedPhone), text, link: url, keepUntil: link.expiresAt });
  await record(deps, principal, attempt, 'ok', { unitId: found.unitId, detail: `回访 link sent (${deps.sms.kind})` });
  return { sentAt: now.toISOString(), openUntil: link.openUntil, sender: deps.sms.kind, ...(deps.sms.kind === 'outbox' ? { link: url } : {}) };
}

/** The open 回访 link of a token and its case, or the 4xx a resident is told. */
async function openLink(deps: RecoveryDeps, token: string): Promise<{ tokenHash: string; found: CaseRecord; openUntil: string }> {
  const tokenHash = ratingLinkHash(token);
  const link = await deps.ratingLinks.get(tokenHash);
  if (!link) throw new NotFoundError('token', '回访 link');
  if (link.state === 'used') throw new RecoveryLinkUsedAppError();
  if (link.purpose !== 'recovery' || !link.caseId) throw new NotFoundError('token', '回访 link');
  if (link.openUntil < deps.now().toISOString()) throw new RecoveryLinkExpiredAppError();
  const found = await deps.cases.get(link.caseId);
  if (!found) throw new NotFoundError('token', '回访 link');
  // Answered by telephone meanwhile, or reopened since the link was sent: this link has done its part.
  if (!WAITING.includes(found.state) || found.reopened !== link.reopened) throw new RecoveryLinkUsedAppError();
  return { tokenHash, found, openUntil: link.openUntil };
}

export async function viewRecoveryLink(deps: RecoveryDeps, token: string): Promise<RecoveryLinkView> {
  const { found, openUntil } = await openLink(deps, token);
  const [window, unit, events] = await Promise.all([found.windowCode ? deps.windows.get(found.windowCode) : undefined, deps.units.get(found.unitId), deps.cases.events(found.caseId)]);
  const handling = [...events].reverse().find((event) => event.to === found.state);
  return {
    ...(found.windowCode ? { windowName: window?.name ?? found.windowCode } : {}),
    ...(found.mailbox ? { letter: true } : {}),
    unitName: unit?.name ?? found.unitId,
    day: found.day,
    handling: { state: found.state as 'fixed' | 'explained', note: handling?.note ?? '', at: handling?.at ?? found.updatedAt },
    openUntil,
  };
}

export async function answerRecoveryLink(deps: RecoveryDeps, input: RecoveryAnswer): Promise<{ outcome: RecoveryAnswer['result']; reopened: boolean }> {
  const { tokenHash, found } = await openLink(deps, input.token);
  const actor = { username: RECOVERY_ACTOR, role: 'system', unitId: found.unitId } as unknown as Principal;
  const attempt: Attempt = { action: 'case.transition', objectType: 'case', objectId: found.caseId };
  const note = `短信回访：对处理结果${input.result === 'satisfied' ? '满意' : '不满意'}，${RESOLVED_WORDS[input.resolved]}${input.comment ? `。评价人留言：${input.comment}` : ''}`;
  const days = deadlinesOnce(deps, found);
  let first: Awaited<ReturnType<typeof caseStep>>;
  try {
    first = await caseStep(deps, actor, attempt, found, await deps.cases.events(found.caseId), days, { to: 'called-back', note, outcome: input.result, recoveryLink: { tokenHash } });
  } catch (error) {
    if (error instanceof RatingLinkUsedError) throw new RecoveryLinkUsedAppError({ cause: error });
    if (error instanceof RatingLinkExpiredError) throw new RecoveryLinkExpiredAppError({ cause: error });
    if (error instanceof RatingLinkUnknownError) throw new NotFoundError('token', '回访 link');
    // Another step came first (a 回访 by telephone at the same moment): the link has done its part.
    if (error instanceof ConflictError) throw new RecoveryLinkUsedAppError({ cause: error });
    throw error;
  }
  if (input.result === 'satisfied') return { outcome: input.result, reopened: false };
  try {
    await caseStep(deps, actor, attempt, first.record, first.events, days, { to: 'pending', note: '短信回访不满意，案件重新核实' });
    return { outcome: input.result, reopened: true };
  } catch (error) {
    // The answer is recorded; a worker's step came between: the case waits for them to reopen it.
    if (error instanceof ConflictError) return { outcome: input.result, reopened: false };
    throw error;
  }
}
