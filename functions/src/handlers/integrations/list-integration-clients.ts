import { operations } from '#shared/contracts/api.js';
import { httpHandler } from '../../middleware/http-handler.js';
import { json, parse } from '../../middleware/http.js';
import { getRuntime } from '../../runtime.js';
import { listIntegrationClients } from '../../use-cases/service-records/clients.js';

const operation = operations.listIntegrationClients;

export const handler = httpHandler(operation, async (event) => {
  const query = parse(operation.query, event.queryStringParameters ?? {});
  return json(200, await listIntegrationClients(getRuntime(), event.principal, query.unitId));
});
