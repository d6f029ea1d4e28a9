import { operations } from '#shared/contracts/api.js';
import { httpHandler } from '../../middleware/http-handler.js';
import { json, parse } from '../../middleware/http.js';
import { getRuntime } from '../../runtime.js';
import { publishRound } from '../../use-cases/sampling/publish.js';

const operation = operations.publishRound;

export const handler = httpHandler(operation, async (event) => {
  const params = parse(operation.params, event.pathParameters ?? {});
  return json(200, await publishRound(getRuntime(), event.principal, params.roundId), { 'cache-control': 'no-store' });
});
