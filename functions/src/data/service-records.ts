import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { GetCommand, TransactWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { keys } from './keys.js';

/**
 * 办件 (issue 13 §1; decision 0018). Two items per record, written in one transaction with the
 * sealed mobile number (contact store) when there is one:
 *
 * - `SREC#{unitId}#{projNo}` / META: the record; its existence is the projNo claim of the unit, so
 *   the same projNo is stored once whatever the retries;
 * - `SRECS#{unitId}#{YYYY-MM}` / `{finishedAt, UTC ISO}#{projNo}`: its copy in the unit's month
 *   (China time), in finishing order, which a round's frame reads.
 *
 * No phone number is in either: `phoneKey` is a keyed pseudonym (HMAC under a key the data layer
 * never sees) and `contactId` points into the contact store, whose item expires long before the
 * record does.
 */
export interface ServiceRecord {
  unitId: string;
  projNo: string;
  windowCode?: string;
  serviceItem: string;
  staffNo?: string;
  /** UTC ISO 8601 (normalised from the pushed offset). */
  finishedAt: string;
  /** China-time day and month of finishedAt. */
  day: string;
  month: string;
  servedVia: string;
  applicantType: string;
  phoneKey?: string;
  contactId?: string;
  /** SHA-256 of the record as pushed (with the pseudonym in place of the number): same push ⇔ same fingerprint. */
  fingerprint: string;
  clientId: string;
  storedAt: string;
  /** Unix seconds (TTL). */
  expiresAt: number;
}

export interface RecordContact {
  contactId: string;
  kind: 'service-record';
  unitId: string;
  projNo: string;
  sealedPhone: string;
  /** Unix seconds (TTL): the number goes long before the record. */
  expiresAt: number;
}

export type StoreOutcome = { stored: true } | { stored: false; existing: ServiceRecord };

export interface ServiceRecordStore {
  /** Both items (and the contact) if the projNo is new for the unit; otherwise the record already there. */
  store(record: ServiceRecord, contact?: RecordContact): Promise<StoreOutcome>;
  get(unitId: string, projNo: string): Promise<ServiceRecord | undefined>;
}

const FIELDS = ['unitId', 'projNo', 'windowCode', 'serviceItem', 'staffNo', 'finishedAt', 'day', 'month', 'servedVia', 'applicantType', 'phoneKey', 'contactId', 'fingerprint', 'clientId', 'storedAt', 'expiresAt'] as const;

export function toServiceRecord(item: Record<string, unknown>): ServiceRecord {
  const record: Record<string, unknown> = {};
  for (const field of FIELDS) if (item[field] !== undefined) record[field] = item[field];
  return record as unknown as ServiceRecord;
}

export function createServiceRecordStore(doc: DynamoDBDocumentClient, tables: { ops: string; contacts: string }): ServiceRecordStore {
  const store: ServiceRecordStore = {
    async store(record, contact) {
      const claim = keys.serviceRecord(record.unitId, record.projNo);
      try {
        await doc.send(
          new TransactWriteCommand({
            TransactItems: [
              {
                Put: {
                  TableName: tables.ops,
                  Item: { ...claim, kind: 'service-record', ...record },
                  ConditionExpression: 'attribute_not_exists(pk)',
                  ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
                },
              },
              { Put: { TableName: tables.ops, Item: { ...keys.serviceRecordListing(record.unitId, record.month, record.finishedAt, record.projNo), kind: 'service-record-listing', ...record } } },
              ...(contact ? [{ Put: { TableName: tables.contacts, Item: { ...keys.contact(contact.contactId), ...contact }, ConditionExpression: 'attribute_not_exists(pk)' } }] : []),
            ],
          }),
        );
        return { stored: true };
      } catch (error) {
        if (!(error instanceof TransactionCanceledException)) throw error;
        const old = error.CancellationReasons?.[0];
        if (old?.Code === 'ConditionalCheckFailed') {
          const existing = await store.get(record.unitId, record.projNo);
          if (existing) return { stored: false, existing };
        }
        throw error;
      }
    },
    async get(unitId, projNo) {
      const { Item } = await doc.send(new GetCommand({ TableName: tables.ops, Key: keys.serviceRecord(unitId, projNo), ConsistentRead: true }));
      return Item ? toServiceRecord(Item) : undefined;
    },
  };
  return store;
}
