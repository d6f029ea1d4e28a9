import { operations } from '#shared/contracts/api.js';
import { httpHandler } from '../../middleware/http-handler.js';
import { json, parse } from '../../middleware/http.js';
import { getRuntime } from '../../runtime.js';
import { decideAccountabilityProposal } from '../../use-cases/cases/accountability-proposals.js';

const operation = operations.decideAccountabilityProposal;

export const handler = httpHandler(operation, async (event) => {
  const body = parse(operation.body, event.jsonBody);
  return json(201, await decideAccountabilityProposal(getRuntime(), event.principal, body), { 'cache-control': 'no-store' });
});
