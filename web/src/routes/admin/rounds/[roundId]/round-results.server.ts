import { RoundResults, roundResultOperations } from '#shared/contracts/sampling/results.js';
import { call, fillPath, type ApiResult } from '$lib/server/api';

/** The states a round has results in: from the draw on (before it the API answers 409). */
export const RESULT_STATES: ReadonlySet<string> = new Set(['drawn', 'sending', 'closed', 'published']);

/** A round's funnel, its strata's rates and the stratified estimate (getRoundResults, decision 0023). */
export function getRoundResults(token: string, roundId: string): Promise<ApiResult<RoundResults>> {
  const op = roundResultOperations.getRoundResults;
  return call(RoundResults, { method: op.method, path: fillPath(op.path, { roundId }), token });
}
