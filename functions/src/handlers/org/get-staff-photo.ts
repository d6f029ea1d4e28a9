import { operations } from '#shared/contracts/api.js';
import { httpHandler } from '../../middleware/http-handler.js';
import { parse } from '../../middleware/http.js';
import { getRuntime } from '../../runtime.js';
import { getStaffPhoto } from '../../use-cases/org/staff.js';

const operation = operations.getStaffPhoto;

export const handler = httpHandler(operation, async (event) => {
  const params = parse(operation.params, event.pathParameters ?? {});
  const photo = await getStaffPhoto(getRuntime(), event.principal, params.staffId);
  // The type was recognised from the bytes when stored; nosniff keeps browsers to it.
  return {
    statusCode: 200,
    headers: { 'content-type': photo.contentType, 'cache-control': 'private, no-store', 'x-content-type-options': 'nosniff' },
    body: photo.data,
    isBase64Encoded: true,
  };
});
