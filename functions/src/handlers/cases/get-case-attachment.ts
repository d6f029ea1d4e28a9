import { operations } from '#shared/contracts/api.js';
import { httpHandler } from '../../middleware/http-handler.js';
import { parse } from '../../middleware/http.js';
import { getRuntime } from '../../runtime.js';
import { getCaseAttachment } from '../../use-cases/cases/cases.js';

const operation = operations.getCaseAttachment;

export const handler = httpHandler(operation, async (event) => {
  const params = parse(operation.params, event.pathParameters ?? {});
  const attachment = await getCaseAttachment(getRuntime(), event.principal, params.caseId, params.step);
  // The type was recognised from the bytes when stored; nosniff keeps browsers to it.
  return {
    statusCode: 200,
    headers: { 'content-type': attachment.contentType, 'cache-control': 'private, no-store', 'x-content-type-options': 'nosniff' },
    body: attachment.data,
    isBase64Encoded: true,
  };
});
