import { operations } from '#shared/contracts/api.js';
import { httpHandler } from '../../middleware/http-handler.js';
import { json, parse } from '../../middleware/http.js';
import { getRuntime } from '../../runtime.js';
import { recordGrade } from '../../use-cases/appraisal/grades.js';

const operation = operations.recordGrade;

export const handler = httpHandler(operation, async (event) => {
  const params = parse(operation.params, event.pathParameters ?? {});
  const body = parse(operation.body, event.jsonBody);
  return json(200, await recordGrade(getRuntime(), event.principal, params.campaignId, body), { 'cache-control': 'no-store' });
});
