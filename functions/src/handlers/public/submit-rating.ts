import '../../aws-adapters.js';
import { operations } from '#shared/contracts/api.js';
import { IdempotencyKey } from '#shared/contracts/rating.js';
import { ValidationError } from '../../errors.js';
import { httpHandler } from '../../middleware/http-handler.js';
import { header, json, parse } from '../../middleware/http.js';
import { cachedRatingLookups } from '../../data/read-cache.js';
import { getRuntime, type Runtime } from '../../runtime.js';
import { submitRating } from '../../use-cases/submit-rating.js';

const operation = operations.submitRating;

/** Window and survey lookups cached per runtime (see data/read-cache.ts for the staleness bound). */
const cachedLookups = new WeakMap<Runtime, ReturnType<typeof cachedRatingLookups>>();
function lookups(runtime: Runtime) {
  let found = cachedLookups.get(runtime);
  if (!found) cachedLookups.set(runtime, (found = cachedRatingLookups(runtime)));
  return found;
}

export const handler = httpHandler(operation, async (event) => {
  const input = parse(operation.body, event.jsonBody);
  const key = header(event, 'idempotency-key');
  if (key !== undefined && !IdempotencyKey.safeParse(key).success) {
    throw ValidationError.forField('Idempotency-Key', 'must be 8–128 visible ASCII characters');
  }
  const runtime = getRuntime();
  const deps = { ...lookups(runtime), ratings: runtime.ratings, sealer: runtime.sealer, now: runtime.now, randomId: runtime.randomId };
  const { id, replayed } = await submitRating(deps, input, { idempotencyKey: key });
  return json(201, { id }, replayed ? { 'idempotent-replayed': 'true' } : {});
});
