import { operations } from '#shared/contracts/api.js';
import { httpHandler } from '../../middleware/http-handler.js';
import { json, parse } from '../../middleware/http.js';
import { getRuntime } from '../../runtime.js';
import { getOrgWindow } from '../../use-cases/org/windows.js';

const operation = operations.getOrgWindow;

export const handler = httpHandler(operation, async (event) => {
  const params = parse(operation.params, event.pathParameters ?? {});
  return json(200, await getOrgWindow(getRuntime(), event.principal, params.code));
});
