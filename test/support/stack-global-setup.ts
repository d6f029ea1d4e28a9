import type { TestProject } from 'vitest/node';
import { freePort } from '../../infra/local/ports.js';
import { startLocalStack } from '../../infra/local/stack.js';
import './dynamodb-global-setup.js';

/** The whole local product (in-memory DynamoDB Local, seeded demo county, API and web) for browser tests. */
export default async function setup(project: TestProject) {
  process.env.MANYI_QUIET = '1';
  // Every browser test is the same client (127.0.0.1, forwarded by the web server), rating a few
  // hundred times in a run: lift the per-client rating limit here, and only here. The limit itself
  // is tested in test/integration/anti-stuffing.test.ts; the device interval and the self-rating
  // refusal stay as deployed (test/browser/anti-stuffing.test.ts).
  process.env.RATINGS_PER_CLIENT = '1000000';
  // The same for the burst detector: tests rate the demo windows dozens of times within an hour.
  // The detector itself is tested in test/integration/burst.test.ts.
  process.env.BURST_FLOOR = '1000000';
  // The other way round for a round's freeze and draw: the least progress per call, so the demo
  // county's freeze takes several calls and the pages show a job under way (test/browser/sampling-rounds.test.ts).
  process.env.ROUND_JOB_BUDGET_MS = '0';
  const stack = await startLocalStack({ port: await freePort() });
  project.provide('baseUrl', stack.url);
  project.provide('dynamoEndpoint', stack.dynamo.endpoint);
  return async () => stack.stop();
}
