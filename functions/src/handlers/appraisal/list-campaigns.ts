import { operations } from '#shared/contracts/api.js';
import { httpHandler } from '../../middleware/http-handler.js';
import { json, parse } from '../../middleware/http.js';
import { getRuntime } from '../../runtime.js';
import { listCampaigns } from '../../use-cases/appraisal/campaigns.js';

const operation = operations.listCampaigns;

export const handler = httpHandler(operation, async (event) => {
  const query = parse(operation.query, event.queryStringParameters ?? {});
  return json(200, await listCampaigns(getRuntime(), event.principal, query.unitId), { 'cache-control': 'no-store' });
});
