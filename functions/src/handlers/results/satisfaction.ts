import { operations } from '#shared/contracts/api.js';
import { httpHandler } from '../../middleware/http-handler.js';
import { json, parse } from '../../middleware/http.js';
import { getRuntime } from '../../runtime.js';
import { windowSatisfaction } from '../../use-cases/satisfaction.js';

const operation = operations.satisfaction;

export const handler = httpHandler(operation, async (event) => {
  const query = parse(operation.query, event.queryStringParameters ?? {});
  return json(200, await windowSatisfaction(getRuntime(), event.principal, query));
});
