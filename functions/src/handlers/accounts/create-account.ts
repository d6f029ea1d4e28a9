import '../../aws-adapters.js';
import { operations } from '#shared/contracts/api.js';
import { httpHandler } from '../../middleware/http-handler.js';
import { json, parse } from '../../middleware/http.js';
import { getRuntime } from '../../runtime.js';
import { createAccount } from '../../use-cases/accounts/manage-accounts.js';

const operation = operations.createAccount;

export const handler = httpHandler(operation, async (event) => {
  const input = parse(operation.body, event.jsonBody);
  return json(201, await createAccount(getRuntime(), event.principal, input));
});
