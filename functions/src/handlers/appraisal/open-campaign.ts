import '../../aws-adapters.js';
import { operations } from '#shared/contracts/api.js';
import { httpHandler } from '../../middleware/http-handler.js';
import { parse } from '../../middleware/http.js';
import { getRuntime } from '../../runtime.js';
import { openCampaignWithSlips } from '../../use-cases/appraisal/slips.js';
import { binary } from '../posters/binary.js';

const operation = operations.openCampaign;

export const handler = httpHandler(operation, async (event) => {
  const params = parse(operation.params, event.pathParameters ?? {});
  const file = await openCampaignWithSlips(getRuntime(), event.principal, params.campaignId);
  return binary(file, { 'x-manyi-codes-issued': String(file.issued) });
});
