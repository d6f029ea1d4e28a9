import { operations } from '#shared/contracts/api.js';
import { httpHandler } from '../../middleware/http-handler.js';
import { json, parse } from '../../middleware/http.js';
import { getRuntime } from '../../runtime.js';
import { updateRound } from '../../use-cases/sampling/rounds.js';

const operation = operations.updateRound;

export const handler = httpHandler(operation, async (event) => {
  const params = parse(operation.params, event.pathParameters ?? {});
  const body = parse(operation.body, event.jsonBody);
  return json(200, await updateRound(getRuntime(), event.principal, params.roundId, body), { 'cache-control': 'no-store' });
});
