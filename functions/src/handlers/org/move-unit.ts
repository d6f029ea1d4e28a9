import { operations } from '#shared/contracts/api.js';
import { httpHandler } from '../../middleware/http-handler.js';
import { json, parse } from '../../middleware/http.js';
import { getRuntime } from '../../runtime.js';
import { moveUnit } from '../../use-cases/org/units.js';

const operation = operations.moveUnit;

export const handler = httpHandler(operation, async (event) => {
  const params = parse(operation.params, event.pathParameters ?? {});
  const body = parse(operation.body, event.jsonBody);
  return json(200, await moveUnit(getRuntime(), event.principal, params.unitId, body.parentId));
});
