import '../../aws-adapters.js';
import { operations } from '#shared/contracts/api.js';
import { httpHandler } from '../../middleware/http-handler.js';
import { json, parse } from '../../middleware/http.js';
import { getRuntime } from '../../runtime.js';
import { login } from '../../use-cases/login.js';

const operation = operations.login;

export const handler = httpHandler(operation, async (event) => {
  const input = parse(operation.body, event.jsonBody);
  const runtime = getRuntime();
  return json(200, await login(runtime.signIn, input, { accounts: runtime.accounts, audit: runtime.audit, sealer: runtime.sealer }));
});
