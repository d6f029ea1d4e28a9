import '../../aws-adapters.js';
import { operations } from '#shared/contracts/api.js';
import { httpHandler } from '../../middleware/http-handler.js';
import { header, json, parse } from '../../middleware/http.js';
import { IdempotencyKey } from '#shared/contracts/rating.js';
import { ValidationError } from '../../errors.js';
import { getRuntime } from '../../runtime.js';
import { clientOf, currentKeys } from '../../throttle/index.js';
import { submitLetter } from '../../use-cases/cases/mailbox.js';

const operation = operations.submitLetter;

export const handler = httpHandler(operation, async (event) => {
  const input = parse(operation.body, event.jsonBody);
  const key = header(event, 'idempotency-key');
  if (key !== undefined && !IdempotencyKey.safeParse(key).success) throw ValidationError.forField('Idempotency-Key', 'must be 8–128 visible ASCII characters');
  const runtime = getRuntime();
  // The client as a keyed hash of today's key (never its address), for the per-client letter limit.
  const requester = { client: clientOf(event, await currentKeys(runtime.throttle.keyring, runtime.now()), runtime.throttle.policy.clientFrom) };
  const { replayed, ...received } = await submitLetter(runtime, input, requester, key);
  return json(201, received, { 'cache-control': 'no-store', ...(replayed ? { 'idempotent-replayed': 'true' } : {}) });
});
