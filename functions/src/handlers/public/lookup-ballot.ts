import '../../aws-adapters.js';
import { operations } from '#shared/contracts/api.js';
import { httpHandler } from '../../middleware/http-handler.js';
import { json, parse } from '../../middleware/http.js';
import { getRuntime } from '../../runtime.js';
import { clientOf, currentKeys } from '../../throttle/index.js';
import { lookupBallot } from '../../use-cases/appraisal/voting.js';

const operation = operations.lookupBallot;

export const handler = httpHandler(operation, async (event) => {
  const { code } = parse(operation.body, event.jsonBody);
  const runtime = getRuntime();
  const requester = { client: clientOf(event, await currentKeys(runtime.throttle.keyring, runtime.now()), runtime.throttle.policy.clientFrom) };
  return json(200, await lookupBallot(runtime, requester, code), { 'cache-control': 'no-store' });
});
