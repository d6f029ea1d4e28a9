import { operations } from '#shared/contracts/api.js';
import { httpHandler } from '../../middleware/http-handler.js';
import { json, parse } from '../../middleware/http.js';
import { getRuntime } from '../../runtime.js';
import { closeRound } from '../../use-cases/sampling/close-round.js';

const operation = operations.closeRound;

export const handler = httpHandler(operation, async (event) => {
  const params = parse(operation.params, event.pathParameters ?? {});
  return json(200, await closeRound(getRuntime(), event.principal, params.roundId), { 'cache-control': 'no-store' });
});
