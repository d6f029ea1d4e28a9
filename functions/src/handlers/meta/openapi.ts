import { operations } from '#shared/contracts/api.js';
import { buildOpenApiDocument } from '#shared/contracts/openapi.js';
import { httpHandler } from '../../middleware/http-handler.js';
import { json } from '../../middleware/http.js';

let document: Record<string, unknown> | undefined;

export const handler = httpHandler(operations.openapi, async () => {
  document ??= buildOpenApiDocument('0.1.0');
  return json(200, document, { 'cache-control': 'public, max-age=300' });
});
