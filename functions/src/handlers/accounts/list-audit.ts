import { operations } from '#shared/contracts/api.js';
import { httpHandler } from '../../middleware/http-handler.js';
import { json, parse } from '../../middleware/http.js';
import { getRuntime } from '../../runtime.js';
import { searchAudit } from '../../use-cases/accounts/audit-log.js';

const operation = operations.listAudit;

export const handler = httpHandler(operation, async (event) => {
  const query = parse(operation.query, event.queryStringParameters ?? {});
  return json(200, await searchAudit(getRuntime(), event.principal, query));
});
