import '../../aws-adapters.js';
import { operations } from '#shared/contracts/api.js';
import { httpHandler } from '../../middleware/http-handler.js';
import { json, parse } from '../../middleware/http.js';
import { getRuntime } from '../../runtime.js';
import { revealCaseContact } from '../../use-cases/cases/cases.js';

const operation = operations.revealCaseContact;

export const handler = httpHandler(operation, async (event) => {
  const params = parse(operation.params, event.pathParameters ?? {});
  return json(200, await revealCaseContact(getRuntime(), event.principal, params.caseId), { 'cache-control': 'no-store' });
});
