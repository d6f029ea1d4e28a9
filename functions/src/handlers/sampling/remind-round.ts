import '../../aws-adapters.js';
import { operations } from '#shared/contracts/api.js';
import { httpHandler } from '../../middleware/http-handler.js';
import { json, parse } from '../../middleware/http.js';
import { getRuntime } from '../../runtime.js';
import { remindRound } from '../../use-cases/sampling/invitations.js';

const operation = operations.remindRound;

export const handler = httpHandler(operation, async (event) => {
  const params = parse(operation.params, event.pathParameters ?? {});
  return json(200, await remindRound(getRuntime(), event.principal, params.roundId), { 'cache-control': 'no-store' });
});
