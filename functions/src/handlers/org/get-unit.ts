import { operations } from '#shared/contracts/api.js';
import { httpHandler } from '../../middleware/http-handler.js';
import { json, parse } from '../../middleware/http.js';
import { getRuntime } from '../../runtime.js';
import { getUnit } from '../../use-cases/org/units.js';

const operation = operations.getUnit;

export const handler = httpHandler(operation, async (event) => {
  const params = parse(operation.params, event.pathParameters ?? {});
  return json(200, await getUnit(getRuntime(), event.principal, params.unitId));
});
