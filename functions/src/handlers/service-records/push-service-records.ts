import '../../aws-adapters.js';
import { operations } from '#shared/contracts/api.js';
import { pushEnvelope } from '#shared/contracts/service-records/records.js';
import { httpHandler } from '../../middleware/http-handler.js';
import { json, parse } from '../../middleware/http.js';
import { getRuntime } from '../../runtime.js';
import { pushServiceRecords } from '../../use-cases/service-records/push.js';

const operation = operations.pushServiceRecords;

export const handler = httpHandler(operation, async (event) => {
  // The envelope (one record, or { records } of 1–500, whose errors then name `records`); each
  // record is checked by the use case on its own.
  const body = parse(pushEnvelope(event.jsonBody), event.jsonBody);
  const { issueLink } = parse(operation.query, event.queryStringParameters ?? {});
  const { statusCode, result } = await pushServiceRecords(getRuntime(), event.client, body, { issueLink: issueLink === 'true' });
  return json(statusCode, result);
});
