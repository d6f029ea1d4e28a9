import { operations } from '#shared/contracts/api.js';
import { httpHandler } from '../../middleware/http-handler.js';
import { json, parse } from '../../middleware/http.js';
import { getRuntime } from '../../runtime.js';
import { renameUnit } from '../../use-cases/org/units.js';

const operation = operations.renameUnit;

export const handler = httpHandler(operation, async (event) => {
  const params = parse(operation.params, event.pathParameters ?? {});
  const body = parse(operation.body, event.jsonBody);
  return json(200, await renameUnit(getRuntime(), event.principal, params.unitId, body.name));
});
