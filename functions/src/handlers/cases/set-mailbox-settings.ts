import { operations } from '#shared/contracts/api.js';
import { httpHandler } from '../../middleware/http-handler.js';
import { json, parse } from '../../middleware/http.js';
import { getRuntime } from '../../runtime.js';
import { setMailboxSettings } from '../../use-cases/cases/mailbox.js';

const operation = operations.setMailboxSettings;

export const handler = httpHandler(operation, async (event) => {
  const body = parse(operation.body, event.jsonBody);
  return json(200, await setMailboxSettings(getRuntime(), event.principal, body), { 'cache-control': 'no-store' });
});
