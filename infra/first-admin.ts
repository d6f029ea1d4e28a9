import { parseArgs } from 'node:util';
import { createDocumentClient } from '../functions/src/data/client.js';
import { createDataLayer } from '../functions/src/data/index.js';
import { dataTables, physicalTableName, TABLES } from '../functions/src/data/tables.js';
import { AppError } from '../functions/src/errors.js';
import { createFirstAdmin } from '../functions/src/use-cases/accounts/first-admin.js';

/**
 * `npm run first-admin -- --username <cognito username> --name <display name> --unit <id> [--unit-name <name>]
 *  [--prefix manyi] [--region <region>]`: after the first `cdk deploy`, with AWS credentials, writes
 * the first system administrator's account record (role and scope) to the deployment's ops table,
 * and the root unit if it is new. Their password and TOTP are Cognito's (README, Deploy to AWS).
 * `--endpoint` points it at DynamoDB Local instead (tests).
 */
const { values } = parseArgs({
  options: {
    username: { type: 'string' },
    name: { type: 'string' },
    unit: { type: 'string' },
    'unit-name': { type: 'string' },
    prefix: { type: 'string', default: 'manyi' },
    region: { type: 'string', default: process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? '' },
    endpoint: { type: 'string' },
  },
});
if (!values.username || !values.name || !values.unit || !values.region) {
  console.error('usage: npm run first-admin -- --username <cognito username> --name <姓名> --unit <unit id> [--unit-name <单位名称>] [--prefix manyi] [--region <region>]');
  process.exit(2);
}
const doc = createDocumentClient({ region: values.region, endpoint: values.endpoint });
const tables = dataTables(Object.fromEntries(TABLES.map((table) => [table.logicalName, physicalTableName(values.prefix, table)])));
const { ops } = tables;
const data = createDataLayer(doc, tables);
try {
  const { account, unitCreated } = await createFirstAdmin({ ...data, now: () => new Date() }, { username: values.username, displayName: values.name, unitId: values.unit, unitName: values['unit-name'] });
  console.log(`system administrator ${account.username} (scope ${account.unitId}${unitCreated ? ', root unit created' : ''}) written to ${ops}`);
} catch (error) {
  if (!(error instanceof AppError)) throw error;
  console.error(error.message);
  process.exit(1);
}
