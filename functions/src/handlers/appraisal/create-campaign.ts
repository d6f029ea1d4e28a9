import { operations } from '#shared/contracts/api.js';
import { httpHandler } from '../../middleware/http-handler.js';
import { json, parse } from '../../middleware/http.js';
import { getRuntime } from '../../runtime.js';
import { createCampaign } from '../../use-cases/appraisal/campaigns.js';

const operation = operations.createCampaign;

export const handler = httpHandler(operation, async (event) => {
  const body = parse(operation.body, event.jsonBody);
  return json(201, await createCampaign(getRuntime(), event.principal, body), { 'cache-control': 'no-store' });
});
