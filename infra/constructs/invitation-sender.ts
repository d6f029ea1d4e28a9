import { Aws, Duration, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { keys } from '../../functions/src/data/keys.js';
import { ManyiFunction } from './manyi-function.js';
import { grantContactOpening } from './contact-opening.js';
import { KEY_ACTIONS_WRITE, type ManyiTable } from './manyi-table.js';

/**
 * The sending rate of 阳光测评 messages: how many sender Lambdas may run at once (the SQS event
 * source's maximum concurrency). Each works through ten messages, up to ten at a time, so the rate
 * is roughly `concurrency × 10 ÷ (seconds per message)`: keep it within the origination
 * identity's messages-per-second quota. SQS allows 2 to 1000.
 */
export const SMS_CONCURRENCY = { default: 2, min: 2, max: 1000 } as const;

/** `-c smsConcurrency=…`: a whole number within {@link SMS_CONCURRENCY}; absent → the default. */
export function smsConcurrencyFrom(value: unknown): number {
  if (value === undefined || value === '') return SMS_CONCURRENCY.default;
  const concurrency = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;
  if (typeof concurrency !== 'number' || !Number.isInteger(concurrency) || concurrency < SMS_CONCURRENCY.min || concurrency > SMS_CONCURRENCY.max) {
    throw new Error(`smsConcurrency must be a whole number of sender Lambdas from ${SMS_CONCURRENCY.min} to ${SMS_CONCURRENCY.max}, got ${JSON.stringify(value)}`);
  }
  return concurrency;
}

/** An End User Messaging SMS ARN of a phone pool, a phone number or a sender id. */
const IDENTITY_ARN = /^arn:aws[a-z-]*:sms-voice:[a-z0-9-]+:\d{12}:(pool|phone-number|sender-id)\/\S+$/;
/** The ids SendTextMessage takes in place of an ARN (in the deploying account and region). */
const IDENTITY_ID = /^(pool|phone)-[0-9a-z]+$/;

/** Messages received this often without being deleted go to the dead-letter queue. */
export const MAX_RECEIVE_COUNT = 5;
const SENDER_TIMEOUT = Duration.seconds(30);

export interface InvitationSenderProps {
  prefix: string;
  ops: ManyiTable;
  contacts: ManyiTable;
  /** The contact-sealing key: the sender may Decrypt with it (its messages need the number), never Encrypt. */
  contactSealingKey: kms.IKey;
  /** The tables, auth and key settings every function of the API gets (config.ts validates them). */
  environment: Record<string, string>;
  /**
   * `-c smsOriginationIdentity=…`: the ARN (or pool-/phone- id) of the phone pool, phone number or
   * sender id to send from. Unset (AWS China has no End User Messaging SMS, or it is not set up
   * yet): the queue and the sender exist, but the sender is not fed and may send nothing, so the
   * send jobs' messages wait in the queue (14 days) instead of being marked failed; they go out
   * once the identity is set and deployed, those past their round's deadline being dropped.
   */
  originationIdentity?: string | undefined;
  /** The sending rate: see {@link SMS_CONCURRENCY}. */
  maxConcurrency?: number;
}

/**
 * 阳光测评 invitations in AWS (issue 13 §4, docs/decisions/0022-invitations.md): the queue the send
 * and remind jobs fill with {round, stratum, entry, kind}, its dead-letter queue, and the sender
 * Lambda (functions/src/handlers/queues/deliver-invitations.ts) that composes each message — a
 * fresh link, the number opened for that message only — and sends it by End User Messaging SMS.
 * The queues hold no number, token or text, and are encrypted (SSE-SQS) and TLS-only all the same.
 *
 * The sender's role may read a round and its sample items, write those items' state, put the
 * rating links it issues (by dynamodb:LeadingKeys), GetItem from the contact store, Decrypt with
 * the contact-sealing key under the sealer's encryption context, and send from one origination
 * identity: nothing else, not even the audit log.
 */
export class InvitationSender extends Construct {
  readonly queue: sqs.Queue;
  readonly deadLetterQueue: sqs.Queue;
  readonly function: ManyiFunction;
  readonly maxConcurrency: number;
  /** The origination identity messages are sent from, when configured (else nothing is sent: the outbox keeps them). */
  readonly originationIdentity: string | undefined;
  private readonly identityArn: string | undefined;

  constructor(scope: Construct, id: string, props: InvitationSenderProps) {
    super(scope, id);
    const { ops, contacts } = props;
    this.maxConcurrency = smsConcurrencyFrom(props.maxConcurrency);

    this.deadLetterQueue = new sqs.Queue(this, 'DeadLetters', {
      queueName: `${props.prefix}-invitations-dlq`,
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    this.queue = new sqs.Queue(this, 'Queue', {
      queueName: `${props.prefix}-invitations`,
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      // Six times the sender's timeout (AWS's advice for Lambda event sources), so a batch still
      // being retried inside the function is never handed to a second one.
      visibilityTimeout: Duration.seconds(SENDER_TIMEOUT.toSeconds() * 6),
      // As long as SQS keeps anything: messages wait out a sender that is not fed yet (see originationIdentity).
      retentionPeriod: Duration.days(14),
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: MAX_RECEIVE_COUNT },
    });

    const identity = props.originationIdentity;
    const identityArn = identity === undefined ? undefined : originationIdentityArn(this, identity);
    this.originationIdentity = identity;
    this.identityArn = identityArn;
    // Every message carries its link: without the public address it would point at localhost (config.ts's default).
    if (identity !== undefined && !props.environment.PUBLIC_BASE_URL) {
      throw new Error('smsOriginationIdentity needs -c publicBaseUrl=https://… (or -c domainName): the invitation links point there');
    }
    this.function = new ManyiFunction(this, 'Function', {
      entry: 'functions/src/handlers/queues/deliver-invitations.ts',
      description: `${props.prefix} invitation sender (sampling rounds: SQS to End User Messaging SMS)`,
      environment: { ...props.environment, ...(identity ? { SMS_ORIGINATION_IDENTITY: identity } : {}) },
      timeout: SENDER_TIMEOUT,
    });
    this.function.addEventSource(
      new SqsEventSource(this.queue, {
        batchSize: 10,
        reportBatchItemFailures: true,
        maxConcurrency: this.maxConcurrency,
        // Not fed without an origination identity: it would have nothing to send with.
        enabled: identity !== undefined,
      }),
    );

    // Ops items by partition key (functions/src/data/keys.ts): the round (GetItem), its sample
    // items (GetItem, UpdateItem: queued → sent | failed, the reminder count) and the rating
    // links it issues (PutItem, conditional on a new key). The table key through DynamoDB only.
    const opsItems: { actions: string[]; leadingKeys: string[] }[] = [
      { actions: ['dynamodb:GetItem'], leadingKeys: [keys.round('*').pk, keys.roundSamplePartition('*')] },
      { actions: ['dynamodb:UpdateItem'], leadingKeys: [keys.roundSamplePartition('*')] },
      { actions: ['dynamodb:PutItem'], leadingKeys: [keys.ratingLink('*').pk] },
    ];
    for (const { actions, leadingKeys } of opsItems) {
      iam.Grant.addToPrincipal({
        grantee: this.function,
        actions,
        resourceArns: [ops.table.tableArn],
        conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': leadingKeys } },
      });
    }
    const viaDynamoDb = { StringEquals: { 'kms:ViaService': `dynamodb.${Aws.REGION}.${Aws.URL_SUFFIX}` } };
    iam.Grant.addToPrincipal({ grantee: this.function, actions: KEY_ACTIONS_WRITE, resourceArns: [ops.key.keyArn], conditions: viaDynamoDb });
    // The contact store: one GetItem of the sealed number per message, opened for 回访 only.
    grantContactOpening(this.function, contacts, props.contactSealingKey);
    if (identityArn) {
      iam.Grant.addToPrincipal({ grantee: this.function, actions: ['sms-voice:SendTextMessage'], resourceArns: [identityArn] });
    }
  }

  /**
   * A route that sends one message itself (a 差评's 回访 link, issue 15 §2): SendTextMessage from the
   * same origination identity, when one is configured; without one, nothing (the route's outbox).
   */
  grantSend(grantee: iam.IGrantable): void {
    if (this.identityArn) iam.Grant.addToPrincipal({ grantee, actions: ['sms-voice:SendTextMessage'], resourceArns: [this.identityArn] });
  }

  /** The send and remind jobs: put messages on the queue (SendMessageBatch is authorised as SendMessage), nothing else. */
  grantEnqueue(grantee: iam.IGrantable): void {
    iam.Grant.addToPrincipal({ grantee, actions: ['sqs:SendMessage'], resourceArns: [this.queue.queueArn] });
  }
}

function originationIdentityArn(scope: Construct, identity: string): string {
  if (IDENTITY_ARN.test(identity)) return identity;
  const id = IDENTITY_ID.exec(identity);
  if (!id) {
    throw new Error(
      `smsOriginationIdentity must be the ARN of an End User Messaging SMS pool, phone number or sender id, or a pool-/phone- id, got ${JSON.stringify(identity)}`,
    );
  }
  return Stack.of(scope).formatArn({ service: 'sms-voice', resource: id[1] === 'pool' ? 'pool' : 'phone-number', resourceName: identity });
}
