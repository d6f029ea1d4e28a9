import { operations } from '#shared/contracts/api.js';
import { httpHandler } from '../../middleware/http-handler.js';
import { json, parse } from '../../middleware/http.js';
import { getRuntime } from '../../runtime.js';
import { answerRecoveryLink } from '../../use-cases/cases/recovery.js';

const operation = operations.answerRecoveryLink;

export const handler = httpHandler(operation, async (event) => {
  const body = parse(operation.body, event.jsonBody);
  return json(201, await answerRecoveryLink(getRuntime(), body), { 'cache-control': 'no-store' });
});
