import { operations } from '#shared/contracts/api.js';
import { httpHandler } from '../../middleware/http-handler.js';
import { json, parse } from '../../middleware/http.js';
import { getRuntime } from '../../runtime.js';
import { getCampaignPack } from '../../use-cases/appraisal/tally.js';

const operation = operations.getCampaignPack;

export const handler = httpHandler(operation, async (event) => {
  const params = parse(operation.params, event.pathParameters ?? {});
  const pack = await getCampaignPack(getRuntime(), event.principal, params.campaignId);
  return json(200, pack, { 'cache-control': 'no-store', 'content-disposition': `attachment; filename="manyi-appraisal-${params.campaignId}.json"` });
});
