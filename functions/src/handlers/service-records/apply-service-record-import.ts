import '../../aws-adapters.js';
import { operations } from '#shared/contracts/api.js';
import { httpHandler } from '../../middleware/http-handler.js';
import { json } from '../../middleware/http.js';
import { getRuntime } from '../../runtime.js';
import { applyServiceRecordImport } from '../../use-cases/service-records/imports.js';

const operation = operations.applyServiceRecordImport;

export const handler = httpHandler(operation, async (event) => {
  // The body is the file itself; each request writes a few seconds' worth of rows and answers the progress.
  return json(200, await applyServiceRecordImport(getRuntime(), event.principal, { body: event.body, isBase64Encoded: event.isBase64Encoded }));
});
