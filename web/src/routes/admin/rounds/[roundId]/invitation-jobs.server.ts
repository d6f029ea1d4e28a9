import { invitationOperations, RoundOutbox, RoundSendProgress } from '#shared/contracts/sampling/invitations.js';
import { call, fillPath, type ApiResult } from '$lib/server/api';

/**
 * The 阳光测评 invitation jobs of a round page (decision 0022): send and remind, each call handing
 * messages on for the API's time budget (JOB_BUDGET_MS, 6 s) and answering where they stand, and
 * the local outbox.
 */
export const ROUND_JOBS = { send: invitationOperations.sendRound, remind: invitationOperations.remindRound } as const;
export type RoundJob = keyof typeof ROUND_JOBS;

/**
 * Longer than `call()`'s 10 s: the API answers after its 6 s budget plus the step under way, and
 * its Lambda is cut at 10 s, so a slow step must show as the API's answer, not as ours giving up.
 */
const JOB_TIMEOUT_MS = 15_000;

export function runRoundJob(token: string, roundId: string, job: RoundJob): Promise<ApiResult<RoundSendProgress>> {
  const op = ROUND_JOBS[job];
  return call(RoundSendProgress, { method: op.method, path: fillPath(op.path, { roundId }), token, timeoutMs: JOB_TIMEOUT_MS });
}

export function getRoundOutbox(token: string, roundId: string): Promise<ApiResult<RoundOutbox>> {
  const op = invitationOperations.getRoundOutbox;
  return call(RoundOutbox, { method: op.method, path: fillPath(op.path, { roundId }), token });
}
