import '../../aws-adapters.js';
import { operations } from '#shared/contracts/api.js';
import { httpHandler } from '../../middleware/http-handler.js';
import { json, parse } from '../../middleware/http.js';
import { getRuntime } from '../../runtime.js';
import { confirmTotpEnrollment } from '../../use-cases/accounts/totp-enrollment.js';

const operation = operations.confirmTotpEnrollment;

export const handler = httpHandler(operation, async (event) => {
  const input = parse(operation.body, event.jsonBody);
  return json(200, await confirmTotpEnrollment(getRuntime(), event.principal, input));
});
