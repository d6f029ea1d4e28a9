import { operations } from '#shared/contracts/api.js';
import { httpHandler } from '../../middleware/http-handler.js';
import { json, parse } from '../../middleware/http.js';
import { getRuntime } from '../../runtime.js';
import { viewRecoveryLink } from '../../use-cases/cases/recovery.js';

const operation = operations.viewRecoveryLink;

export const handler = httpHandler(operation, async (event) => {
  const { token } = parse(operation.body, event.jsonBody);
  return json(200, await viewRecoveryLink(getRuntime(), token), { 'cache-control': 'no-store' });
});
