import { operations } from '#shared/contracts/api.js';
import { httpHandler } from '../../middleware/http-handler.js';
import { parse } from '../../middleware/http.js';
import { getRuntime } from '../../runtime.js';
import { exportAccountabilityRecords } from '../../use-cases/cases/accountability.js';
import { binary } from '../posters/binary.js';

const operation = operations.exportAccountabilityRecords;

export const handler = httpHandler(operation, async (event) => {
  const query = parse(operation.query, event.queryStringParameters ?? {});
  const file = await exportAccountabilityRecords(getRuntime(), event.principal, query);
  return binary(file, { 'x-manyi-sha256': file.sha256, 'x-manyi-data-sha256': file.dataHash });
});
