import type { TestProject } from 'vitest/node';
import { freePort } from '../../infra/local/ports.js';
import { startLocalStack } from '../../infra/local/stack.js';
import './dynamodb-global-setup.js';

/** The whole local product (in-memory DynamoDB Local, seeded demo county, API and web) for browser tests. */
export default async function setup(project: TestProject) {
  process.env.MANYI_QUIET = '1';
  const stack = await startLocalStack({ port: await freePort() });
  project.provide('baseUrl', stack.url);
  project.provide('dynamoEndpoint', stack.dynamo.endpoint);
  return async () => stack.stop();
}
