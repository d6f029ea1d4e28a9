import type { Operation } from '../operation.js';
import { badRequest, errorResponse, forbidden as forbiddenTo, notFound as noSuch, unauthorized } from '../responses.js';
import { CampaignConfigInput, CampaignList, CampaignListQuery, CampaignParams, CampaignView } from './campaigns.js';

const forbidden = forbiddenTo('run 民主评议 campaigns', 'system and unit administrators of the scope');
const readers = forbiddenTo('read 民主评议 campaigns', 'administrators and committees of the scope');
const notFound = noSuch('campaign', " in the caller's scope");
const unitNotFound = noSuch('unit', ' in scope');

/** 民主评议 campaigns (issue 14 §1; docs/decisions/0026). */
export const campaignOperations = {
  createCampaign: {
    method: 'POST',
    path: '/api/appraisal-campaigns',
    summary: 'Create a 民主评议 campaign (草稿): subjects, rater groups, indicators, scale and rules',
    tag: 'appraisal',
    auth: 'bearer',
    body: CampaignConfigInput,
    responses: { 201: { description: 'The draft campaign, defaults filled in', schema: CampaignView }, 400: badRequest, 401: unauthorized, 403: forbidden, 404: unitNotFound },
  },
  listCampaigns: {
    method: 'GET',
    path: '/api/appraisal-campaigns',
    summary: 'The campaigns of one unit, newest first',
    tag: 'appraisal',
    auth: 'bearer',
    query: CampaignListQuery,
    responses: { 200: { description: 'The campaigns', schema: CampaignList }, 400: badRequest, 401: unauthorized, 403: readers, 404: unitNotFound },
  },
  getCampaign: {
    method: 'GET',
    path: '/api/appraisal-campaigns/{campaignId}',
    summary: 'One campaign: configuration and state',
    tag: 'appraisal',
    auth: 'bearer',
    params: CampaignParams,
    responses: { 200: { description: 'The campaign', schema: CampaignView }, 400: badRequest, 401: unauthorized, 403: readers, 404: notFound },
  },
  updateCampaign: {
    method: 'PUT',
    path: '/api/appraisal-campaigns/{campaignId}',
    summary: 'Change a draft campaign’s configuration (409 from 已开放 on)',
    tag: 'appraisal',
    auth: 'bearer',
    params: CampaignParams,
    body: CampaignConfigInput,
    responses: {
      200: { description: 'The campaign', schema: CampaignView },
      400: badRequest,
      401: unauthorized,
      403: forbidden,
      404: notFound,
      409: errorResponse('The campaign is no longer a draft: its configuration is locked'),
    },
  },
} as const satisfies Record<string, Operation>;
