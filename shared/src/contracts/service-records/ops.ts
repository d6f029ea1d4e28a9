import { ErrorBody } from '../errors.js';
import { badRequest, forbidden as forbiddenTo, notFound as noSuch, unauthorized } from '../responses.js';
import type { Operation } from '../operation.js';
import {
  ClientParams,
  CreateIntegrationClientInput,
  IntegrationClient,
  IntegrationClientCredential,
  IntegrationClientList,
  IntegrationClientListQuery,
} from './clients.js';
import { PushServiceRecordsBody, PushServiceRecordsQuery, PushServiceRecordsResult } from './records.js';
import { ServiceRecordImportApplied } from './imports.js';
import { ImportPreview } from '../org-imports.js';

const forbidden = forbiddenTo('manage 接入系统', 'system and unit administrators only');
const notFound = noSuch('client', " in the caller's scope");

const RECORD_FILE =
  'The request body is the file itself (any Content-Type, at most 3 MiB, at most 200,000 rows): CSV in UTF-8 (with or without BOM) or GBK/GB18030, ' +
  'or XLSX (first worksheet); the first row holds the column names, in Chinese or as the push’s field names. 办结时间 without an offset ' +
  '(e.g. 2026-12-06 10:30, or an Excel date cell) is China time (+08:00). 办理方式 窗口/网上/自助, 申请人类型 个人/企业. Permission integrations:manage; ' +
  'units outside the caller’s scope are refused like units that do not exist.';

/** 接入系统 and 办件 (issue 13 §1): machine clients of a unit subtree and the records they push. */
export const serviceRecordOperations = {
  createIntegrationClient: {
    method: 'POST',
    path: '/api/integration-clients',
    summary: 'Create a 接入系统 client for a unit subtree; the credential is in this answer only',
    tag: 'integrations',
    auth: 'bearer',
    body: CreateIntegrationClientInput,
    responses: { 201: { description: 'Created, with its credential (shown once)', schema: IntegrationClientCredential }, 400: badRequest, 401: unauthorized, 403: forbidden, 404: { description: 'No such unit in scope', schema: ErrorBody } },
  },
  listIntegrationClients: {
    method: 'GET',
    path: '/api/integration-clients',
    summary: 'The 接入系统 clients of one unit (never a secret or its hash)',
    tag: 'integrations',
    auth: 'bearer',
    query: IntegrationClientListQuery,
    responses: { 200: { description: 'The clients', schema: IntegrationClientList }, 400: badRequest, 401: unauthorized, 403: forbidden, 404: { description: 'No such unit in scope', schema: ErrorBody } },
  },
  rotateIntegrationClient: {
    method: 'POST',
    path: '/api/integration-clients/{clientId}/rotate',
    summary: 'A new credential for a client; the old one stops working at once',
    tag: 'integrations',
    auth: 'bearer',
    params: ClientParams,
    responses: { 200: { description: 'The new credential (shown once)', schema: IntegrationClientCredential }, 400: badRequest, 401: unauthorized, 403: forbidden, 404: notFound, 409: { description: 'The client is revoked', schema: ErrorBody } },
  },
  revokeIntegrationClient: {
    method: 'POST',
    path: '/api/integration-clients/{clientId}/revoke',
    summary: 'Revoke a client for good: its credential stops working at once',
    tag: 'integrations',
    auth: 'bearer',
    params: ClientParams,
    responses: { 200: { description: 'Revoked (revoking again changes nothing)', schema: IntegrationClient }, 400: badRequest, 401: unauthorized, 403: forbidden, 404: notFound },
  },
  pushServiceRecords: {
    method: 'POST',
    path: '/api/service-records',
    summary: 'Push 办件: one record, or up to 500 with a status each',
    description:
      'Authorization: Bearer mc1.{clientId}.{secret} (a 接入系统 credential). Re-pushing the same record is a no-op; a different record under the same ' +
      'projNo of the same unit is a conflict. One record: 201 stored, 200 unchanged, 400 naming the field, 403 outside the scope, 409 conflict. ' +
      'A batch ({ records }): 200 with a status per record (good records are stored whatever the others are). The applicant mobile is sealed into ' +
      'the contact store and purged after 90 days; the record keeps a keyed pseudonym only, and expires after 400 days.',
    tag: 'service-records',
    auth: 'client',
    query: PushServiceRecordsQuery,
    body: PushServiceRecordsBody,
    // 500 records of the longest fields are about 250 KB; API Gateway takes 10 MB, Lambda 6 MB.
    largeBody: { maxBytes: 1024 * 1024, otherwise: 'send at most 500 records of at most 2 KB each per request' },
    responses: {
      200: { description: 'Unchanged (one record) or the batch’s statuses', schema: PushServiceRecordsResult },
      201: { description: 'The one record was stored', schema: PushServiceRecordsResult },
      400: badRequest,
      401: { description: 'Missing, wrong, rotated-out or revoked client credential', schema: ErrorBody },
      403: { description: 'The record’s unit is outside the client’s subtree', schema: ErrorBody },
      413: { description: 'The body is over 1 MiB', schema: ErrorBody },
      409: { description: 'This projNo of this unit already holds a different record', schema: ErrorBody },
    },
  },
  previewServiceRecordImport: {
    method: 'POST',
    path: '/api/org/service-record-imports/preview',
    summary: 'Parse a 办件 file (办件编号, 单位编码, 窗口编号, 办理事项, 工号, 办结时间, 办理方式, 申请人类型, 申请人手机) and list its rows with their errors; writes nothing',
    description: RECORD_FILE,
    tag: 'service-records',
    auth: 'bearer',
    responses: { 200: { description: 'Bad rows with their errors, the first good ones, counts', schema: ImportPreview }, 400: badRequest, 401: unauthorized, 403: forbidden, 413: badRequest },
  },
  applyServiceRecordImport: {
    method: 'POST',
    path: '/api/org/service-record-imports/apply',
    summary: 'Store the 办件 of a file in chunks; send the same file again until `finished`',
    description:
      `${RECORD_FILE} Each row goes through the push's own checks and is stored once per (unit, 办件编号); bad rows are counted as refused, ` +
      'the good ones stored. One request handles as many rows as fit in a few seconds and answers the progress; the same file from the same ' +
      'person continues the job where it stopped (never a duplicate) and, once finished, answers the final counts without writing.',
    tag: 'service-records',
    auth: 'bearer',
    responses: { 200: { description: 'Progress and counts so far', schema: ServiceRecordImportApplied }, 400: badRequest, 401: unauthorized, 403: forbidden, 413: badRequest },
  },
} as const satisfies Record<string, Operation>;
