import '../../aws-adapters.js';
import { operations } from '#shared/contracts/api.js';
import { httpHandler } from '../../middleware/http-handler.js';
import { json } from '../../middleware/http.js';
import { getRuntime } from '../../runtime.js';
import { startTotpEnrollment } from '../../use-cases/accounts/totp-enrollment.js';

const operation = operations.startTotpEnrollment;

export const handler = httpHandler(operation, async (event) => json(200, await startTotpEnrollment(getRuntime(), event.principal)));
