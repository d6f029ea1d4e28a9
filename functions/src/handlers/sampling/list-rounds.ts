import { operations } from '#shared/contracts/api.js';
import { httpHandler } from '../../middleware/http-handler.js';
import { json, parse } from '../../middleware/http.js';
import { getRuntime } from '../../runtime.js';
import { listRounds } from '../../use-cases/sampling/rounds.js';

const operation = operations.listRounds;

export const handler = httpHandler(operation, async (event) => {
  const query = parse(operation.query, event.queryStringParameters ?? {});
  return json(200, await listRounds(getRuntime(), event.principal, query.unitId), { 'cache-control': 'no-store' });
});
