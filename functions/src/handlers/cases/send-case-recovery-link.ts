import '../../aws-adapters.js';
import { operations } from '#shared/contracts/api.js';
import { httpHandler } from '../../middleware/http-handler.js';
import { json, parse } from '../../middleware/http.js';
import { getRuntime } from '../../runtime.js';
import { sendRecoveryLink } from '../../use-cases/cases/recovery.js';

const operation = operations.sendCaseRecoveryLink;

export const handler = httpHandler(operation, async (event) => {
  const params = parse(operation.params, event.pathParameters ?? {});
  return json(202, await sendRecoveryLink(getRuntime(), event.principal, params.caseId), { 'cache-control': 'no-store' });
});
