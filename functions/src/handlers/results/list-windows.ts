import { operations } from '#shared/contracts/api.js';
import { httpHandler } from '../../middleware/http-handler.js';
import { json } from '../../middleware/http.js';
import { getRuntime } from '../../runtime.js';
import { listWindows } from '../../use-cases/satisfaction.js';

export const handler = httpHandler(
  operations.listWindows,
  async (event) => json(200, await listWindows(getRuntime(), event.principal!)),
  { verifier: () => getRuntime().tokens },
);
