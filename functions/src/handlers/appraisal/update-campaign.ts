import { operations } from '#shared/contracts/api.js';
import { httpHandler } from '../../middleware/http-handler.js';
import { json, parse } from '../../middleware/http.js';
import { getRuntime } from '../../runtime.js';
import { updateCampaign } from '../../use-cases/appraisal/campaigns.js';

const operation = operations.updateCampaign;

export const handler = httpHandler(operation, async (event) => {
  const params = parse(operation.params, event.pathParameters ?? {});
  const body = parse(operation.body, event.jsonBody);
  return json(200, await updateCampaign(getRuntime(), event.principal, params.campaignId, body), { 'cache-control': 'no-store' });
});
