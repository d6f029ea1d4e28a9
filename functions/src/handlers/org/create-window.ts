import { operations } from '#shared/contracts/api.js';
import { httpHandler } from '../../middleware/http-handler.js';
import { json, parse } from '../../middleware/http.js';
import { getRuntime } from '../../runtime.js';
import { createWindow } from '../../use-cases/org/windows.js';

const operation = operations.createWindow;

export const handler = httpHandler(operation, async (event) => {
  const params = parse(operation.params, event.pathParameters ?? {});
  const body = parse(operation.body, event.jsonBody);
  return json(201, await createWindow(getRuntime(), event.principal, params.unitId, body));
});
