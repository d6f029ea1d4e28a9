import middy from '@middy/core';
import type { DynamoDBStreamEvent } from 'aws-lambda';
import { totalsChangeOf } from '../../data/rollups/stream-records.js';
import { log } from '../../middleware/log.js';
import { getRuntime } from '../../runtime.js';
import { applyTotalsChanges, type RollupRun } from '../../use-cases/rollups/apply-totals-changes.js';

/**
 * The rollups' consumer in AWS (infra/constructs/rollup-consumer.ts): an event source mapping on
 * the totals table's stream invokes it with a batch of one shard's records, in order. A failure
 * throws: Lambda retries the batch (halving it on repeated errors) and finally sends what still
 * fails to the dead-letter queue; the writes that did happen are recognised by their markers and
 * not made twice (rollup-layout.ts). Counts only go to the log — never a key or a counter name.
 */
export const handler = middy<DynamoDBStreamEvent, RollupRun>().handler(async (event) => {
  const run = await applyTotalsChanges(getRuntime(), event.Records.map(totalsChangeOf));
  log('info', 'rollups.apply', { ...run });
  return run;
});
