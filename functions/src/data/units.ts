import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { batchGetItems } from './batch-get.js';
import { keys } from './keys.js';
import { setExpression } from './set-expression.js';
import { decodeCursor, encodeCursor, type Page } from './page-cursor.js';

/** 单位: a node of the unit tree; `path` holds the ids from the root down to this unit. */
export interface UnitRecord {
  id: string;
  name: string;
  parentId: string | null;
  path: string[];
  /** Archived units are hidden from lists by default and take no new windows; never deleted once rated. */
  archived?: boolean;
}

/** A unit id (单位编码) is already taken. */
export class UnitExistsError extends Error {
  override name = 'UnitExistsError';
  constructor(readonly unitIds: string[]) {
    super(`unit already exists: ${unitIds.join(', ')}`);
  }
}

/** The unit changed (or vanished) between reading and writing it. */
export class UnitChangedError extends Error {
  override name = 'UnitChangedError';
}

/** Another move of the same unit is under way. */
export class UnitMoveInProgressError extends Error {
  override name = 'UnitMoveInProgressError';
}

export interface ListOptions {
  limit?: number;
  cursor?: string | undefined;
  includeArchived?: boolean;
}

export interface UnitStore {
  get(id: string): Promise<UnitRecord | undefined>;
  getMany(ids: string[]): Promise<Map<string, UnitRecord>>;
  /** Unconditional write (demo seed, fixtures). */
  put(unit: UnitRecord): Promise<void>;
  /** Create one unit; UnitExistsError if the id is taken. */
  create(unit: UnitRecord): Promise<void>;
  /** Create up to 100 units in one transaction: all of them or none (imports). */
  createAll(units: UnitRecord[]): Promise<void>;
  rename(id: string, name: string): Promise<UnitRecord>;
  setArchived(id: string, archived: boolean): Promise<UnitRecord>;
  children(parentId: string | null, options?: ListOptions): Promise<Page<UnitRecord>>;
  /** The unit at `path` and all its descendants, parents before children. */
  subtree(path: readonly string[], options?: ListOptions): Promise<Page<UnitRecord>>;
  /**
   * Move a unit (and its subtree) under a new parent, rewriting the path of every descendant unit
   * and window. Safe to re-run after a crash: see the comment in the implementation.
   */
  move(unit: UnitRecord, newParent: UnitRecord | null): Promise<{ units: number; windows: number }>;
}

/** The attributes that place a unit in the two org-tree indexes. */
export function unitIndexAttributes(unit: Pick<UnitRecord, 'path' | 'parentId'>) {
  return {
    treeKey: keys.treeKey(unit.path[0]!),
    subtreeKey: keys.unitSubtreeKey(unit.path),
    parentKey: keys.parentKey(unit.parentId),
  };
}

function toUnit(item: Record<string, unknown>): UnitRecord {
  const unit: UnitRecord = {
    id: String(item.id),
    name: String(item.name),
    parentId: (item.parentId as string | null | undefined) ?? null,
    path: item.path as string[],
  };
  if (item.archived === true) unit.archived = true;
  return unit;
}

const MAX_PAGE = 500;
const clampLimit = (limit: number | undefined) => Math.min(Math.max(limit ?? 100, 1), MAX_PAGE);
const TRANSACTION_ITEMS = 100;

export function createUnitStore(doc: DynamoDBDocumentClient, table: string): UnitStore {
  const item = (unit: UnitRecord) => ({ ...keys.unit(unit.id), kind: 'unit', ...unit, ...unitIndexAttributes(unit) });

  async function update(id: string, set: Record<string, unknown>): Promise<UnitRecord> {
    try {
      const { Attributes } = await doc.send(
        new UpdateCommand({
          TableName: table,
          Key: keys.unit(id),
          ...setExpression(set),
          ConditionExpression: 'attribute_exists(pk)',
          ReturnValues: 'ALL_NEW',
        }),
      );
      return toUnit(Attributes!);
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) throw new UnitChangedError(`unit ${id} does not exist`, { cause: error });
      throw error;
    }
  }

  async function queryPage(input: ConstructorParameters<typeof QueryCommand>[0], limit: number): Promise<Page<Record<string, unknown>>> {
    const page = await doc.send(new QueryCommand({ ...input, Limit: limit }));
    const cursor = encodeCursor(page.LastEvaluatedKey);
    return { items: page.Items ?? [], ...(cursor ? { cursor } : {}) };
  }

  async function queryAll(input: ConstructorParameters<typeof QueryCommand>[0]): Promise<Record<string, unknown>[]> {
    const all: Record<string, unknown>[] = [];
    let ExclusiveStartKey: Record<string, unknown> | undefined;
    do {
      const page = await doc.send(new QueryCommand({ ...input, ExclusiveStartKey }));
      all.push(...(page.Items ?? []));
      ExclusiveStartKey = page.LastEvaluatedKey;
    } while (ExclusiveStartKey);
    return all;
  }

  async function transact(actions: NonNullable<ConstructorParameters<typeof TransactWriteCommand>[0]['TransactItems']>): Promise<void> {
    for (let start = 0; start < actions.length; start += TRANSACTION_ITEMS) {
      await doc.send(new TransactWriteCommand({ TransactItems: actions.slice(start, start + TRANSACTION_ITEMS) }));
    }
  }

  const archivedFilter = (includeArchived: boolean | undefined) =>
    includeArchived ? {} : { FilterExpression: 'attribute_not_exists(archived) OR archived = :false' };
  const archivedValues = (includeArchived: boolean | undefined) => (includeArchived ? {} : { ':false': false });

  return {
    async get(id) {
      const { Item } = await doc.send(new GetCommand({ TableName: table, Key: keys.unit(id) }));
      return Item ? toUnit(Item) : undefined;
    },

    async getMany(ids) {
      const found = await batchGetItems(doc, table, ids.map((id) => keys.unit(id)));
      return new Map(found.map((item) => [String(item.id), toUnit(item)]));
    },


    async put(unit) {
      await doc.send(new PutCommand({ TableName: table, Item: item(unit) }));
    },

    async create(unit) {
      try {
        await doc.send(new PutCommand({ TableName: table, Item: item(unit), ConditionExpression: 'attribute_not_exists(pk)' }));
      } catch (error) {
        if (error instanceof ConditionalCheckFailedException) throw new UnitExistsError([unit.id]);
        throw error;
      }
    },

    async createAll(units) {
      if (units.length === 0) return;
      if (units.length > TRANSACTION_ITEMS) throw new RangeError(`at most ${TRANSACTION_ITEMS} units per transaction`);
      try {
        await doc.send(
          new TransactWriteCommand({
            TransactItems: units.map((unit) => ({
              Put: { TableName: table, Item: item(unit), ConditionExpression: 'attribute_not_exists(pk)' },
            })),
          }),
        );
      } catch (error) {
        if (!(error instanceof TransactionCanceledException)) throw error;
        const taken = (error.CancellationReasons ?? [])
          .map((reason, i) => (reason.Code === 'ConditionalCheckFailed' ? units[i]!.id : undefined))
          .filter((id): id is string => id !== undefined);
        if (taken.length > 0) throw new UnitExistsError(taken);
        throw error;
      }
    },

    rename: (id, name) => update(id, { name }),
    setArchived: (id, archived) => update(id, { archived }),

    async children(parentId, options = {}) {
      const parentKey = keys.parentKey(parentId);
      const page = await queryPage(
        {
          TableName: table,
          IndexName: 'unitsByParent',
          KeyConditionExpression: 'parentKey = :parent',
          ...archivedFilter(options.includeArchived),
          ExpressionAttributeValues: { ':parent': parentKey, ...archivedValues(options.includeArchived) },
          ExclusiveStartKey: decodeCursor(options.cursor, { parentKey }),
        },
        clampLimit(options.limit),
      );
      return { items: page.items.map(toUnit), ...(page.cursor ? { cursor: page.cursor } : {}) };
    },

    async subtree(path, options = {}) {
      const treeKey = keys.treeKey(path[0]!);
      const prefix = keys.unitSubtreeKey(path);
      const page = await queryPage(
        {
          TableName: table,
          IndexName: 'bySubtree',
          KeyConditionExpression: 'treeKey = :tree AND begins_with(subtreeKey, :prefix)',
          ...archivedFilter(options.includeArchived),
          ExpressionAttributeValues: { ':tree': treeKey, ':prefix': prefix, ...archivedValues(options.includeArchived) },
          ExclusiveStartKey: decodeCursor(options.cursor, { treeKey, subtreeKey: (value) => value.startsWith(prefix) }),
        },
        clampLimit(options.limit),
      );
      return { items: page.items.map(toUnit), ...(page.cursor ? { cursor: page.cursor } : {}) };
    },

    async move(unit, newParent) {
      const newPath = [...(newParent?.path ?? []), unit.id];
      const target = newParent?.id ?? null;
      // 1. Claim the move on the unit itself, so two different moves of one subtree never interleave.
      //    Re-running the same move after a crash passes this check (same target).
      try {
        await doc.send(
          new UpdateCommand({
            TableName: table,
            Key: keys.unit(unit.id),
            UpdateExpression: 'SET movingTo = :target',
            ConditionExpression: 'attribute_exists(pk) AND (attribute_not_exists(movingTo) OR movingTo = :target)',
            ExpressionAttributeValues: { ':target': target ?? 'ROOT' },
          }),
        );
      } catch (error) {
        if (error instanceof ConditionalCheckFailedException) throw new UnitMoveInProgressError(`unit ${unit.id} is being moved elsewhere`);
        throw error;
      }
      // 2. Rewrite descendants (units and windows) found under the OLD prefix, in transactions of
      //    at most 100 updates. Each update sets absolute values derived from the new path, so it is
      //    idempotent; a rewritten item leaves the old prefix, so a re-run after a crash finds only
      //    what is left to do. The unit itself still carries the old path until step 3.
      const oldPath = unit.path;
      const rewrite = (path: readonly string[]) => [...newPath, ...path.slice(oldPath.length)];
      const treeKey = keys.treeKey(oldPath[0]!);
      const [units, windows] = await Promise.all([
        queryAll({
          TableName: table,
          IndexName: 'bySubtree',
          KeyConditionExpression: 'treeKey = :tree AND begins_with(subtreeKey, :prefix)',
          ExpressionAttributeValues: { ':tree': treeKey, ':prefix': keys.unitSubtreeKey(oldPath) },
        }),
        queryAll({
          TableName: table,
          IndexName: 'bySubtree',
          KeyConditionExpression: 'treeKey = :tree AND begins_with(subtreeKey, :prefix)',
          ExpressionAttributeValues: { ':tree': treeKey, ':prefix': keys.windowSubtreePrefix(oldPath) },
        }),
      ]);
      const descendants = units.map(toUnit).filter((u) => u.id !== unit.id);
      const newTree = keys.treeKey(newPath[0]!);
      await transact([
        ...descendants.map((d) => {
          const path = rewrite(d.path);
          return {
            Update: {
              TableName: table,
              Key: keys.unit(d.id),
              UpdateExpression: 'SET #path = :path, treeKey = :tree, subtreeKey = :sub',
              ExpressionAttributeNames: { '#path': 'path' },
              ExpressionAttributeValues: { ':path': path, ':tree': newTree, ':sub': keys.unitSubtreeKey(path) },
            },
          };
        }),
        ...windows.map((w) => {
          const path = rewrite(w.unitPath as string[]);
          return {
            Update: {
              TableName: table,
              Key: keys.window(String(w.code)),
              UpdateExpression: 'SET unitPath = :path, treeKey = :tree, subtreeKey = :sub',
              ExpressionAttributeValues: { ':path': path, ':tree': newTree, ':sub': keys.windowSubtreeKey(path, String(w.code)) },
            },
          };
        }),
      ]);
      // 3. Finally the unit itself: new parent and path, move claim released.
      await doc.send(
        new UpdateCommand({
          TableName: table,
          Key: keys.unit(unit.id),
          UpdateExpression: 'SET parentId = :parent, #path = :path, treeKey = :tree, subtreeKey = :sub, parentKey = :parentKey REMOVE movingTo',
          ExpressionAttributeNames: { '#path': 'path' },
          ExpressionAttributeValues: {
            ':parent': target,
            ':path': newPath,
            ':tree': newTree,
            ':sub': keys.unitSubtreeKey(newPath),
            ':parentKey': keys.parentKey(target),
          },
        }),
      );
      return { units: descendants.length + 1, windows: windows.length };
    },
  };
}
