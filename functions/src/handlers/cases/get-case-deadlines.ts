import { operations } from '#shared/contracts/api.js';
import { httpHandler } from '../../middleware/http-handler.js';
import { json, parse } from '../../middleware/http.js';
import { getRuntime } from '../../runtime.js';
import { getCaseDeadlines } from '../../use-cases/cases/deadlines.js';

const operation = operations.getCaseDeadlines;

export const handler = httpHandler(operation, async (event) => {
  const query = parse(operation.query, event.queryStringParameters ?? {});
  return json(200, await getCaseDeadlines(getRuntime(), event.principal, query.unitId), { 'cache-control': 'no-store' });
});
