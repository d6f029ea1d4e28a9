import { operations } from '#shared/contracts/api.js';
import { httpHandler } from '../../middleware/http-handler.js';
import { json, parse } from '../../middleware/http.js';
import { getRuntime } from '../../runtime.js';
import { listWindowHalls } from '../../use-cases/org/halls.js';

const operation = operations.listWindowHalls;

export const handler = httpHandler(operation, async (event) => {
  const params = parse(operation.params, event.pathParameters ?? {});
  return json(200, await listWindowHalls(getRuntime(), event.principal, params.code));
});
