import { operations } from '#shared/contracts/api.js';
import { httpHandler } from '../../middleware/http-handler.js';
import { json, parse } from '../../middleware/http.js';
import { getRuntime } from '../../runtime.js';
import { listUnitChildren } from '../../use-cases/org/units.js';

const operation = operations.listUnitChildren;

export const handler = httpHandler(operation, async (event) => {
  const params = parse(operation.params, event.pathParameters ?? {});
  const query = parse(operation.query, event.queryStringParameters ?? {});
  return json(200, await listUnitChildren(getRuntime(), event.principal, params.unitId, query));
});
