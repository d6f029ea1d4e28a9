import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, QueryCommand, TransactWriteCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { batchGetItems } from './batch-get.js';
import { keys } from './keys.js';
import { UnitMoveInProgressError } from './units.js';
import { setExpression } from './set-expression.js';
import { decodeCursor, encodeCursor, type Page } from './page-cursor.js';

/** 事项: a service item handled at a window (code optional, e.g. from the provincial item catalogue). */
export interface ServiceItem {
  code?: string;
  name: string;
}

/** 窗口 */
export interface WindowRecord {
  code: string;
  unitId: string;
  hallId: string;
  name: string;
  active: boolean;
  staffOnDutyIds: string[];
  surveyId: string;
  surveyVersion: number;
  /** Staff assigned to the window; those on duty now are `staffOnDutyIds` (a subset). */
  staffIds?: string[];
  serviceItems?: ServiceItem[];
  /** Ids from the root to the window's unit; kept in step by unit moves (see units.ts). */
  unitPath?: string[];
}

/** The random window code is already used by another window (retry with a new one). */
export class WindowCodeTakenError extends Error {
  override name = 'WindowCodeTakenError';
}

export class WindowMissingError extends Error {
  override name = 'WindowMissingError';
}

export type WindowChanges = Partial<Pick<WindowRecord, 'name' | 'active' | 'serviceItems' | 'staffIds' | 'staffOnDutyIds' | 'hallId'>>;

export interface WindowStore {
  get(code: string): Promise<WindowRecord | undefined>;
  /** Several windows by code, in BatchGets (the missing ones left out). */
  getMany(codes: string[]): Promise<Map<string, WindowRecord>>;
  /** Unconditional write (seed, fixtures); `unitPath` must be set. */
  put(window: WindowRecord & { unitPath: string[] }): Promise<void>;
  /** Create a window under a never-used code (conditional put); WindowCodeTakenError otherwise. */
  create(window: WindowRecord & { unitPath: string[] }): Promise<void>;
  update(code: string, changes: WindowChanges): Promise<WindowRecord>;
  /** Windows of the subtree at `path` (the unit and all its descendants), by unit path then code. */
  listSubtree(path: readonly string[], options?: { limit?: number; cursor?: string | undefined }): Promise<Page<WindowRecord>>;
  /** Windows of exactly the unit at `path`. */
  listUnit(path: readonly string[], options?: { limit?: number; cursor?: string | undefined }): Promise<Page<WindowRecord>>;
}

export function windowIndexAttributes(window: { code: string; unitPath: readonly string[] }) {
  return { treeKey: keys.treeKey(window.unitPath[0]!), subtreeKey: keys.windowSubtreeKey(window.unitPath, window.code) };
}

export function toWindow(item: Record<string, unknown>): WindowRecord {
  const { pk: _pk, sk: _sk, kind: _kind, treeKey: _t, subtreeKey: _s, ...rest } = item;
  return rest as unknown as WindowRecord;
}

const clampLimit = (limit: number | undefined) => Math.min(Math.max(limit ?? 100, 1), 500);

export function createWindowStore(doc: DynamoDBDocumentClient, table: string): WindowStore {
  const item = (window: WindowRecord & { unitPath: string[] }) => ({
    ...keys.window(window.code),
    kind: 'window',
    staffIds: window.staffIds ?? window.staffOnDutyIds,
    serviceItems: window.serviceItems ?? [],
    ...window,
    ...windowIndexAttributes(window),
  });

  async function list(prefix: string, path: readonly string[], options: { limit?: number; cursor?: string | undefined }): Promise<Page<WindowRecord>> {
    const treeKey = keys.treeKey(path[0]!);
    const page = await doc.send(
      new QueryCommand({
        TableName: table,
        IndexName: 'bySubtree',
        KeyConditionExpression: 'treeKey = :tree AND begins_with(subtreeKey, :prefix)',
        ExpressionAttributeValues: { ':tree': treeKey, ':prefix': prefix },
        ExclusiveStartKey: decodeCursor(options.cursor, { treeKey, subtreeKey: (value) => value.startsWith(prefix) }),
        Limit: clampLimit(options.limit),
      }),
    );
    const cursor = encodeCursor(page.LastEvaluatedKey);
    return { items: (page.Items ?? []).map(toWindow), ...(cursor ? { cursor } : {}) };
  }

  return {
    async get(code) {
      const { Item } = await doc.send(new GetCommand({ TableName: table, Key: keys.window(code) }));
      return Item ? toWindow(Item) : undefined;
    },

    async getMany(codes) {
      const found = await batchGetItems(doc, table, codes.map((code) => keys.window(code)));
      return new Map(found.map((item) => [String(item.code), toWindow(item)]));
    },

    async put(window) {
      await doc.send(new PutCommand({ TableName: table, Item: item(window) }));
    },

    async create(window) {
      // Like a unit (units.ts, create): the window's unit must still have the path the window is
      // written with, and no unit on that path may be moving, or the move's listing could miss
      // the window and leave it with a path that no longer exists.
      const [unitId, ...above] = [...window.unitPath].reverse();
      try {
        await doc.send(
          new TransactWriteCommand({
            TransactItems: [
              { Put: { TableName: table, Item: item(window), ConditionExpression: 'attribute_not_exists(pk)' } },
              {
                ConditionCheck: {
                  TableName: table,
                  Key: keys.unit(unitId ?? window.unitId),
                  ConditionExpression: '#path = :path AND attribute_not_exists(movingTo)',
                  ExpressionAttributeNames: { '#path': 'path' },
                  ExpressionAttributeValues: { ':path': window.unitPath },
                },
              },
              ...above.map((id) => ({ ConditionCheck: { TableName: table, Key: keys.unit(id), ConditionExpression: 'attribute_not_exists(movingTo)' } })),
            ],
          }),
        );
      } catch (error) {
        if (!(error instanceof TransactionCanceledException)) throw error;
        const [put] = error.CancellationReasons ?? [];
        if (put?.Code === 'ConditionalCheckFailed') throw new WindowCodeTakenError(`window code ${window.code} is taken`);
        throw new UnitMoveInProgressError('unitId', 'is being moved or was just moved; try again when the move is finished');
      }
    },

    async update(code, changes) {
      const entries = Object.entries(changes).filter(([, value]) => value !== undefined);
      if (entries.length === 0) {
        const current = await this.get(code);
        if (!current) throw new WindowMissingError(code);
        return current;
      }
      try {
        const { Attributes } = await doc.send(
          new UpdateCommand({
            TableName: table,
            Key: keys.window(code),
            ...setExpression(Object.fromEntries(entries)),
            ConditionExpression: 'attribute_exists(pk)',
            ReturnValues: 'ALL_NEW',
          }),
        );
        return toWindow(Attributes!);
      } catch (error) {
        if (error instanceof ConditionalCheckFailedException) throw new WindowMissingError(code, { cause: error });
        throw error;
      }
    },

    listSubtree: (path, options = {}) => list(keys.windowSubtreePrefix(path), path, options),
    listUnit: (path, options = {}) => list(`${keys.windowSubtreePrefix(path)}#`, path, options),
  };
}
