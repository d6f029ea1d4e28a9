import { operations } from '#shared/contracts/api.js';
import { httpHandler } from '../../middleware/http-handler.js';
import { json, parse } from '../../middleware/http.js';
import { getRuntime } from '../../runtime.js';
import { getPublishedDrawPack } from '../../use-cases/sampling/publish.js';

const operation = operations.getPublishedDrawPack;

export const handler = httpHandler(operation, async (event) => {
  const { roundId } = parse(operation.params, event.pathParameters ?? {});
  return json(200, await getPublishedDrawPack(getRuntime(), roundId), { 'cache-control': 'public, max-age=300' });
});
