import { operations } from '#shared/contracts/api.js';
import { httpHandler } from '../../middleware/http-handler.js';
import { json, parse } from '../../middleware/http.js';
import { getRuntime } from '../../runtime.js';
import { getStaff } from '../../use-cases/org/staff.js';

const operation = operations.getStaff;

export const handler = httpHandler(operation, async (event) => {
  const params = parse(operation.params, event.pathParameters ?? {});
  return json(200, await getStaff(getRuntime(), event.principal, params.staffId));
});
