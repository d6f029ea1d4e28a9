import { operations } from '#shared/contracts/api.js';
import { httpHandler } from '../../middleware/http-handler.js';
import { json, parse } from '../../middleware/http.js';
import { getRuntime } from '../../runtime.js';
import { createIntegrationClient } from '../../use-cases/service-records/clients.js';

const operation = operations.createIntegrationClient;

export const handler = httpHandler(operation, async (event) => {
  const body = parse(operation.body, event.jsonBody);
  return json(201, await createIntegrationClient(getRuntime(), event.principal, body), { 'cache-control': 'no-store' });
});
