import { operations } from '#shared/contracts/api.js';
import { httpHandler } from '../../middleware/http-handler.js';
import { json, parse } from '../../middleware/http.js';
import { getRuntime } from '../../runtime.js';
import { roundResults } from '../../use-cases/sampling/results.js';

const operation = operations.getRoundResults;

export const handler = httpHandler(operation, async (event) => {
  const params = parse(operation.params, event.pathParameters ?? {});
  return json(200, await roundResults(getRuntime(), event.principal, params.roundId), { 'cache-control': 'no-store' });
});
