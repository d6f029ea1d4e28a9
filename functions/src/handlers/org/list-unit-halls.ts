import { operations } from '#shared/contracts/api.js';
import { httpHandler } from '../../middleware/http-handler.js';
import { json, parse } from '../../middleware/http.js';
import { getRuntime } from '../../runtime.js';
import { listUnitHalls } from '../../use-cases/org/halls.js';

const operation = operations.listUnitHalls;

export const handler = httpHandler(operation, async (event) => {
  const params = parse(operation.params, event.pathParameters ?? {});
  const query = parse(operation.query, event.queryStringParameters ?? {});
  return json(200, await listUnitHalls(getRuntime(), event.principal, params.unitId, query));
});
