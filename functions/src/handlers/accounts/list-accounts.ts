import { operations } from '#shared/contracts/api.js';
import { httpHandler } from '../../middleware/http-handler.js';
import { json } from '../../middleware/http.js';
import { getRuntime } from '../../runtime.js';
import { listAccounts } from '../../use-cases/accounts/manage-accounts.js';

const operation = operations.listAccounts;

export const handler = httpHandler(operation, async (event) => json(200, await listAccounts(getRuntime(), event.principal)));
