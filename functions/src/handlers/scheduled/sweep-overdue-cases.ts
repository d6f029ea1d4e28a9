import middy from '@middy/core';
import type { ScheduledEvent } from 'aws-lambda';
import { log } from '../../middleware/log.js';
import { getRuntime } from '../../runtime.js';
import { sweepOverdueCases, type SweepResult } from '../../use-cases/cases/sweep.js';

/**
 * The overdue sweep of 差评 cases in AWS (infra/constructs/case-sweeper.ts): an EventBridge rule
 * invokes it once a day, just after midnight China time. The counts go to the log; each escalation
 * is in the audit log. A failure throws, so EventBridge's retries and the function's error metric
 * see it; a sweep run twice escalates nothing twice.
 */
export const handler = middy<ScheduledEvent, SweepResult>().handler(async () => {
  const result = await sweepOverdueCases(getRuntime());
  log('info', 'cases.sweep', { ...result });
  return result;
});
