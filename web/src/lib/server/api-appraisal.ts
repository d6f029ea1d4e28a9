import { CampaignList, CampaignView, type CampaignConfigInput } from '#shared/contracts/appraisal/campaigns.js';
import { campaignOperations } from '#shared/contracts/appraisal/ops-campaigns.js';
import { call, fillPath, type ApiResult } from './api';

/**
 * Client functions of the 民主评议 campaigns (issue 14 §1; docs/decisions/0026). The configuration
 * is sent as the administrator typed it: the API fills the defaults (scale, rules, indicators),
 * validates everything and names bad fields (`groups: weights must total exactly 100%; …`).
 */
export function listCampaigns(token: string, unitId: string): Promise<ApiResult<CampaignList>> {
  const op = campaignOperations.listCampaigns;
  return call(CampaignList, { method: op.method, path: op.path, token, query: { unitId } });
}

export function getCampaign(token: string, campaignId: string): Promise<ApiResult<CampaignView>> {
  const op = campaignOperations.getCampaign;
  return call(CampaignView, { method: op.method, path: fillPath(op.path, { campaignId }), token });
}

export function createCampaign(token: string, body: CampaignConfigInput): Promise<ApiResult<CampaignView>> {
  const op = campaignOperations.createCampaign;
  return call(CampaignView, { method: op.method, path: op.path, token, body });
}

/** A draft's new configuration (409 once the campaign is open: its configuration is locked). */
export function updateCampaign(token: string, campaignId: string, body: CampaignConfigInput): Promise<ApiResult<CampaignView>> {
  const op = campaignOperations.updateCampaign;
  return call(CampaignView, { method: op.method, path: fillPath(op.path, { campaignId }), token, body });
}
