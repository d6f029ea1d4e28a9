import { operations } from '#shared/contracts/api.js';
import { httpHandler } from '../../middleware/http-handler.js';
import { json, parse } from '../../middleware/http.js';
import { getRuntime } from '../../runtime.js';
import { updateStaff } from '../../use-cases/org/staff.js';

const operation = operations.updateStaff;

export const handler = httpHandler(operation, async (event) => {
  const params = parse(operation.params, event.pathParameters ?? {});
  const body = parse(operation.body, event.jsonBody);
  return json(200, await updateStaff(getRuntime(), event.principal, params.staffId, body));
});
