import '../../aws-adapters.js';
import { operations } from '#shared/contracts/api.js';
import { httpHandler } from '../../middleware/http-handler.js';
import { parse } from '../../middleware/http.js';
import { getRuntime } from '../../runtime.js';
import { revoteCampaignWithSlips } from '../../use-cases/appraisal/slips.js';
import { binary } from '../posters/binary.js';

const operation = operations.revoteCampaign;

export const handler = httpHandler(operation, async (event) => {
  const params = parse(operation.params, event.pathParameters ?? {});
  const body = parse(operation.body, event.jsonBody);
  const file = await revoteCampaignWithSlips(getRuntime(), event.principal, params.campaignId, body.reason);
  return binary(file, { 'x-manyi-codes-issued': String(file.issued) });
});
