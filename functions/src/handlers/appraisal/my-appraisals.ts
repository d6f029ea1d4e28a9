import { operations } from '#shared/contracts/api.js';
import { httpHandler } from '../../middleware/http-handler.js';
import { json } from '../../middleware/http.js';
import { getRuntime } from '../../runtime.js';
import { myAppraisals } from '../../use-cases/appraisal/own.js';

const operation = operations.myAppraisals;

export const handler = httpHandler(operation, async (event) => json(200, await myAppraisals(getRuntime(), event.principal), { 'cache-control': 'no-store' }));
