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
  /** A DynamoDB stream of the table's changes, old and new images (the rollups' source, decision 0031). */
  stream?: 'NEW_AND_OLD_IMAGES';
}

/** Single table for operational data: units, halls, windows, staff, accounts, ratings, cases. */
export const OPS_TABLE: TableDefinition = {
  logicalName: 'ops',
  partitionKey: 'pk',
  sortKey: 'sk',
  timeToLiveAttribute: 'expiresAt',
  globalIndexes: [
    // Units and windows of a unit subtree (org tree, scoped window lists): begins_with on subtreeKey.
    { indexName: 'bySubtree', partitionKey: 'treeKey', sortKey: 'subtreeKey' },
    // Children of one unit, paginated.
    { indexName: 'unitsByParent', partitionKey: 'parentKey', sortKey: 'pk' },
  ],
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

/**
 * Audit log (审计日志): append-only. Its own table so that the application's roles can be granted
 * PutItem (with a not-exists condition) and reads, but never UpdateItem or DeleteItem. Entries
 * expire after 400 days, beyond the 180 days GB/T 22239 asks for.
 */
export const AUDIT_TABLE: TableDefinition = {
  logicalName: 'audit',
  partitionKey: 'pk',
  sortKey: 'sk',
  timeToLiveAttribute: 'expiresAt',
  globalIndexes: [{ indexName: 'byActor', partitionKey: 'actorKey', sortKey: 'sk' }],
  isolation: 'append-only audit trail: no update or delete grant for any application role',
};

/**
 * The ballot box of 民主评议 (decision 0027): one item per ballot — group and choices under a
 * random key, nothing else. Its own table so that it can have no stream (a stream would carry each
 * ballot's write time), no TTL, and grants of its own: casting may only PutItem, the tally only
 * Query; nothing updates or deletes a ballot.
 */
export const BALLOTS_TABLE: TableDefinition = {
  logicalName: 'ballots',
  partitionKey: 'pk',
  sortKey: 'sk',
  globalIndexes: [],
  isolation: 'the secret ballot: no stream, no TTL; casting puts, the tally queries, nothing updates or deletes',
};

/**
 * Running totals (decision 0031): the window-day totals every rating adds to in its transaction,
 * and the rollups the stream consumer keeps from them (window × month, unit × month and unit × day).
 * Its own table so that it can have a stream without the ratings in it: a stream carries every
 * change with its time to the second for 24 hours, and a rating is kept to the day (0002). What
 * the stream carries here is counters only — no rating id, comment, phone number or device.
 */
export const TOTALS_TABLE: TableDefinition = {
  logicalName: 'totals',
  partitionKey: 'pk',
  sortKey: 'sk',
  globalIndexes: [],
  isolation: 'running totals with a stream for the rollups: counters only, never a rating',
  stream: 'NEW_AND_OLD_IMAGES',
};

export const TABLES = [OPS_TABLE, CONTACTS_TABLE, AUDIT_TABLE, BALLOTS_TABLE, TOTALS_TABLE] as const;

/** The physical names of the data layer's tables, by role. */
export interface DataTables {
  ops: string;
  contacts: string;
  audit: string;
  /** The ballot box of 民主评议 (decision 0027). */
  ballots: string;
  /** Window-day totals and their rollups (decision 0031). */
  totals: string;
}

/** DataTables from physical names by logical name (what createTables and the stacks return). */
export function dataTables(names: Readonly<Record<string, string | undefined>>): DataTables {
  const name = (table: TableDefinition) => {
    const found = names[table.logicalName];
    if (!found) throw new Error(`no table named for ${table.logicalName}`);
    return found;
  };
  return { ops: name(OPS_TABLE), contacts: name(CONTACTS_TABLE), audit: name(AUDIT_TABLE), ballots: name(BALLOTS_TABLE), totals: name(TOTALS_TABLE) };
}

export function physicalTableName(prefix: string, table: TableDefinition): string {
  return `${prefix}-${table.logicalName}`;
}
