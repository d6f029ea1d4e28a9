import { operations } from '#shared/contracts/api.js';
import { httpHandler } from '../../middleware/http-handler.js';
import { json, parse } from '../../middleware/http.js';
import { getRuntime } from '../../runtime.js';
import { getPublishedRound } from '../../use-cases/sampling/publish.js';

const operation = operations.getPublishedRound;

/** A published round does not change (its answers closed before it was published): caches may keep it a while. */
export const handler = httpHandler(operation, async (event) => {
  const { roundId } = parse(operation.params, event.pathParameters ?? {});
  return json(200, await getPublishedRound(getRuntime(), roundId), { 'cache-control': 'public, max-age=300' });
});
