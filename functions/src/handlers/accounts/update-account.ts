import '../../aws-adapters.js';
import { operations } from '#shared/contracts/api.js';
import { httpHandler } from '../../middleware/http-handler.js';
import { json, parse } from '../../middleware/http.js';
import { getRuntime } from '../../runtime.js';
import { updateAccount } from '../../use-cases/accounts/manage-accounts.js';

const operation = operations.updateAccount;

export const handler = httpHandler(operation, async (event) => {
  const { username } = parse(operation.params, event.pathParameters ?? {});
  const input = parse(operation.body, event.jsonBody);
  return json(200, await updateAccount(getRuntime(), event.principal, username, input));
});
