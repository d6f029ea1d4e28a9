import { operations } from '#shared/contracts/api.js';
import { httpHandler } from '../../middleware/http-handler.js';
import { json, parse } from '../../middleware/http.js';
import { getRuntime } from '../../runtime.js';
import { drawRound } from '../../use-cases/sampling/draw-round.js';

const operation = operations.drawRound;

export const handler = httpHandler(operation, async (event) => {
  const params = parse(operation.params, event.pathParameters ?? {});
  const body = parse(operation.body, event.jsonBody);
  return json(200, await drawRound(getRuntime(), event.principal, params.roundId, body.publicInput), { 'cache-control': 'no-store' });
});
