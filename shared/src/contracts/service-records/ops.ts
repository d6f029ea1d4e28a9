import { ErrorBody } from '../errors.js';
import type { Operation } from '../operation.js';
import {
  ClientParams,
  CreateIntegrationClientInput,
  IntegrationClient,
  IntegrationClientCredential,
  IntegrationClientList,
  IntegrationClientListQuery,
} from './clients.js';
import { PushServiceRecordsBody, PushServiceRecordsResult } from './records.js';

const badRequest = { description: 'Invalid input; the message names the field', schema: ErrorBody };
const unauthorized = { description: 'Missing, invalid or expired bearer token', schema: ErrorBody };
const forbidden = { description: 'The role may not manage 接入系统 (system and unit administrators only)', schema: ErrorBody };
const notFound = { description: "No such client in the caller's scope", schema: ErrorBody };

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
} as const satisfies Record<string, Operation>;
