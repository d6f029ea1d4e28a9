import { operations } from '#shared/contracts/api.js';
import { httpHandler } from '../../middleware/http-handler.js';
import { json, parse } from '../../middleware/http.js';
import { getRuntime } from '../../runtime.js';
import { viewRatingLink } from '../../use-cases/rating-links/rate-by-link.js';

const operation = operations.viewRatingLink;

export const handler = httpHandler(operation, async (event) => {
  const { token } = parse(operation.body, event.jsonBody);
  return json(200, await viewRatingLink(getRuntime(), token));
});
