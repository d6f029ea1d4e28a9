import { operations } from '#shared/contracts/api.js';
import { httpHandler } from '../../middleware/http-handler.js';
import { parse } from '../../middleware/http.js';
import { getRuntime } from '../../runtime.js';
import { unitPosters } from '../../use-cases/posters/posters.js';
import { binary } from './binary.js';

const operation = operations.unitPosters;

export const handler = httpHandler(operation, async (event) => {
  const { id } = parse(operation.params, event.pathParameters ?? {});
  const query = parse(operation.query, event.queryStringParameters ?? {});
  return binary(await unitPosters(getRuntime(), event.principal, id, query));
});
