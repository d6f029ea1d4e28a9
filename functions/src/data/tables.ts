/**
 * The one definition of every DynamoDB table, read by the CDK data stack, the local runtime and
 * the tests. Keys are strings named pk / sk; indexes are named after the query they serve.
 */
export interface TableDefinition {
  /** Logical name; the physical name is `${prefix}-${logicalName}`. */
  logicalName: string;
  partitionKey: string;
  sortKey?: string;
  timeToLiveAttribute?: string;
  globalIndexes: { indexName: string; partitionKey: string; sortKey?: string }[];
  /** Why this table stands alone, when it does. */
  isolation?: string;
}

/** Single table for operational data: units, halls, windows, staff, accounts, ratings, totals. */
export const OPS_TABLE: TableDefinition = {
  logicalName: 'ops',
  partitionKey: 'pk',
  sortKey: 'sk',
  timeToLiveAttribute: 'expiresAt',
  globalIndexes: [],
};

/**
 * Contact store: encrypted phone numbers for 回访, nothing else. Its own table, key and grants so
 * that no role that reads ratings can read phone numbers, and purging is a table-local TTL.
 */
export const CONTACTS_TABLE: TableDefinition = {
  logicalName: 'contacts',
  partitionKey: 'pk',
  timeToLiveAttribute: 'expiresAt',
  globalIndexes: [],
  isolation: 'phone numbers (PIPL): separate table, KMS key and IAM grants',
};

export const TABLES = [OPS_TABLE, CONTACTS_TABLE] as const;

export function physicalTableName(prefix: string, table: TableDefinition): string {
  return `${prefix}-${table.logicalName}`;
}
