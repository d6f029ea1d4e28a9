import '../../aws-adapters.js';
import { operations } from '#shared/contracts/api.js';
import { httpHandler } from '../../middleware/http-handler.js';
import { json, parse } from '../../middleware/http.js';
import { getRuntime } from '../../runtime.js';
import { submitLinkRating } from '../../use-cases/rating-links/rate-by-link.js';

const operation = operations.submitLinkRating;

export const handler = httpHandler(operation, async (event) => {
  const input = parse(operation.body, event.jsonBody);
  return json(201, await submitLinkRating(getRuntime(), input));
});
