import { operations } from '#shared/contracts/api.js';
import { httpHandler } from '../../middleware/http-handler.js';
import { json, parse } from '../../middleware/http.js';
import { getRuntime } from '../../runtime.js';
import { getUnitTree } from '../../use-cases/org/units.js';

const operation = operations.getUnitTree;

export const handler = httpHandler(operation, async (event) => {
  const query = parse(operation.query, event.queryStringParameters ?? {});
  return json(200, await getUnitTree(getRuntime(), event.principal, query));
});
