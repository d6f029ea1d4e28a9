import { operations } from '#shared/contracts/api.js';
import { httpHandler } from '../../middleware/http-handler.js';
import { json, parse } from '../../middleware/http.js';
import { getRuntime } from '../../runtime.js';
import { getWindowCard } from '../../use-cases/get-window-card.js';

const operation = operations.getWindowCard;

export const handler = httpHandler(operation, async (event) => {
  const { code } = parse(operation.params, event.pathParameters ?? {});
  return json(200, await getWindowCard(getRuntime(), code), { 'cache-control': 'public, max-age=60' });
});
