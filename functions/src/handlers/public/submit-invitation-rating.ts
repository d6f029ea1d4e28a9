import { operations } from '#shared/contracts/api.js';
import { httpHandler } from '../../middleware/http-handler.js';
import { json, parse } from '../../middleware/http.js';
import { getRuntime } from '../../runtime.js';
import { submitInvitationRating } from '../../use-cases/sampling/invitations.js';

const operation = operations.submitInvitationRating;

export const handler = httpHandler(operation, async (event) => {
  const input = parse(operation.body, event.jsonBody);
  return json(201, await submitInvitationRating(getRuntime(), input));
});
