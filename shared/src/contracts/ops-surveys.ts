import { ErrorBody } from './errors.js';
import { badRequest, forbidden as forbiddenTo, unauthorized } from './responses.js';
import type { Operation } from './operation.js';
import { UnitPostersParams, UnitPostersQuery, WindowPosterParams, WindowPosterQuery } from './surveys-posters.js';
import { SurveyDraftInput, SurveyUnitParams, SurveyVersionList, SurveyVersionOutput, SurveyVersionParams } from './surveys-versions.js';

const forbidden = forbiddenTo();
const unitNotFound = { description: 'No unit with this id in the caller’s scope', schema: ErrorBody };
const versionNotFound = { description: 'No such unit in scope, or no such version', schema: ErrorBody };
const wrongState = { description: 'The version is not in a state that allows this (a published version is immutable)', schema: ErrorBody };

/** Operations of the administration capability: surveys and QR posters (问卷、二维码海报). */
export const surveyOperations = {
  listSurveyVersions: {
    method: 'GET',
    path: '/api/admin/units/{id}/survey',
    summary: 'Versions of a unit’s own questionnaire section, and which version its windows show',
    tag: 'surveys',
    auth: 'bearer',
    params: SurveyUnitParams,
    responses: { 200: { description: 'Versions, newest first', schema: SurveyVersionList }, 400: badRequest, 401: unauthorized, 403: forbidden, 404: unitNotFound },
  },
  createSurveyDraft: {
    method: 'POST',
    path: '/api/admin/units/{id}/survey/drafts',
    summary: 'Start a draft: a copy of the newest version with version + 1 (or an empty version 1)',
    tag: 'surveys',
    auth: 'bearer',
    params: SurveyUnitParams,
    responses: {
      201: { description: 'The new draft', schema: SurveyVersionOutput },
      400: badRequest,
      401: unauthorized,
      403: forbidden,
      404: unitNotFound,
      409: { description: 'The unit already has a draft', schema: ErrorBody },
    },
  },
  getSurveyVersion: {
    method: 'GET',
    path: '/api/admin/units/{id}/survey/versions/{version}',
    summary: 'One version with its questions (for editing and preview)',
    tag: 'surveys',
    auth: 'bearer',
    params: SurveyVersionParams,
    responses: { 200: { description: 'The version', schema: SurveyVersionOutput }, 400: badRequest, 401: unauthorized, 403: forbidden, 404: versionNotFound },
  },
  updateSurveyDraft: {
    method: 'POST',
    path: '/api/admin/units/{id}/survey/versions/{version}',
    summary: 'Replace the title and questions of a draft',
    tag: 'surveys',
    auth: 'bearer',
    params: SurveyVersionParams,
    body: SurveyDraftInput,
    responses: {
      200: { description: 'The saved draft', schema: SurveyVersionOutput },
      400: badRequest,
      401: unauthorized,
      403: forbidden,
      404: versionNotFound,
      409: wrongState,
      413: { description: 'Body over 16 KB', schema: ErrorBody },
      415: { description: 'Body is not application/json', schema: ErrorBody },
    },
  },
  publishSurveyVersion: {
    method: 'POST',
    path: '/api/admin/units/{id}/survey/versions/{version}/publish',
    summary: 'Publish a draft: from now on it is immutable and the unit’s windows show it',
    tag: 'surveys',
    auth: 'bearer',
    params: SurveyVersionParams,
    responses: { 200: { description: 'The published version', schema: SurveyVersionOutput }, 400: badRequest, 401: unauthorized, 403: forbidden, 404: versionNotFound, 409: wrongState },
  },
  retireSurveyVersion: {
    method: 'POST',
    path: '/api/admin/units/{id}/survey/versions/{version}/retire',
    summary: 'Retire a published version: windows fall back to the previous published version, or the national part only',
    tag: 'surveys',
    auth: 'bearer',
    params: SurveyVersionParams,
    responses: { 200: { description: 'The retired version', schema: SurveyVersionOutput }, 400: badRequest, 401: unauthorized, 403: forbidden, 404: versionNotFound, 409: wrongState },
  },
  windowPoster: {
    method: 'GET',
    path: '/api/admin/windows/{code}/poster',
    summary: 'QR poster of one window: print-ready PDF (A4 or A5), or the QR alone as PNG or SVG, or the link it encodes',
    description:
      'The body is base64-encoded binary (application/pdf, image/png or image/svg+xml) with a Content-Disposition filename. ' +
      'A deactivated window’s poster says 本窗口暂停评价 instead of showing the QR. Every download is audited. ' +
      'format=url answers the link the QR encodes (text/plain, PUBLIC_BASE_URL + /w/{code}; not audited).',
    tag: 'posters',
    auth: 'bearer',
    params: WindowPosterParams,
    query: WindowPosterQuery,
    responses: {
      200: { description: 'The poster file (PDF, PNG or SVG), or the link (text/plain)' },
      400: badRequest,
      401: unauthorized,
      403: forbidden,
      404: { description: 'No window with this code in the caller’s scope', schema: ErrorBody },
      409: { description: 'PNG or SVG of a deactivated window (its PDF says 本窗口暂停评价)', schema: ErrorBody },
    },
  },
  unitPosters: {
    method: 'GET',
    path: '/api/admin/units/{id}/posters',
    summary: 'QR posters of every active window of a unit subtree, one page each, in one PDF',
    tag: 'posters',
    auth: 'bearer',
    params: UnitPostersParams,
    query: UnitPostersQuery,
    responses: {
      200: { description: 'The PDF (base64-encoded binary, application/pdf)' },
      400: badRequest,
      401: unauthorized,
      403: forbidden,
      404: unitNotFound,
    },
  },
} as const satisfies Record<string, Operation>;
