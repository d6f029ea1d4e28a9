import { operations } from '#shared/contracts/api.js';
import { httpHandler } from '../../middleware/http-handler.js';
import { json, parse } from '../../middleware/http.js';
import { getRuntime } from '../../runtime.js';
import { createUnit } from '../../use-cases/org/units.js';

const operation = operations.createUnit;

export const handler = httpHandler(operation, async (event) => {
  const body = parse(operation.body, event.jsonBody);
  return json(201, await createUnit(getRuntime(), event.principal, body));
});
