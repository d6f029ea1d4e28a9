import { operations } from '#shared/contracts/api.js';
import { httpHandler } from '../../middleware/http-handler.js';
import { json, parse } from '../../middleware/http.js';
import { getRuntime } from '../../runtime.js';
import { getCampaign } from '../../use-cases/appraisal/campaigns.js';

const operation = operations.getCampaign;

export const handler = httpHandler(operation, async (event) => {
  const params = parse(operation.params, event.pathParameters ?? {});
  return json(200, await getCampaign(getRuntime(), event.principal, params.campaignId), { 'cache-control': 'no-store' });
});
