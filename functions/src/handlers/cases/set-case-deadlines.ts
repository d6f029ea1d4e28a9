import { operations } from '#shared/contracts/api.js';
import { httpHandler } from '../../middleware/http-handler.js';
import { json, parse } from '../../middleware/http.js';
import { getRuntime } from '../../runtime.js';
import { setCaseDeadlines } from '../../use-cases/cases/deadlines.js';

const operation = operations.setCaseDeadlines;

export const handler = httpHandler(operation, async (event) => {
  const body = parse(operation.body, event.jsonBody);
  return json(200, await setCaseDeadlines(getRuntime(), event.principal, body), { 'cache-control': 'no-store' });
});
