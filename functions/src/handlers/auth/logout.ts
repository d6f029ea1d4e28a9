import { operations } from '#shared/contracts/api.js';
import { httpHandler } from '../../middleware/http-handler.js';
import { json } from '../../middleware/http.js';
import { getRuntime } from '../../runtime.js';
import { logout } from '../../use-cases/logout.js';

const operation = operations.logout;

export const handler = httpHandler(operation, async (event) => json(200, await logout(getRuntime(), event.principal)));
