import { operations } from '#shared/contracts/api.js';
import { httpHandler } from '../../middleware/http-handler.js';
import { json, parse } from '../../middleware/http.js';
import { getRuntime } from '../../runtime.js';
import { optOutInvitation } from '../../use-cases/sampling/invitations.js';

const operation = operations.optOutInvitation;

export const handler = httpHandler(operation, async (event) => {
  const { token } = parse(operation.body, event.jsonBody);
  return json(200, await optOutInvitation(getRuntime(), token));
});
