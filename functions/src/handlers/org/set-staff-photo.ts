import { operations } from '#shared/contracts/api.js';
import { httpHandler } from '../../middleware/http-handler.js';
import { json, parse } from '../../middleware/http.js';
import { getRuntime } from '../../runtime.js';
import { setStaffPhoto } from '../../use-cases/org/staff.js';

const operation = operations.setStaffPhoto;

export const handler = httpHandler(operation, async (event) => {
  const params = parse(operation.params, event.pathParameters ?? {});
  // The body is the image itself, not JSON: see the operation's description.
  return json(200, await setStaffPhoto(getRuntime(), event.principal, params.staffId, { body: event.body, isBase64Encoded: event.isBase64Encoded }));
});
