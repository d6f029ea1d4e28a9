import { operations } from '#shared/contracts/api.js';
import { httpHandler } from '../../middleware/http-handler.js';
import { json } from '../../middleware/http.js';
import { getRuntime } from '../../runtime.js';
import { listRateDefinitions } from '../../use-cases/reports/rate-definitions.js';

const operation = operations.listRateDefinitions;

export const handler = httpHandler(operation, async (event) => json(200, await listRateDefinitions(getRuntime(), event.principal)));
