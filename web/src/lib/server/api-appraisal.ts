import type { z } from 'zod';
import { CampaignList, CampaignView, type CampaignConfigInput } from '#shared/contracts/appraisal/campaigns.js';
import { campaignOperations } from '#shared/contracts/appraisal/ops-campaigns.js';
import { BallotCast, BallotFormView, CampaignTally, ballotOperations, tallyOperations, type CampaignExportFormat } from '#shared/contracts/appraisal/ballots.js';
import { OwnAppraisals, ownAppraisalOperations } from '#shared/contracts/appraisal/own.js';
import { call, fillPath, type ApiResult } from './api';
import { webConfig } from './config';

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

/**
 * 草稿 → 已开放 (decision 0027): the API's answer is the PDF of slips, the only copy of the codes in
 * clear. The raw response is returned so that the route streams it to the administrator untouched
 * (nothing of it is read, kept or logged here); an unreachable API is a 503 without a body.
 */
export async function openCampaign(token: string, campaignId: string): Promise<Response> {
  const op = ballotOperations.openCampaign;
  try {
    return await fetch(`${webConfig().API_BASE_URL}${fillPath(op.path, { campaignId })}`, {
      method: op.method,
      headers: { authorization: `Bearer ${token}`, accept: 'application/pdf, application/json' },
      // Thousands of slips with their QR codes take a while to draw.
      signal: AbortSignal.timeout(60_000),
    });
  } catch {
    return new Response(null, { status: 503 });
  }
}

/** 已开放 → 已截止: no code casts any more (409 from any other state). */
/** 重新投票: the raw response — the new round's PDF of slips, or the refusal. */
export async function revoteCampaign(token: string, campaignId: string, reason: string): Promise<Response> {
  const op = ballotOperations.revoteCampaign;
  try {
    return await fetch(`${webConfig().API_BASE_URL}${fillPath(op.path, { campaignId })}`, {
      method: op.method,
      headers: { authorization: `Bearer ${token}`, accept: 'application/pdf, application/json', 'content-type': 'application/json' },
      body: JSON.stringify({ reason }),
      signal: AbortSignal.timeout(60_000),
    });
  } catch {
    return new Response(null, { status: 503 });
  }
}

export function closeCampaign(token: string, campaignId: string): Promise<ApiResult<CampaignView>> {
  const op = ballotOperations.closeCampaign;
  return call(CampaignView, { method: op.method, path: fillPath(op.path, { campaignId }), token });
}

/**
 * What a voter's code opens. The code goes in the JSON body only, never in the API's path or query
 * (decision 0027); `requester` carries the forwarded client (server/requester.ts) so that the API's
 * failed-tries limit counts the voter, not the web server.
 */
export function lookupBallot(code: string, requester: Record<string, string>): Promise<ApiResult<BallotFormView>> {
  const op = ballotOperations.lookupBallot;
  return call(BallotFormView, { method: op.method, path: op.path, body: { code }, headers: requester });
}

/** Casts the code's ballot: subject id → indicator id → option; what is left out is blank. */
export function castBallot(
  code: string,
  choices: Record<string, Record<string, string>>,
  requester: Record<string, string>,
  /** What the lookup answered (campaign, group), echoed so that the vote reads nothing before it writes. */
  ballot?: { campaignId: string; group: string },
): Promise<ApiResult<z.infer<typeof BallotCast>>> {
  const op = ballotOperations.castBallot;
  return call(BallotCast, { method: op.method, path: op.path, body: { code, choices, ...(ballot ? { ballot } : {}) }, headers: requester });
}

/** 已截止 → 已计票: the ballot box is counted once and the tally kept (409 from any other state). */
export function tallyCampaign(token: string, campaignId: string): Promise<ApiResult<CampaignTally>> {
  const op = tallyOperations.tallyCampaign;
  return call(CampaignTally, { method: op.method, path: fillPath(op.path, { campaignId }), token });
}

/** The kept tally (409 before 已计票); small groups' option counts come hidden (null: "<10"). */
export function getCampaignTally(token: string, campaignId: string): Promise<ApiResult<CampaignTally>> {
  const op = tallyOperations.getCampaignTally;
  return call(CampaignTally, { method: op.method, path: fillPath(op.path, { campaignId }), token });
}

/** 组织评定: a subject's final grade; a reason where it differs from the proposal (400 field `reason`). */
export function recordGrade(token: string, campaignId: string, body: { subjectId: string; grade: string; reason?: string }): Promise<ApiResult<CampaignTally>> {
  const op = tallyOperations.recordGrade;
  return call(CampaignTally, { method: op.method, path: fillPath(op.path, { campaignId }), token, body });
}

/** 已评定 → 已公布: nothing changes after (409 naming who still lacks a final grade). */
export function publishCampaign(token: string, campaignId: string): Promise<ApiResult<CampaignView>> {
  const op = tallyOperations.publishCampaign;
  return call(CampaignView, { method: op.method, path: fillPath(op.path, { campaignId }), token });
}

/**
 * A download of a counted campaign (audited by the API): the tally pack, or the results as a file
 * (`format`); the raw response, streamed to the reader.
 */
export async function campaignDownload(token: string, campaignId: string, format?: CampaignExportFormat): Promise<Response> {
  const op = format ? tallyOperations.exportCampaignResults : tallyOperations.getCampaignPack;
  const query = format ? `?${new URLSearchParams({ format })}` : '';
  try {
    return await fetch(`${webConfig().API_BASE_URL}${fillPath(op.path, { campaignId })}${query}`, {
      method: op.method,
      headers: { authorization: `Bearer ${token}`, ...(format ? {} : { accept: 'application/json' }) },
      signal: AbortSignal.timeout(60_000),
    });
  } catch {
    return new Response(null, { status: 503 });
  }
}

/** The caller's own published results (a staff member, /me). */
export function myAppraisals(token: string): Promise<ApiResult<OwnAppraisals>> {
  const op = ownAppraisalOperations.myAppraisals;
  return call(OwnAppraisals, { method: op.method, path: op.path, token });
}
