import { operations } from '#shared/contracts/api.js';
import { httpHandler } from '../../middleware/http-handler.js';
import { json, parse } from '../../middleware/http.js';
import { getRuntime } from '../../runtime.js';
import { readComments } from '../../use-cases/reports/comments.js';

const operation = operations.listComments;

export const handler = httpHandler(operation, async (event) => {
  const query = parse(operation.query, event.queryStringParameters ?? {});
  const runtime = getRuntime();
  return json(200, await readComments(runtime, event.principal, query, runtime.now()));
});
