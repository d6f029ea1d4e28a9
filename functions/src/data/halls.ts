import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { GetCommand, QueryCommand, TransactWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { batchGetItems } from './batch-get.js';
import { keys } from './keys.js';
import { decodeCursor, encodeCursor, type Page } from './page-cursor.js';
import { setExpression } from './set-expression.js';

/** 服务大厅 */
export interface HallRecord {
  id: string;
  unitId: string;
  name: string;
  address: string;
  /** Archived halls take no new windows; windows already in one keep it. Never deleted. */
  archived?: boolean;
}

/** The random hall id is already taken (retry with a new one). */
export class HallIdTakenError extends Error {
  override name = 'HallIdTakenError';
}

export class HallMissingError extends Error {
  override name = 'HallMissingError';
}

export type HallChanges = Partial<Pick<HallRecord, 'name' | 'address' | 'archived'>>;

/**
 * 服务大厅. Two items per hall, always written together in one transaction: the record by id
 * (`HALL#{id}` / META, read by window cards) and its copy in the unit's listing
 * (`HALLSOF#{unitId}` / `HALL#{id}`), so the halls of a unit are one Query, never a scan.
 * A hall never changes its unit, so the listing key never moves.
 */
export interface HallStore {
  get(id: string): Promise<HallRecord | undefined>;
  getMany(ids: string[]): Promise<Map<string, HallRecord>>;
  /** Unconditional write of both items (demo seed, fixtures). */
  put(hall: HallRecord): Promise<void>;
  /** Create a hall under a never-used id; HallIdTakenError otherwise. */
  create(hall: HallRecord): Promise<void>;
  /** Change both items in one transaction; HallMissingError if the hall does not exist. */
  update(id: string, changes: HallChanges): Promise<HallRecord>;
  /** Halls of one unit by id, archived ones only when asked. */
  listUnit(unitId: string, options?: { limit?: number; cursor?: string | undefined; includeArchived?: boolean }): Promise<Page<HallRecord>>;
}

export function toHall(item: Record<string, unknown>): HallRecord {
  const hall: HallRecord = { id: String(item.id), unitId: String(item.unitId), name: String(item.name), address: String(item.address ?? '') };
  if (item.archived === true) hall.archived = true;
  return hall;
}

export function createHallStore(doc: DynamoDBDocumentClient, table: string): HallStore {
  const items = (hall: HallRecord) => [
    { ...keys.hall(hall.id), kind: 'hall', ...hall },
    { ...keys.hallListing(hall.unitId, hall.id), kind: 'hall-listing', ...hall },
  ];

  const store: HallStore = {
    async get(id) {
      const { Item } = await doc.send(new GetCommand({ TableName: table, Key: keys.hall(id), ConsistentRead: true }));
      return Item ? toHall(Item) : undefined;
    },

    async getMany(ids) {
      const found = await batchGetItems(doc, table, ids.map((id) => keys.hall(id)));
      return new Map(found.map((item) => [String(item.id), toHall(item)]));
    },

    async put(hall) {
      await doc.send(new TransactWriteCommand({ TransactItems: items(hall).map((Item) => ({ Put: { TableName: table, Item } })) }));
    },

    async create(hall) {
      try {
        await doc.send(
          new TransactWriteCommand({
            TransactItems: items(hall).map((Item) => ({ Put: { TableName: table, Item, ConditionExpression: 'attribute_not_exists(pk)' } })),
          }),
        );
      } catch (error) {
        if (error instanceof TransactionCanceledException && (error.CancellationReasons ?? []).some((r) => r.Code === 'ConditionalCheckFailed')) {
          throw new HallIdTakenError(`hall id ${hall.id} is taken`, { cause: error });
        }
        throw error;
      }
    },

    async update(id, changes) {
      const set = Object.fromEntries(Object.entries(changes).filter(([, value]) => value !== undefined));
      const current = await store.get(id);
      if (!current) throw new HallMissingError(id);
      if (Object.keys(set).length === 0) return current;
      // Two Updates (not Puts) so that concurrent changes of different fields do not undo each other.
      const update = (key: { pk: string; sk: string }) => ({
        Update: { TableName: table, Key: key, ...setExpression(set), ConditionExpression: 'attribute_exists(pk)' },
      });
      try {
        await doc.send(new TransactWriteCommand({ TransactItems: [update(keys.hall(id)), update(keys.hallListing(current.unitId, id))] }));
      } catch (error) {
        if (error instanceof TransactionCanceledException) throw new HallMissingError(id, { cause: error });
        throw error;
      }
      return (await store.get(id)) ?? { ...current, ...set };
    },

    async listUnit(unitId, options = {}) {
      const pk = keys.hallListingPartition(unitId);
      const page = await doc.send(
        new QueryCommand({
          TableName: table,
          KeyConditionExpression: 'pk = :pk',
          ...(options.includeArchived
            ? { ExpressionAttributeValues: { ':pk': pk } }
            : { FilterExpression: 'attribute_not_exists(archived) OR archived <> :true', ExpressionAttributeValues: { ':pk': pk, ':true': true } }),
          ExclusiveStartKey: decodeCursor(options.cursor, { pk }),
          Limit: Math.min(Math.max(options.limit ?? 100, 1), 500),
        }),
      );
      const cursor = encodeCursor(page.LastEvaluatedKey);
      return { items: (page.Items ?? []).map(toHall), ...(cursor ? { cursor } : {}) };
    },
  };
  return store;
}
