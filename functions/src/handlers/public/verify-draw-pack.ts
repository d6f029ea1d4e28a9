import { operations } from '#shared/contracts/api.js';
import { httpHandler } from '../../middleware/http-handler.js';
import { json, parse } from '../../middleware/http.js';
import { verifyDraw } from '../../use-cases/sampling/verify-draw.js';

const operation = operations.verifyDrawPack;

// No runtime import: the check needs no table, so this bundle carries no data layer.
export const handler = httpHandler(operation, async (event) => {
  const pack = parse(operation.body, event.jsonBody);
  return json(200, verifyDraw(pack));
});
