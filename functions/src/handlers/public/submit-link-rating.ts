import '../../aws-adapters.js';
import { operations } from '#shared/contracts/api.js';
import { httpHandler } from '../../middleware/http-handler.js';
import { json, parse } from '../../middleware/http.js';
import { sharedRatingLookups } from '../../data/read-cache.js';
import { getRuntime } from '../../runtime.js';
import { submitLinkRating } from '../../use-cases/rating-links/rate-by-link.js';

const operation = operations.submitLinkRating;

export const handler = httpHandler(operation, async (event) => {
  const input = parse(operation.body, event.jsonBody);
  const runtime = getRuntime();
  // The window (read twice: its items, then the rating's checks) and the survey sections come from
  // the runtime's 10-s cache, as a window rating's do (data/read-cache.ts); the link is read afresh,
  // or not at all when the page echoes what it rates (decision 0020).
  const { windows, units, surveys, caseDeadlines } = sharedRatingLookups(runtime);
  const deps = {
    windows,
    units,
    caseDeadlines,
    surveys: surveys ?? runtime.surveys,
    windowViews: runtime.windowViews,
    ratingLinks: runtime.ratingLinks,
    ratings: runtime.ratings,
    sealer: runtime.sealer,
    throttle: runtime.throttle,
    now: runtime.now,
    randomId: runtime.randomId,
  };
  return json(201, await submitLinkRating(deps, input));
});
