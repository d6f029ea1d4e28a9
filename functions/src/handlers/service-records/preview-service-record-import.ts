import { operations } from '#shared/contracts/api.js';
import { httpHandler } from '../../middleware/http-handler.js';
import { json } from '../../middleware/http.js';
import { getRuntime } from '../../runtime.js';
import { previewServiceRecordImport } from '../../use-cases/service-records/imports.js';

const operation = operations.previewServiceRecordImport;

export const handler = httpHandler(operation, async (event) => {
  // The body is the uploaded file itself (CSV or XLSX), not JSON: see the operation's description.
  return json(200, await previewServiceRecordImport(getRuntime(), event.principal, { body: event.body, isBase64Encoded: event.isBase64Encoded }));
});
