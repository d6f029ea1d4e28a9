import { operations } from '#shared/contracts/api.js';
import { httpHandler } from '../../middleware/http-handler.js';
import { json, parse } from '../../middleware/http.js';
import { getRuntime } from '../../runtime.js';
import { mailboxDirectory } from '../../use-cases/cases/mailbox.js';

const operation = operations.getMailbox;

export const handler = httpHandler(operation, async (event) => {
  const query = parse(operation.query, event.queryStringParameters ?? {});
  // Unit names and windows are public (posters show them); a minute's cache keeps a crawler cheap.
  return json(200, await mailboxDirectory(getRuntime(), query.unit, query.window), { 'cache-control': 'public, max-age=60' });
});
