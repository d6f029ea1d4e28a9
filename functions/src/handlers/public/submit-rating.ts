import '../../aws-adapters.js';
import { operations } from '#shared/contracts/api.js';
import { httpHandler } from '../../middleware/http-handler.js';
import { header, idempotencyKeyOf, json, parse } from '../../middleware/http.js';
import { sharedRatingLookups } from '../../data/read-cache.js';
import { getRuntime, type Runtime } from '../../runtime.js';
import { clientOf, currentKeys, deviceOf } from '../../throttle/index.js';
import { refuseStaffRating, submitRating } from '../../use-cases/submit-rating.js';

const operation = operations.submitRating;

export const handler = httpHandler(operation, async (event) => {
  const input = parse(operation.body, event.jsonBody);
  const key = idempotencyKeyOf(event);
  const runtime = getRuntime();
  const rater = await signedInAccount(runtime, header(event, 'authorization'));
  if (rater) await refuseStaffRating(runtime, rater, input.windowCode);
  const keys = await currentKeys(runtime.throttle.keyring, runtime.now());
  const requester = { client: clientOf(event, keys, runtime.throttle.policy.clientFrom), deviceId: deviceOf(event) };
  // Window and survey lookups cached per runtime (see data/read-cache.ts for the staleness bound).
  const deps = { ...sharedRatingLookups(runtime), ratings: runtime.ratings, sealer: runtime.sealer, throttle: runtime.throttle, burst: runtime.burst, now: runtime.now, randomId: runtime.randomId };
  const { id, replayed } = await submitRating(deps, input, { idempotencyKey: key, requester });
  return json(201, { id }, replayed ? { 'idempotent-replayed': 'true' } : {});
});

/** The account of a valid bearer token sent with a rating (the web server sends its session), if any. */
async function signedInAccount(runtime: Runtime, authorization: string | undefined) {
  const token = authorization?.match(/^Bearer\s+(\S+)$/i)?.[1];
  if (!token) return undefined;
  // An invalid or expired token is no account: the rating is anonymous either way.
  return runtime.tokens.verify(token).catch(() => undefined);
}
