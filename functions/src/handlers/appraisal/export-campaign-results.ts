import { operations } from '#shared/contracts/api.js';
import { httpHandler } from '../../middleware/http-handler.js';
import { parse } from '../../middleware/http.js';
import { getRuntime } from '../../runtime.js';
import { exportCampaignResults } from '../../use-cases/appraisal/results-export.js';
import { binary } from '../posters/binary.js';

const operation = operations.exportCampaignResults;

export const handler = httpHandler(operation, async (event) => {
  const params = parse(operation.params, event.pathParameters ?? {});
  const query = parse(operation.query, event.queryStringParameters ?? {});
  const file = await exportCampaignResults(getRuntime(), event.principal, params.campaignId, query.format);
  return binary(file, { 'x-manyi-sha256': file.sha256, 'x-manyi-data-sha256': file.dataHash });
});
