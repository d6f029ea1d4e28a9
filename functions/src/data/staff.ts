import { createHash } from 'node:crypto';
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { GetCommand, QueryCommand, TransactWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createJobVisibility, visibleStaffItems } from './import-job-visibility.js';
import { batchGetItems } from './batch-get.js';
import { keys } from './keys.js';
import { decodeCursor, encodeCursor, type Page } from './page-cursor.js';

/** 工作人员 (亮身份: name, post, duties, pledge are shown to residents). */
export interface StaffRecord {
  id: string;
  unitId: string;
  staffNo: string;
  name: string;
  post: string;
  duties: string;
  pledge: string;
  partyMember: boolean;
  /** Set when a photo is stored (a short hash of it): the window card links the photo without reading it. */
  photoTag?: string;
}

/** 工号 already used in this unit (or the staff id is taken). */
export class StaffNoTakenError extends Error {
  override name = 'StaffNoTakenError';
  constructor(readonly staffNos: string[]) {
    super(`staffNo already used in the unit: ${staffNos.join(', ')}`);
  }
}

export class StaffMissingError extends Error {
  override name = 'StaffMissingError';
}

export type StaffChanges = Partial<Pick<StaffRecord, 'name' | 'post' | 'duties' | 'pledge' | 'partyMember'>>;

export interface StaffStore {
  get(id: string): Promise<StaffRecord | undefined>;
  getMany(ids: string[]): Promise<Map<string, StaffRecord>>;
  /** Which (unit, 工号) pairs are already used, as `${unitId}\u0000${staffNo}`. */
  takenStaffNos(pairs: { unitId: string; staffNo: string }[]): Promise<Set<string>>;
  /** Unconditional write (seed, fixtures). */
  put(staff: StaffRecord): Promise<void>;
  /** Create staff members, all or none, in one transaction (at most 50: two items each). */
  createAll(staff: StaffRecord[]): Promise<void>;
  update(id: string, changes: StaffChanges): Promise<StaffRecord>;
  listUnit(unitId: string, options?: { limit?: number; cursor?: string | undefined }): Promise<Page<StaffRecord>>;
  putPhoto(staffId: string, photo: StaffPhoto): Promise<void>;
  getPhoto(staffId: string): Promise<StaffPhoto | undefined>;
}

export interface StaffPhoto {
  contentType: 'image/jpeg' | 'image/png' | 'image/webp';
  /** The image bytes, base64 (≤ 200 KB of image is ≤ 267 KB here, under DynamoDB's 400 KB item limit). */
  data: string;
}

/** Two items per person: the record (by id, for window cards) and the unit listing by 工号 (unique). */
export const MAX_STAFF_PER_TRANSACTION = 50;

function toStaff(item: Record<string, unknown>): StaffRecord {
  const { pk: _pk, sk: _sk, kind: _kind, importJob: _job, ...rest } = item;
  return rest as unknown as StaffRecord;
}

export function createStaffStore(doc: DynamoDBDocumentClient, table: string): StaffStore {
  // Items written by a large import carry `importJob`; they exist for nobody until that job commits.
  const committedJobs = createJobVisibility(doc, table);
  const visible = (found: Record<string, unknown>[]) => visibleStaffItems(committedJobs, found);
  const items = (staff: StaffRecord) => [
    { ...keys.staff(staff.id), kind: 'staff', ...staff },
    { ...keys.staffListing(staff.unitId, staff.staffNo), kind: 'staff-listing', ...staff },
  ];

  const store: StaffStore = {
    async get(id) {
      const { Item } = await doc.send(new GetCommand({ TableName: table, Key: keys.staff(id) }));
      const [shown] = Item ? await visible([Item]) : [];
      return shown ? toStaff(shown) : undefined;
    },

    async getMany(ids) {
      const found = await visible(await batchGetItems(doc, table, ids.map((id) => keys.staff(id))));
      return new Map(found.map((item) => [String(item.id), toStaff(item)]));
    },


    async takenStaffNos(pairs) {
      const found = await batchGetItems(doc, table, pairs.map((p) => keys.staffListing(p.unitId, p.staffNo)), { projection: 'unitId, staffNo' });
      return new Set(found.map((item) => `${String(item.unitId)}\u0000${String(item.staffNo)}`));
    },


    async put(staff) {
      await doc.send(new TransactWriteCommand({ TransactItems: items(staff).map((Item) => ({ Put: { TableName: table, Item } })) }));
    },

    async createAll(staff) {
      if (staff.length === 0) return;
      if (staff.length > MAX_STAFF_PER_TRANSACTION) throw new RangeError(`at most ${MAX_STAFF_PER_TRANSACTION} staff per transaction`);
      try {
        await doc.send(
          new TransactWriteCommand({
            TransactItems: staff.flatMap((person) =>
              items(person).map((Item) => ({ Put: { TableName: table, Item, ConditionExpression: 'attribute_not_exists(pk)' } })),
            ),
          }),
        );
      } catch (error) {
        if (!(error instanceof TransactionCanceledException)) throw error;
        const taken = (error.CancellationReasons ?? [])
          .map((reason, i) => (reason.Code === 'ConditionalCheckFailed' ? staff[Math.floor(i / 2)]!.staffNo : undefined))
          .filter((no): no is string => no !== undefined);
        if (taken.length > 0) throw new StaffNoTakenError([...new Set(taken)]);
        throw error;
      }
    },

    async update(id, changes) {
      const current = await store.get(id);
      if (!current) throw new StaffMissingError(id);
      const next: StaffRecord = { ...current, ...Object.fromEntries(Object.entries(changes).filter(([, v]) => v !== undefined)) };
      // Both copies in one transaction, each conditional on still existing.
      await doc.send(
        new TransactWriteCommand({
          TransactItems: items(next).map((Item) => ({ Put: { TableName: table, Item, ConditionExpression: 'attribute_exists(pk)' } })),
        }),
      );
      return next;
    },

    async putPhoto(staffId, photo) {
      // The record gets a short tag of the photo in the same transaction: window cards (which read
      // the record anyway) link the photo, with the tag as a cache buster, without reading it.
      const photoTag = createHash('sha256').update(photo.data).digest('base64url').slice(0, 12);
      await doc.send(
        new TransactWriteCommand({
          TransactItems: [
            { Put: { TableName: table, Item: { ...keys.staffPhoto(staffId), kind: 'staff-photo', ...photo } } },
            {
              Update: {
                TableName: table,
                Key: keys.staff(staffId),
                UpdateExpression: 'SET photoTag = :tag',
                ExpressionAttributeValues: { ':tag': photoTag },
                ConditionExpression: 'attribute_exists(pk)',
              },
            },
          ],
        }),
      );
    },

    async getPhoto(staffId) {
      const { Item } = await doc.send(new GetCommand({ TableName: table, Key: keys.staffPhoto(staffId) }));
      return Item ? { contentType: Item.contentType as StaffPhoto['contentType'], data: String(Item.data) } : undefined;
    },

    async listUnit(unitId, options = {}) {
      const pk = keys.staffListingPartition(unitId);
      const limit = Math.min(Math.max(options.limit ?? 100, 1), 500);
      let start = decodeCursor(options.cursor, { pk });
      const items: StaffRecord[] = [];
      // Items of an uncommitted import are skipped; read on (a few pages at most) so that a large
      // import under way does not turn the first page into an empty one.
      for (let round = 0; round < 5; round++) {
        const page = await doc.send(
          new QueryCommand({ TableName: table, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': pk }, ExclusiveStartKey: start, Limit: limit - items.length }),
        );
        items.push(...(await visible(page.Items ?? [])).map(toStaff));
        start = page.LastEvaluatedKey;
        if (!start || items.length >= limit) break;
      }
      const cursor = encodeCursor(start);
      return { items, ...(cursor ? { cursor } : {}) };
    },
  };
  return store;
}
