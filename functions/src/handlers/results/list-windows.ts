import { operations } from '#shared/contracts/api.js';
import { httpHandler } from '../../middleware/http-handler.js';
import { json, parse } from '../../middleware/http.js';
import { getRuntime } from '../../runtime.js';
import { listWindows } from '../../use-cases/satisfaction.js';

const operation = operations.listWindows;

export const handler = httpHandler(operation, async (event) => {
  const page = parse(operation.query, event.queryStringParameters ?? {});
  return json(200, await listWindows(getRuntime(), event.principal, page));
});
