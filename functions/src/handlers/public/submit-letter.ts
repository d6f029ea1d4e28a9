import '../../aws-adapters.js';
import { operations } from '#shared/contracts/api.js';
import { httpHandler } from '../../middleware/http-handler.js';
import { idempotencyKeyOf, json, parse } from '../../middleware/http.js';
import { getRuntime } from '../../runtime.js';
import { clientOf, currentKeys } from '../../throttle/index.js';
import { submitLetter } from '../../use-cases/cases/mailbox.js';

const operation = operations.submitLetter;

export const handler = httpHandler(operation, async (event) => {
  const input = parse(operation.body, event.jsonBody);
  const key = idempotencyKeyOf(event);
  const runtime = getRuntime();
  // The client as a keyed hash of today's key (never its address), for the per-client letter limit.
  const requester = { client: clientOf(event, await currentKeys(runtime.throttle.keyring, runtime.now()), runtime.throttle.policy.clientFrom) };
  const { replayed, ...received } = await submitLetter(runtime, input, requester, key);
  return json(201, received, { 'cache-control': 'no-store', ...(replayed ? { 'idempotent-replayed': 'true' } : {}) });
});
