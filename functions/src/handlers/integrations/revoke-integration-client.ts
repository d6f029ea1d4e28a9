import { operations } from '#shared/contracts/api.js';
import { httpHandler } from '../../middleware/http-handler.js';
import { json, parse } from '../../middleware/http.js';
import { getRuntime } from '../../runtime.js';
import { revokeIntegrationClient } from '../../use-cases/service-records/clients.js';

const operation = operations.revokeIntegrationClient;

export const handler = httpHandler(operation, async (event) => {
  const params = parse(operation.params, event.pathParameters ?? {});
  return json(200, await revokeIntegrationClient(getRuntime(), event.principal, params.clientId));
});
