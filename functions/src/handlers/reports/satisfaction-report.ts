import { operations } from '#shared/contracts/api.js';
import { httpHandler } from '../../middleware/http-handler.js';
import { json, parse } from '../../middleware/http.js';
import { getRuntime } from '../../runtime.js';
import { buildSatisfactionReport } from '../../use-cases/reports/satisfaction-report.js';

const operation = operations.satisfactionReport;

export const handler = httpHandler(operation, async (event) => {
  const query = parse(operation.query, event.queryStringParameters ?? {});
  const runtime = getRuntime();
  return json(200, await buildSatisfactionReport(runtime, event.principal, query, runtime.now()));
});
