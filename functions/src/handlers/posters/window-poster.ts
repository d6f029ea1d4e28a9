import { operations } from '#shared/contracts/api.js';
import { httpHandler } from '../../middleware/http-handler.js';
import { parse } from '../../middleware/http.js';
import { getRuntime } from '../../runtime.js';
import { windowPoster } from '../../use-cases/posters/posters.js';
import { binary } from './binary.js';

const operation = operations.windowPoster;

export const handler = httpHandler(operation, async (event) => {
  const { code } = parse(operation.params, event.pathParameters ?? {});
  const query = parse(operation.query, event.queryStringParameters ?? {});
  return binary(await windowPoster(getRuntime(), event.principal, code, query));
});
