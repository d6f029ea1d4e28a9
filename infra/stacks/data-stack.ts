import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { AUDIT_TABLE, BALLOTS_TABLE, CONTACTS_TABLE, OPS_TABLE, TABLES, TOTALS_TABLE, type TableDefinition } from '../../functions/src/data/tables.js';
import { ManyiKey } from '../constructs/manyi-key.js';
import { ManyiTable } from '../constructs/manyi-table.js';
import { StaffUserPool } from '../constructs/staff-user-pool.js';

export interface DataStackProps extends StackProps {
  prefix: string;
}

/**
 * Everything stateful: the tables, their keys, the contact-sealing key, the anti-stuffing client
 * key and the staff user pool.
 * Termination-protected, and every resource is retained if the stack is deleted anyway.
 */
export class DataStack extends Stack {
  /** One table per entry of TABLES, by logical name. */
  readonly tables: ReadonlyMap<string, ManyiTable>;
  readonly ops: ManyiTable;
  readonly contacts: ManyiTable;
  /** Append-only audit log (审计日志). */
  readonly audit: ManyiTable;
  /** The ballot box of 民主评议 (decision 0027): no stream, no TTL. */
  readonly ballots: ManyiTable;
  /** Window-day totals and their rollups, with the stream the rollups are kept from (decision 0031). */
  readonly totals: ManyiTable;
  /**
   * Seals phone numbers (KMS Encrypt) before they reach the contact store. Separate from the
   * contact table's key: the rating writer may Encrypt with it but never Decrypt, while the table
   * key must allow Decrypt (through DynamoDB) to anyone who writes the table. Only a future 回访
   * role gets Decrypt here.
   */
  readonly contactSealingKey: ManyiKey;
  /**
   * Root of the anti-stuffing day keys (decision 0015-anti-stuffing, shared/src/domain/client-key.ts):
   * an HMAC_256 key that only the rating and sign-in functions and the web server (which forwards
   * the viewer's client) may use, and only for kms:GenerateMac of the day's message
   * (functions/src/data/kms-keyring.ts); the root never leaves KMS. KMS cannot
   * rotate HMAC keys, and need not: the keys that hash clients and devices change every China-time
   * day by construction, and a new root would only reset counters that expire within the hour.
   */
  readonly clientKey: ManyiKey;
  readonly staff: StaffUserPool;

  constructor(scope: Construct, id: string, props: DataStackProps) {
    super(scope, id, { terminationProtection: true, ...props });
    const { prefix } = props;

    this.tables = new Map(
      TABLES.map((definition) => [definition.logicalName, new ManyiTable(this, constructId(definition), { definition, prefix })]),
    );
    this.ops = this.table(OPS_TABLE);
    this.contacts = this.table(CONTACTS_TABLE);
    this.audit = this.table(AUDIT_TABLE);
    this.ballots = this.table(BALLOTS_TABLE);
    this.totals = this.table(TOTALS_TABLE);
    this.contactSealingKey = new ManyiKey(this, 'ContactSealingKey', {
      alias: `${prefix}/contact-sealing`,
      description: 'Seals 回访 phone numbers before they are stored (KMS Encrypt by the rating writer only)',
    });
    this.clientKey = new ManyiKey(this, 'ClientKey', {
      alias: `${prefix}/client-key`,
      description: 'Root of the anti-stuffing day keys (KMS GenerateMac by the rating and sign-in functions and the web server only; HMAC keys do not rotate, the day keys do)',
      usage: 'mac',
    });
    this.staff = new StaffUserPool(this, 'Staff', { prefix });

    new CfnOutput(this, 'StaffUserPoolId', { value: this.staff.userPool.userPoolId });
    new CfnOutput(this, 'StaffUserPoolClientId', { value: this.staff.client.userPoolClientId });
  }

  table(definition: TableDefinition): ManyiTable {
    const table = this.tables.get(definition.logicalName);
    if (!table) throw new Error(`table ${definition.logicalName} is not in TABLES`);
    return table;
  }
}

/**
 * `ops` → `OpsTable`. The id follows the logical name, so renaming a table in tables.ts creates a
 * new table (the old one is retained, not deleted).
 */
function constructId(definition: TableDefinition): string {
  const pascal = definition.logicalName.replace(/(^|[-_])(\w)/g, (_, __, letter: string) => letter.toUpperCase());
  return `${pascal}Table`;
}
