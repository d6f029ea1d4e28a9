import { operations } from '#shared/contracts/api.js';
import { httpHandler } from '../../middleware/http-handler.js';
import { json, parse } from '../../middleware/http.js';
import { getRuntime } from '../../runtime.js';
import { publishCampaign } from '../../use-cases/appraisal/grades.js';

const operation = operations.publishCampaign;

export const handler = httpHandler(operation, async (event) => {
  const params = parse(operation.params, event.pathParameters ?? {});
  return json(200, await publishCampaign(getRuntime(), event.principal, params.campaignId), { 'cache-control': 'no-store' });
});
