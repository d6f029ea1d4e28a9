import { operations } from '#shared/contracts/api.js';
import { httpHandler } from '../../middleware/http-handler.js';
import { parse } from '../../middleware/http.js';
import { getRuntime } from '../../runtime.js';
import { exportAudit } from '../../use-cases/accounts/audit-log.js';

const operation = operations.exportAudit;

export const handler = httpHandler(operation, async (event) => {
  const query = parse(operation.query, event.queryStringParameters ?? {});
  const { csv, filename } = await exportAudit(getRuntime(), event.principal, query);
  return {
    statusCode: 200,
    headers: {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': `attachment; filename="${filename}"`,
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
    },
    body: csv,
  };
});
