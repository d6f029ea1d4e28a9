import { operations } from '#shared/contracts/api.js';
import { httpHandler } from '../../middleware/http-handler.js';
import { json, parse } from '../../middleware/http.js';
import { getRuntime } from '../../runtime.js';
import { verifyExport } from '../../use-cases/exports/verify-export.js';

const operation = operations.verifyExport;

export const handler = httpHandler(operation, async (event) => {
  const { sha256 } = parse(operation.params, event.pathParameters ?? {});
  return json(200, await verifyExport(getRuntime(), sha256));
});
