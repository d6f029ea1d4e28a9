import { RecoveryLinkView, RecoveryRecorded, recoveryOperations } from '#shared/contracts/cases/recovery.js';
import { call, type ApiResult } from './api';

/**
 * 回访 links of 差评 cases (issue 15 §2). The token goes to the API in the JSON body only, never in
 * the API's path or query, as a rating link's.
 */
export function viewRecoveryLink(token: string): Promise<ApiResult<RecoveryLinkView>> {
  const op = recoveryOperations.viewRecoveryLink;
  return call(RecoveryLinkView, { method: op.method, path: op.path, body: { token } });
}

export function answerRecoveryLink(body: { token: string; result: string; resolved: string; comment?: string }): Promise<ApiResult<{ outcome: string; reopened: boolean }>> {
  const op = recoveryOperations.answerRecoveryLink;
  return call(RecoveryRecorded, { method: op.method, path: op.path, body });
}
