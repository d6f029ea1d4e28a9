import { operations } from '#shared/contracts/api.js';
import type { PosterFormat, PosterSize } from '#shared/contracts/surveys-posters.js';
import { SurveyVersionList, SurveyVersionOutput, type SurveyDraftInput } from '#shared/contracts/surveys-versions.js';
import { call, fillPath, type ApiResult } from './api';
import { webConfig } from './config';

/** Client functions of the survey and poster operations (shared/contracts/ops-surveys.ts). */

export function listSurveyVersions(token: string, unitId: string): Promise<ApiResult<SurveyVersionList>> {
  const op = operations.listSurveyVersions;
  return call(SurveyVersionList, { method: op.method, path: fillPath(op.path, { id: unitId }), token });
}

export function createSurveyDraft(token: string, unitId: string): Promise<ApiResult<SurveyVersionOutput>> {
  const op = operations.createSurveyDraft;
  return call(SurveyVersionOutput, { method: op.method, path: fillPath(op.path, { id: unitId }), token });
}

export function getSurveyVersion(token: string, unitId: string, version: string): Promise<ApiResult<SurveyVersionOutput>> {
  const op = operations.getSurveyVersion;
  return call(SurveyVersionOutput, { method: op.method, path: fillPath(op.path, { id: unitId, version }), token });
}

export function updateSurveyDraft(token: string, unitId: string, version: string, body: SurveyDraftInput): Promise<ApiResult<SurveyVersionOutput>> {
  const op = operations.updateSurveyDraft;
  return call(SurveyVersionOutput, { method: op.method, path: fillPath(op.path, { id: unitId, version }), token, body });
}

export function changeSurveyVersion(token: string, unitId: string, version: string, event: 'publish' | 'retire'): Promise<ApiResult<SurveyVersionOutput>> {
  const op = event === 'publish' ? operations.publishSurveyVersion : operations.retireSurveyVersion;
  return call(SurveyVersionOutput, { method: op.method, path: fillPath(op.path, { id: unitId, version }), token });
}

/**
 * A poster download, passed through as it came (binary body, content type, file name), so the
 * browser saves the API's file. Errors come back as their status only.
 */
export async function downloadPoster(
  token: string,
  target: { window: string; format: PosterFormat; size: PosterSize } | { unit: string; size: PosterSize },
): Promise<Response> {
  const path =
    'window' in target
      ? `${fillPath(operations.windowPoster.path, { code: target.window })}?${new URLSearchParams({ format: target.format, size: target.size })}`
      : `${fillPath(operations.unitPosters.path, { id: target.unit })}?${new URLSearchParams({ size: target.size })}`;
  try {
    return await fetch(`${webConfig().API_BASE_URL}${path}`, { headers: { authorization: `Bearer ${token}` }, signal: AbortSignal.timeout(30_000) });
  } catch {
    return new Response(null, { status: 503 });
  }
}

/**
 * The unit id claim of the session token, to preselect the admin's own unit. Read without
 * verifying: it only chooses a default, and the API checks the token on every call.
 */
export function tokenUnitId(token: string): string {
  try {
    const payload = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;
    const unit = payload['custom:unitId'] ?? payload.unitId;
    return typeof unit === 'string' ? unit : '';
  } catch {
    return '';
  }
}
