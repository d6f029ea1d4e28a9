import { operations } from '#shared/contracts/api.js';
import { httpHandler } from '../../middleware/http-handler.js';
import { json, parse } from '../../middleware/http.js';
import { getRuntime } from '../../runtime.js';
import { createAccountabilityRecord } from '../../use-cases/cases/accountability.js';

const operation = operations.createAccountabilityRecord;

export const handler = httpHandler(operation, async (event) => {
  const body = parse(operation.body, event.jsonBody);
  return json(201, await createAccountabilityRecord(getRuntime(), event.principal, body), { 'cache-control': 'no-store' });
});
