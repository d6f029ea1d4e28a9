import { operations } from '#shared/contracts/api.js';
import { httpHandler } from '../../middleware/http-handler.js';
import { json, parse } from '../../middleware/http.js';
import { getRuntime } from '../../runtime.js';
import { listCases } from '../../use-cases/cases/cases.js';

const operation = operations.listCases;

export const handler = httpHandler(operation, async (event) => {
  const query = parse(operation.query, event.queryStringParameters ?? {});
  return json(200, await listCases(getRuntime(), event.principal, query), { 'cache-control': 'no-store' });
});
