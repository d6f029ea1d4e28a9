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

/**
 * A move met another move, and nothing was written: the unit (`unitId`) or the new parent
 * (`parentId`) is being moved, is held by a move under way below or into it, or was moved between
 * reading and writing it. `reason` says which, in words fit for the caller.
 */
export class UnitMoveInProgressError extends Error {
  override name = 'UnitMoveInProgressError';
  constructor(
    readonly field: 'unitId' | 'parentId',
    readonly reason: string,
  ) {
    super(`${field}: ${reason}`);
  }
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
  /**
   * Create one unit; UnitExistsError if the id is taken. Under a parent, in one transaction with a
   * check that the parent is still at `unit.path` minus the unit and that no unit on that path is
   * being moved: UnitMoveInProgressError (`parentId`) otherwise, UnitChangedError if the parent is gone.
   */
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
   * and window. `unit` and `newParent` are as read by the caller: if either changed meanwhile, or
   * another move holds them, UnitMoveInProgressError and nothing is written. Safe to re-run after a
   * crash, and re-running the same move is the one way to finish it: see the implementation.
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
/** A rewrite transaction: this many updates and the check that the move still holds its unit. */
const REWRITE_ITEMS = TRANSACTION_ITEMS - 1;
/** Transactions cancelled only because another transaction touched the same items are retried. */
const CONFLICT_ATTEMPTS = 6;

type TransactItems = NonNullable<ConstructorParameters<typeof TransactWriteCommand>[0]['TransactItems']>;

const conflicted = (error: unknown): error is TransactionCanceledException =>
  error instanceof TransactionCanceledException &&
  (error.CancellationReasons ?? []).some((reason) => reason.Code === 'TransactionConflict') &&
  !(error.CancellationReasons ?? []).some((reason) => reason.Code === 'ConditionalCheckFailed');

/** Index of the first item whose condition failed, if any. */
const failedCondition = (error: TransactionCanceledException): number =>
  (error.CancellationReasons ?? []).findIndex((reason) => reason.Code === 'ConditionalCheckFailed');

const samePath = (a: readonly string[] | undefined, b: readonly string[]) => a !== undefined && a.length === b.length && a.every((id, i) => id === b[i]);
const NOT_MOVING = 'attribute_not_exists(movingTo)';

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

  /** One transaction, retried (with a short random pause) while it is cancelled only by conflicts. */
  async function transact(items: TransactItems): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await doc.send(new TransactWriteCommand({ TransactItems: items }));
        return;
      } catch (error) {
        if (!conflicted(error) || attempt >= CONFLICT_ATTEMPTS) throw error;
        await new Promise((resolve) => setTimeout(resolve, 10 * attempt + Math.random() * 20 * attempt));
      }
    }
  }

  const read = async (id: string) => (await doc.send(new GetCommand({ TableName: table, Key: keys.unit(id), ConsistentRead: true }))).Item;

  /** `attribute_not_exists(movingTo)` on each unit: none of them is being moved. */
  const notMoving = (ids: readonly string[]): TransactItems =>
    ids.map((id) => ({ ConditionCheck: { TableName: table, Key: keys.unit(id), ConditionExpression: NOT_MOVING } }));

  /** Why a parent-to-be (at `path`, expected unmoving, or one of its ancestors) failed its check. */
  async function parentRefusal(path: readonly string[]): Promise<Error> {
    const parent = await read(path[path.length - 1]!);
    if (!parent) return new UnitChangedError(`unit ${path[path.length - 1]} does not exist`);
    if (parent.movingTo !== undefined) return new UnitMoveInProgressError('parentId', 'is being moved; try again when the move is finished');
    if (!samePath(parent.path as string[], path)) return new UnitMoveInProgressError('parentId', 'was moved meanwhile; try again');
    return new UnitMoveInProgressError('parentId', 'is inside a unit that is being moved; try again when the move is finished');
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
      const put = { Put: { TableName: table, Item: item(unit), ConditionExpression: 'attribute_not_exists(pk)' } };
      if (unit.parentId === null) {
        try {
          await doc.send(new PutCommand(put.Put));
        } catch (error) {
          if (error instanceof ConditionalCheckFailedException) throw new UnitExistsError([unit.id]);
          throw error;
        }
        return;
      }
      // Under a parent: the parent must still be where the path says, and neither it nor an
      // ancestor may be moving. A move claims its unit (movingTo) before it lists the subtree, so a
      // unit created here either exists before that listing (and is moved with the rest) or is refused.
      const parentPath = unit.path.slice(0, -1);
      try {
        await transact([
          put,
          {
            ConditionCheck: {
              TableName: table,
              Key: keys.unit(unit.parentId),
              ConditionExpression: `#path = :path AND ${NOT_MOVING}`,
              ExpressionAttributeNames: { '#path': 'path' },
              ExpressionAttributeValues: { ':path': parentPath },
            },
          },
          ...notMoving(parentPath.slice(0, -1)),
        ]);
      } catch (error) {
        if (!(error instanceof TransactionCanceledException)) throw error;
        const failed = failedCondition(error);
        if (failed === 0) throw new UnitExistsError([unit.id]);
        if (failed > 0) throw await parentRefusal(parentPath);
        throw conflicted(error) ? new UnitMoveInProgressError('parentId', 'is being changed by another request; try again') : error;
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
      // A move holds three sets of units until it is finished, so that no other move or create can
      // change a path it relies on:
      //   - the unit itself: `movingTo` (the target, ROOT for none). Nothing is created under a unit
      //     whose path holds a moving unit (see create), and no unit below it may move (next point);
      //   - its old ancestors and its new parent with the new parent's ancestors: their id set
      //     `pinnedBy` gets the unit's id. A unit that is moving may not be pinned and a pinned unit
      //     may not move, so the destination cannot move into the subtree (no cycle: of two crossing
      //     moves only one claims), and nothing above the subtree moves while it is rewritten.
      // 1. Claim: all of that in one transaction, on the condition that the unit and the new parent
      //    are still where the caller read them. Re-running the same move after a crash passes this
      //    step again (same target; pinning is idempotent); any other move of the unit is refused.
      const oldPath = unit.path;
      const newPath = [...(newParent?.path ?? []), unit.id];
      const target = newParent?.id ?? null;
      const marker = target ?? 'ROOT';
      if (newParent && (newParent.id === unit.id || newParent.path.includes(unit.id))) throw new RangeError(`unit ${unit.id} cannot move under itself`);
      const pinned = [...new Set([...oldPath.slice(0, -1), ...(newParent?.path ?? [])])];
      if (pinned.length + 1 > TRANSACTION_ITEMS) throw new RangeError(`unit ${unit.id} is too deep to move`);
      const pin = new Set([unit.id]);
      try {
        await transact([
          {
            Update: {
              TableName: table,
              Key: keys.unit(unit.id),
              UpdateExpression: 'SET movingTo = :target',
              ConditionExpression: '#path = :path AND ((attribute_not_exists(movingTo) AND attribute_not_exists(pinnedBy)) OR movingTo = :target)',
              ExpressionAttributeNames: { '#path': 'path' },
              ExpressionAttributeValues: { ':target': marker, ':path': oldPath },
            },
          },
          ...pinned.map((id) => ({
            Update: {
              TableName: table,
              Key: keys.unit(id),
              UpdateExpression: 'ADD pinnedBy :pin',
              ...(id === target
                ? { ConditionExpression: `#path = :path AND ${NOT_MOVING}`, ExpressionAttributeNames: { '#path': 'path' }, ExpressionAttributeValues: { ':pin': pin, ':path': newParent!.path } }
                : { ConditionExpression: `attribute_exists(pk) AND ${NOT_MOVING}`, ExpressionAttributeValues: { ':pin': pin } }),
            },
          })),
        ]);
      } catch (error) {
        if (!(error instanceof TransactionCanceledException)) throw error;
        const failed = new Set(
          (error.CancellationReasons ?? []).flatMap((reason, i) => (reason.Code === 'ConditionalCheckFailed' ? [i === 0 ? unit.id : pinned[i - 1]!] : [])),
        );
        if (failed.size === 0) throw conflicted(error) ? new UnitMoveInProgressError('unitId', 'is being changed by another request; try again') : error;
        // Most telling first: the unit's own move, then the new parent's state, then the unit's.
        const now = failed.has(unit.id) ? await read(unit.id) : undefined;
        if (failed.has(unit.id) && !now) throw new UnitChangedError(`unit ${unit.id} does not exist`);
        // The very same move, sent twice, finished by the other request: nothing left to do.
        if (now && now.movingTo === undefined && samePath(now.path as string[], newPath)) return { units: 0, windows: 0 };
        if (now?.movingTo !== undefined) throw new UnitMoveInProgressError('unitId', 'is being moved elsewhere; that move must be repeated to finish it first');
        if (newParent?.path.some((id) => failed.has(id))) throw await parentRefusal(newParent.path);
        if (oldPath.some((id) => id !== unit.id && failed.has(id))) throw new UnitMoveInProgressError('unitId', 'is inside a unit that is being moved; try again when that move is finished');
        if (now?.pinnedBy !== undefined) throw new UnitMoveInProgressError('unitId', 'has a move under way below it or into it; try again when it is finished');
        throw new UnitMoveInProgressError('unitId', 'was moved meanwhile; try again');
      }

      // While the claim holds, every transaction below also checks it (the unit still moving to
      // this target from this path): a late duplicate of a finished move writes nothing.
      const claimHeld = {
        ConditionCheck: {
          TableName: table,
          Key: keys.unit(unit.id),
          ConditionExpression: '#path = :path AND movingTo = :target',
          ExpressionAttributeNames: { '#path': 'path' },
          ExpressionAttributeValues: { ':path': oldPath, ':target': marker },
        },
      };
      /** A transaction failed its claim check: fine if a twin run of this very move finished it, else refused. */
      const finishedElsewhere = async (error: unknown): Promise<void> => {
        if (!(error instanceof TransactionCanceledException) || failedCondition(error) !== 0) throw error;
        const now = await read(unit.id);
        if (!now || now.movingTo !== undefined || !samePath(now.path as string[], newPath)) throw new UnitMoveInProgressError('unitId', 'was moved meanwhile; try again');
      };

      // 2. Rewrite descendants (units and windows) found under the OLD prefix, in transactions of
      //    at most 99 updates and the claim check. Each update sets absolute values derived from the
      //    new path, so it is idempotent; a rewritten item leaves the old prefix, so a re-run after a
      //    crash finds only what is left to do. The listing is repeated until it finds nothing new,
      //    to pick up windows created under the old path meanwhile. The unit itself still carries
      //    the old path until step 3.
      const rewrite = (path: readonly string[]) => [...newPath, ...path.slice(oldPath.length)];
      const treeKey = keys.treeKey(oldPath[0]!);
      const newTree = keys.treeKey(newPath[0]!);
      const done = new Set<string>();
      let movedUnits = 0;
      let movedWindows = 0;
      for (let pass = 0; pass < 5; pass++) {
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
        const descendants = units.map(toUnit).filter((u) => u.id !== unit.id && !done.has(`U${u.id}`));
        const windowsLeft = windows.filter((w) => !done.has(`W${String(w.code)}`));
        if (descendants.length + windowsLeft.length === 0) break;
        const updates: TransactItems = [
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
          ...windowsLeft.map((w) => {
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
        ];
        for (let start = 0; start < updates.length; start += REWRITE_ITEMS) {
          try {
            await transact([claimHeld, ...updates.slice(start, start + REWRITE_ITEMS)]);
          } catch (error) {
            await finishedElsewhere(error);
            return { units: movedUnits + 1, windows: movedWindows };
          }
        }
        for (const d of descendants) done.add(`U${d.id}`);
        for (const w of windowsLeft) done.add(`W${String(w.code)}`);
        movedUnits += descendants.length;
        movedWindows += windowsLeft.length;
      }

      // 3. Release: the unit itself gets its new parent and path, the claim and the pins go, in one
      //    transaction (a pinnedBy set left empty disappears).
      try {
        await transact([
          {
            Update: {
              TableName: table,
              Key: keys.unit(unit.id),
              UpdateExpression: 'SET parentId = :parent, #path = :path, treeKey = :tree, subtreeKey = :sub, parentKey = :parentKey REMOVE movingTo',
              ConditionExpression: '#path = :oldPath AND movingTo = :target',
              ExpressionAttributeNames: { '#path': 'path' },
              ExpressionAttributeValues: {
                ':parent': target,
                ':path': newPath,
                ':oldPath': oldPath,
                ':target': marker,
                ':tree': newTree,
                ':sub': keys.unitSubtreeKey(newPath),
                ':parentKey': keys.parentKey(target),
              },
            },
          },
          ...pinned.map((id) => ({
            Update: { TableName: table, Key: keys.unit(id), UpdateExpression: 'DELETE pinnedBy :pin', ExpressionAttributeValues: { ':pin': pin } },
          })),
        ]);
      } catch (error) {
        await finishedElsewhere(error);
      }
      return { units: movedUnits + 1, windows: movedWindows };
    },
  };
}
