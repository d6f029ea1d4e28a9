import { operations } from '#shared/contracts/api.js';
import { httpHandler } from '../../middleware/http-handler.js';
import { json } from '../../middleware/http.js';
import { getRuntime } from '../../runtime.js';
import { describeSession } from '../../use-cases/session.js';

const operation = operations.getSession;

export const handler = httpHandler(operation, async (event) => json(200, await describeSession(getRuntime(), event.principal)));
