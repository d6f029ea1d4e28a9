import { Duration } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import { Construct } from 'constructs';
import { keys } from '../../functions/src/data/keys.js';
import { ManyiFunction } from './manyi-function.js';
import { grantItems, type ManyiTable } from './manyi-table.js';

export interface CaseSweeperProps {
  prefix: string;
  ops: ManyiTable;
  audit: ManyiTable;
  /** The tables, auth and key settings every function of the API gets (config.ts validates them). */
  environment: Record<string, string>;
}

/**
 * The overdue sweep of 差评 cases in AWS (issue 15 §1; docs/decisions/0028): an EventBridge rule
 * runs functions/src/handlers/scheduled/sweep-overdue-cases.ts daily at 00:30 China time (16:30
 * UTC), retrying twice. The function reads the ops table (the org tree, the unit queues, the
 * cases) and writes only what an escalation writes, by partition key: the case and its steps
 * (`CASE#`), its flag in its queues (`CASES#`, `CASESW#`, UpdateItem), its entry in the parent's
 * escalated queue (`CASESX#`, PutItem); and appends to the audit log. Nothing else.
 */
export class CaseSweeper extends Construct {
  readonly function: ManyiFunction;
  readonly rule: events.Rule;

  constructor(scope: Construct, id: string, props: CaseSweeperProps) {
    super(scope, id);
    this.function = new ManyiFunction(this, 'Function', {
      entry: 'functions/src/handlers/scheduled/sweep-overdue-cases.ts',
      description: `${props.prefix} overdue sweep of bad-rating cases (daily, EventBridge)`,
      environment: props.environment,
      // A province's units, three Queries each, and the day's escalations: minutes, not seconds.
      timeout: Duration.minutes(10),
      memorySize: 512,
    });
    props.ops.grant(this.function, 'read');
    grantItems(props.ops, this.function, [
      { actions: ['dynamodb:UpdateItem'], leadingKeys: [keys.case('*').pk, `${keys.caseQueuePartition('*')}`, `${keys.caseWindowPartition('*')}`] },
      { actions: ['dynamodb:PutItem'], leadingKeys: [keys.case('*').pk, `${keys.caseEscalatedPartition('*')}`] },
    ]);
    props.audit.grant(this.function, 'put-only');
    this.rule = new events.Rule(this, 'Daily', {
      description: `${props.prefix}: escalate overdue bad-rating cases to the parent unit (00:30 China time)`,
      schedule: events.Schedule.cron({ minute: '30', hour: '16' }),
      targets: [new targets.LambdaFunction(this.function, { retryAttempts: 2, maxEventAge: Duration.hours(6) })],
    });
  }
}
