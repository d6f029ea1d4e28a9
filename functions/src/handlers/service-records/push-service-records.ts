import '../../aws-adapters.js';
import { operations } from '#shared/contracts/api.js';
import { pushEnvelope } from '#shared/contracts/service-records/records.js';
import { httpHandler } from '../../middleware/http-handler.js';
import { json, parse } from '../../middleware/http.js';
import { sharedRatingLookups } from '../../data/read-cache.js';
import { getRuntime } from '../../runtime.js';
import { pushServiceRecords } from '../../use-cases/service-records/push.js';

const operation = operations.pushServiceRecords;

export const handler = httpHandler(operation, async (event) => {
  // The envelope (one record, or { records } of 1–500, whose errors then name `records`); each
  // record is checked by the use case on its own.
  const body = parse(pushEnvelope(event.jsonBody), event.jsonBody);
  const { issueLink } = parse(operation.query, event.queryStringParameters ?? {});
  const runtime = getRuntime();
  // Units and windows from the runtime's 10-s cache (data/read-cache.ts): a business system pushes
  // 办件 of the same few units and windows all day. The client was checked by client-auth (against
  // the client read within 10 s, decision 0019).
  const { units, windows } = sharedRatingLookups(runtime);
  const deps = {
    units,
    windows,
    serviceRecords: runtime.serviceRecords,
    sealer: runtime.sealer,
    throttle: runtime.throttle,
    audit: runtime.audit,
    now: runtime.now,
    randomId: runtime.randomId,
    ratingLinks: runtime.ratingLinks,
    publicBaseUrl: runtime.publicBaseUrl,
  };
  const { statusCode, result } = await pushServiceRecords(deps, event.client, body, { issueLink: issueLink === 'true' });
  return json(statusCode, result);
});
