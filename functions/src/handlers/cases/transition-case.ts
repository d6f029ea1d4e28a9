import { operations } from '#shared/contracts/api.js';
import { httpHandler } from '../../middleware/http-handler.js';
import { json, parse } from '../../middleware/http.js';
import { getRuntime } from '../../runtime.js';
import { transitionCase } from '../../use-cases/cases/cases.js';

const operation = operations.transitionCase;

export const handler = httpHandler(operation, async (event) => {
  const params = parse(operation.params, event.pathParameters ?? {});
  const body = parse(operation.body, event.jsonBody);
  return json(200, await transitionCase(getRuntime(), event.principal, params.caseId, body), { 'cache-control': 'no-store' });
});
