import '../../aws-adapters.js';
import { operations } from '#shared/contracts/api.js';
import { httpHandler } from '../../middleware/http-handler.js';
import { json, parse } from '../../middleware/http.js';
import { getRuntime } from '../../runtime.js';
import { clientOf, currentKeys } from '../../throttle/index.js';
import { login } from '../../use-cases/login.js';

const operation = operations.login;

export const handler = httpHandler(operation, async (event) => {
  const input = parse(operation.body, event.jsonBody);
  const runtime = getRuntime();
  const requester = { client: clientOf(event, await currentKeys(runtime.throttle.keyring, runtime.now()), runtime.throttle.policy.clientFrom) };
  const local = { accounts: runtime.accounts, audit: runtime.audit, sealer: runtime.sealer, throttle: runtime.throttle, requester };
  return json(200, await login(runtime.signIn, input, local));
});
