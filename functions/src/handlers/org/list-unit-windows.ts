import { operations } from '#shared/contracts/api.js';
import { httpHandler } from '../../middleware/http-handler.js';
import { json, parse } from '../../middleware/http.js';
import { getRuntime } from '../../runtime.js';
import { listUnitWindows } from '../../use-cases/org/windows.js';

const operation = operations.listUnitWindows;

export const handler = httpHandler(operation, async (event) => {
  const params = parse(operation.params, event.pathParameters ?? {});
  const query = parse(operation.query, event.queryStringParameters ?? {});
  return json(200, await listUnitWindows(getRuntime(), event.principal, params.unitId, query));
});
