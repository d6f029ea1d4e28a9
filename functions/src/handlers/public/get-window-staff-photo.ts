import { operations } from '#shared/contracts/api.js';
import { httpHandler } from '../../middleware/http-handler.js';
import { parse } from '../../middleware/http.js';
import { getRuntime } from '../../runtime.js';
import { getOnDutyStaffPhoto } from '../../use-cases/on-duty-staff-photo.js';

const operation = operations.getWindowStaffPhoto;

export const handler = httpHandler(operation, async (event) => {
  const params = parse(operation.params, event.pathParameters ?? {});
  const photo = await getOnDutyStaffPhoto(getRuntime(), params.code, params.staffId);
  return {
    statusCode: 200,
    headers: {
      // The type was recognised from the bytes when the photo was stored; nosniff keeps browsers to it.
      'content-type': photo.contentType,
      'x-content-type-options': 'nosniff',
      // Short, like the window card: a person going off duty stops being shown within a minute.
      'cache-control': 'public, max-age=60',
      'content-security-policy': "default-src 'none'; sandbox",
      'cross-origin-resource-policy': 'same-site',
    },
    body: photo.data,
    isBase64Encoded: true,
  };
});
