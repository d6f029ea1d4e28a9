import { Aws, Duration, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource, SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { keys } from '../../functions/src/data/keys.js';
import { ManyiFunction } from './manyi-function.js';
import { KEY_ACTIONS_READ, KEY_ACTIONS_WRITE, type ManyiTable } from './manyi-table.js';

export interface RollupConsumerProps {
  prefix: string;
  ops: ManyiTable;
  totals: ManyiTable;
  /** The tables, auth and key settings every function of the API gets (config.ts validates them). */
  environment: Record<string, string>;
}

/** Records per invocation: one shard's, in order. Large batches fold many ratings of one unit into one write. */
export const ROLLUP_BATCH_SIZE = 1000;
/** How long the mapping gathers a batch before invoking: the rollups' lag stays seconds at any traffic. */
export const ROLLUP_BATCHING_WINDOW = Duration.seconds(1);
/** Tries of a failing batch (halved each time) before its records go to the dead-letter queue. */
export const ROLLUP_RETRY_ATTEMPTS = 10;

/**
 * The rollups' consumer in AWS (decision 0031): an event source mapping on the totals table's
 * stream invokes functions/src/handlers/streams/apply-totals-rollups.ts with batches of window-day
 * changes (a filter drops the rollups' own changes before any invocation). One batch per shard at
 * a time (parallelization 1), so a partition's records arrive in order — what the markers rely on.
 * A failing batch is retried, halved on each error (bisect), and what still fails after
 * ROLLUP_RETRY_ATTEMPTS is described in the dead-letter queue (the records' positions, never their
 * contents); `npm run recount` repairs what they missed.
 *
 * The function may: read the stream (the mapping's grant), BatchGetItem the window items of ops
 * (`WINDOW#`, for the units of the windows a batch meets), and GetItem / UpdateItem the items of the totals table — nothing
 * else, no Put, no Delete, no other table.
 */
export class RollupConsumer extends Construct {
  readonly function: ManyiFunction;
  readonly deadLetterQueue: sqs.Queue;
  readonly source: DynamoEventSource;

  constructor(scope: Construct, id: string, props: RollupConsumerProps) {
    super(scope, id);
    this.deadLetterQueue = new sqs.Queue(this, 'DeadLetters', {
      queueName: `${props.prefix}-rollups-dlq`,
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    Validations.of(this.deadLetterQueue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason: 'It is the dead-letter destination itself (the stream mapping\'s on-failure destination), not a queue whose messages need one.',
    });
    this.function = new ManyiFunction(this, 'Function', {
      entry: 'functions/src/handlers/streams/apply-totals-rollups.ts',
      description: `${props.prefix} rollups of the running totals (DynamoDB stream consumer)`,
      environment: props.environment,
      timeout: Duration.minutes(1),
      memorySize: 512,
    });
    this.source = new DynamoEventSource(props.totals.table, {
      startingPosition: lambda.StartingPosition.TRIM_HORIZON,
      batchSize: ROLLUP_BATCH_SIZE,
      maxBatchingWindow: ROLLUP_BATCHING_WINDOW,
      parallelizationFactor: 1,
      bisectBatchOnError: true,
      retryAttempts: ROLLUP_RETRY_ATTEMPTS,
      onFailure: new SqsDlq(this.deadLetterQueue),
      filters: [
        lambda.FilterCriteria.filter({
          dynamodb: { Keys: { pk: { S: lambda.FilterRule.beginsWith(keys.windowTotalsPartition('')) }, sk: { S: lambda.FilterRule.beginsWith('DAY#') } } },
        }),
      ],
    });
    this.function.addEventSource(this.source);

    const viaDynamoDb = { StringEquals: { 'kms:ViaService': `dynamodb.${Aws.REGION}.${Aws.URL_SUFFIX}` } };
    iam.Grant.addToPrincipal({
      grantee: this.function,
      actions: ['dynamodb:BatchGetItem'],
      resourceArns: [props.ops.table.tableArn],
      conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [keys.window('*').pk] } },
    });
    iam.Grant.addToPrincipal({ grantee: this.function, actions: KEY_ACTIONS_READ, resourceArns: [props.ops.key.keyArn], conditions: viaDynamoDb });
    iam.Grant.addToPrincipal({ grantee: this.function, actions: ['dynamodb:GetItem', 'dynamodb:UpdateItem'], resourceArns: [props.totals.table.tableArn] });
    iam.Grant.addToPrincipal({ grantee: this.function, actions: KEY_ACTIONS_WRITE, resourceArns: [props.totals.key.keyArn], conditions: viaDynamoDb });
  }
}
