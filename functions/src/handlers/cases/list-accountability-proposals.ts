import { operations } from '#shared/contracts/api.js';
import { httpHandler } from '../../middleware/http-handler.js';
import { json, parse } from '../../middleware/http.js';
import { getRuntime } from '../../runtime.js';
import { listAccountabilityProposals } from '../../use-cases/cases/accountability-proposals.js';

const operation = operations.listAccountabilityProposals;

export const handler = httpHandler(operation, async (event) => {
  const query = parse(operation.query, event.queryStringParameters ?? {});
  return json(200, await listAccountabilityProposals(getRuntime(), event.principal, query), { 'cache-control': 'no-store' });
});
