import '../../aws-adapters.js';
import { operations } from '#shared/contracts/api.js';
import { httpHandler } from '../../middleware/http-handler.js';
import { json, parse } from '../../middleware/http.js';
import { getRuntime } from '../../runtime.js';
import { clientOf, currentKeys } from '../../throttle/index.js';
import { submitBallot } from '../../use-cases/appraisal/voting.js';

const operation = operations.castBallot;

export const handler = httpHandler(operation, async (event) => {
  const { code, choices, ballot } = parse(operation.body, event.jsonBody);
  const runtime = getRuntime();
  const requester = { client: clientOf(event, await currentKeys(runtime.throttle.keyring, runtime.now()), runtime.throttle.policy.clientFrom) };
  await submitBallot(runtime, requester, code, choices, ballot);
  // The answer says the ballot is in, never what it holds.
  return json(201, { cast: true, message: '您的评议已提交，感谢参与' }, { 'cache-control': 'no-store' });
});
