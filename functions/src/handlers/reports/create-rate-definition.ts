import { operations } from '#shared/contracts/api.js';
import { httpHandler } from '../../middleware/http-handler.js';
import { json, parse } from '../../middleware/http.js';
import { getRuntime } from '../../runtime.js';
import { createRateDefinition } from '../../use-cases/reports/rate-definitions.js';

const operation = operations.createRateDefinition;

export const handler = httpHandler(operation, async (event) => {
  const body = parse(operation.body, event.jsonBody);
  return json(201, await createRateDefinition(getRuntime(), event.principal, body));
});
