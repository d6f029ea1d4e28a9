import { operations } from '#shared/contracts/api.js';
import { httpHandler } from '../../middleware/http-handler.js';
import { json, parse } from '../../middleware/http.js';
import { getRuntime } from '../../runtime.js';
import { getMailboxSettings } from '../../use-cases/cases/mailbox.js';

const operation = operations.getMailboxSettings;

export const handler = httpHandler(operation, async (event) => {
  const query = parse(operation.query, event.queryStringParameters ?? {});
  return json(200, await getMailboxSettings(getRuntime(), event.principal, query.unitId), { 'cache-control': 'no-store' });
});
