import { operations } from '#shared/contracts/api.js';
import { httpHandler } from '../../middleware/http-handler.js';
import { json, parse } from '../../middleware/http.js';
import { getRuntime } from '../../runtime.js';
import { listAccountabilityRecords } from '../../use-cases/cases/accountability.js';

const operation = operations.listAccountabilityRecords;

export const handler = httpHandler(operation, async (event) => {
  const query = parse(operation.query, event.queryStringParameters ?? {});
  return json(200, await listAccountabilityRecords(getRuntime(), event.principal, query), { 'cache-control': 'no-store' });
});
