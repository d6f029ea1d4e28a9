import { operations } from '#shared/contracts/api.js';
import { httpHandler } from '../../middleware/http-handler.js';
import { json, parse } from '../../middleware/http.js';
import { getRuntime } from '../../runtime.js';
import { setWindowStaff } from '../../use-cases/org/windows.js';

const operation = operations.setWindowStaff;

export const handler = httpHandler(operation, async (event) => {
  const params = parse(operation.params, event.pathParameters ?? {});
  const body = parse(operation.body, event.jsonBody);
  return json(200, await setWindowStaff(getRuntime(), event.principal, params.code, body));
});
