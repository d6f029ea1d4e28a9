import { Aws, RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { physicalTableName, type TableDefinition } from '../../functions/src/data/tables.js';
import { ManyiKey } from './manyi-key.js';

/**
 * What a Lambda may do with a table. Deliberately narrower than CDK's `grantReadData` /
 * `grantWriteData`: no Scan (aggregates are never computed by scanning), no DeleteItem or
 * BatchWriteItem (nothing deletes; TTL purges), and `put-only` for the contact store, whose
 * writer must never read a phone number back.
 */
export type TableAccess = 'none' | 'read' | 'read-write' | 'put-only' | 'put-read' | 'read-put' | 'accounts-get' | 'delete-only' | 'update-only';

const READ_ACTIONS = ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query', 'dynamodb:ConditionCheckItem'];
/** TransactWriteItems has no IAM action of its own: each Put / Update / ConditionCheck is authorised as itself. */
const WRITE_ACTIONS = ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:ConditionCheckItem'];
const ACTIONS: Record<TableAccess, string[]> = {
  none: [],
  read: READ_ACTIONS,
  'read-write': [...new Set([...READ_ACTIONS, ...WRITE_ACTIONS])],
  'put-only': ['dynamodb:PutItem'],
  /** The audit log's reader (the auditor's routes): append and read, never update or delete. */
  'put-read': ['dynamodb:PutItem', 'dynamodb:GetItem', 'dynamodb:Query'],
  /** Reads plus PutItem, never UpdateItem: a report export reads totals and registers its file (EXPORT# items). */
  'read-put': [...READ_ACTIONS, 'dynamodb:PutItem'],
  /**
   * GetItem of account items only (partition keys `ACCOUNT#…`, by dynamodb:LeadingKeys): in AWS
   * every signed-in request reads the caller's role and scope from our accounts table
   * (functions/src/auth/account-principals.ts), including routes that touch no other ops data.
   */
  'accounts-get': ['dynamodb:GetItem'],
  /** The contact store's purge on a round's close: DeleteItem only, never a read of what it deletes. */
  'delete-only': ['dynamodb:DeleteItem'],
  /** The totals' writers (a rating's transaction, a case's step): ADD to counters, never a read or a Put. */
  'update-only': ['dynamodb:UpdateItem'],
};

/** The partition keys an `accounts-get` grant may read (keys.account in functions/src/data/keys.ts). */
export const ACCOUNT_LEADING_KEYS = ['ACCOUNT#*'];

/**
 * With a customer-managed key, DynamoDB calls KMS as the caller, so the caller needs the key too,
 * but only through DynamoDB (kms:ViaService): a role holding these can never decrypt anything
 * with the table key directly. Spelled out instead of CDK's `kms:ReEncrypt*` / `GenerateDataKey*`.
 */
export const KEY_ACTIONS_READ = ['kms:Decrypt', 'kms:DescribeKey'];
/** Exported for item-level grants made outside this construct (route-group.ts grantItems). */
export const KEY_ACTIONS_WRITE = [
  'kms:Decrypt',
  'kms:DescribeKey',
  'kms:Encrypt',
  'kms:GenerateDataKey',
  'kms:GenerateDataKeyWithoutPlaintext',
  'kms:ReEncryptFrom',
  'kms:ReEncryptTo',
];

export interface ManyiTableProps {
  /** The table as defined once in functions/src/data/tables.ts. */
  definition: TableDefinition;
  prefix: string;
}

/**
 * One DynamoDB table from the shared definition, with the house defaults: on-demand, point-in-time
 * recovery, deletion protection, TTL, retained on stack deletion, and encrypted under a key of its
 * own so that grants on one table's key never open another table.
 */
export class ManyiTable extends Construct {
  readonly table: dynamodb.Table;
  readonly key: ManyiKey;
  readonly definition: TableDefinition;

  constructor(scope: Construct, id: string, props: ManyiTableProps) {
    super(scope, id);
    const { definition, prefix } = props;
    this.definition = definition;
    const tableName = physicalTableName(prefix, definition);

    this.key = new ManyiKey(this, 'Key', {
      alias: `${prefix}/${definition.logicalName}-table`,
      description: `Encrypts the ${tableName} DynamoDB table${definition.isolation ? ` (${definition.isolation})` : ''}`,
    });

    const attribute = (name: string): dynamodb.Attribute => ({ name, type: dynamodb.AttributeType.STRING });
    this.table = new dynamodb.Table(this, 'Table', {
      tableName,
      partitionKey: attribute(definition.partitionKey),
      ...(definition.sortKey ? { sortKey: attribute(definition.sortKey) } : {}),
      ...(definition.timeToLiveAttribute ? { timeToLiveAttribute: definition.timeToLiveAttribute } : {}),
      ...(definition.stream ? { stream: dynamodb.StreamViewType[definition.stream] } : {}),
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: true,
      encryption: dynamodb.TableEncryption.CUSTOMER_MANAGED,
      encryptionKey: this.key,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    for (const index of definition.globalIndexes) {
      this.table.addGlobalSecondaryIndex({
        indexName: index.indexName,
        partitionKey: attribute(index.partitionKey),
        ...(index.sortKey ? { sortKey: attribute(index.sortKey) } : {}),
        projectionType: dynamodb.ProjectionType.ALL,
      });
    }
  }

  /**
   * Grant exactly `access` on this table (and its named indexes, never `index/*`) plus the use of
   * its key through DynamoDB. Always an identity policy on the grantee, so a grant from another
   * stack never edits this (retained) stack.
   */
  grant(grantee: iam.IGrantable, access: TableAccess): void {
    const actions = ACTIONS[access];
    if (actions.length === 0) return;
    const readsIndexes = actions.includes('dynamodb:Query');
    const resourceArns = [
      this.table.tableArn,
      ...(readsIndexes ? this.definition.globalIndexes.map((index) => `${this.table.tableArn}/index/${index.indexName}`) : []),
    ];
    iam.Grant.addToPrincipal({
      grantee,
      actions,
      resourceArns,
      ...(access === 'accounts-get' ? { conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ACCOUNT_LEADING_KEYS } } } : {}),
    });
    iam.Grant.addToPrincipal({
      grantee,
      actions: access === 'read' || access === 'accounts-get' ? KEY_ACTIONS_READ : KEY_ACTIONS_WRITE,
      resourceArns: [this.key.keyArn],
      conditions: { StringEquals: { 'kms:ViaService': `dynamodb.${Aws.REGION}.${Aws.URL_SUFFIX}` } },
    });
  }
}

/**
 * Item-level grants on a table: each set of actions only on items whose partition key matches its
 * `leadingKeys` (dynamodb:LeadingKeys), and the table's key through DynamoDB for the writes.
 */
export function grantItems(table: ManyiTable, grantee: iam.IGrantable, grants: readonly { actions: string[]; leadingKeys: string[] }[]): void {
  for (const { actions, leadingKeys } of grants) {
    iam.Grant.addToPrincipal({
      grantee,
      actions,
      resourceArns: [table.table.tableArn],
      conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': leadingKeys } },
    });
  }
  iam.Grant.addToPrincipal({
    grantee,
    actions: KEY_ACTIONS_WRITE,
    resourceArns: [table.key.keyArn],
    conditions: { StringEquals: { 'kms:ViaService': `dynamodb.${Aws.REGION}.${Aws.URL_SUFFIX}` } },
  });
}
