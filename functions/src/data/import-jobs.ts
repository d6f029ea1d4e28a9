import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  DeleteCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import type { StaffRecord } from './staff.js';
import { batchGetItems } from './batch-get.js';
import { jobKey } from './import-job-visibility.js';
import { keys } from './keys.js';
import { pool } from './pool.js';

/**
 * Import jobs (issue 3): a staff file of up to 5,000 rows is written in many transactions, yet
 * becomes visible at ONE instant. Every staff item it writes carries `importJob = {jobId}`; readers
 * show a marked item only when that job's META item says `committed` (see `createJobVisibility`).
 * The commit point is one conditional UpdateItem of META. Design: docs/decisions/0007.
 *
 *   IMPORT#{jobId} / META          jobId, kind, actor, state, total, createdAt, updatedAt
 *   IMPORT#{jobId} / ROWS#{00000}  the parsed rows with their staff ids (100 per item), so a retry
 *                                  writes the same ids and a rollback knows every key
 */

export type ImportJobState = 'applying' | 'committed' | 'rolling-back' | 'rolled-back';

export interface ImportJob {
  jobId: string;
  kind: 'staff';
  actor: string;
  state: ImportJobState;
  total: number;
  createdAt: string;
  updatedAt: string;
}

/** A staged row: the staff record to create and the file row it came from. */
export interface StagedStaff extends StaffRecord {
  line: number;
}

/** The job's META is no longer `applying` (committed, or being rolled back by someone else). */
export class ImportJobNotApplyingError extends Error {
  override name = 'ImportJobNotApplyingError';
}

/** Some 工号 of a batch are held by someone else: the rows (file lines) that collided. */
export class ImportStaffNoTakenError extends Error {
  override name = 'ImportStaffNoTakenError';
  constructor(readonly rows: StagedStaff[]) {
    super(`staffNo already used: ${rows.map((row) => `${row.unitId}/${row.staffNo}`).join(', ')}`);
  }
}

/** Staff per transaction: 2 Puts each + 1 ConditionCheck on the job ≤ 100 items. */
export const STAFF_PER_JOB_BATCH = 49;
const ROWS_PER_CHUNK = 100;

export interface ImportJobStore {
  get(jobId: string): Promise<ImportJob | undefined>;
  /**
   * Create the job in state `applying` with its rows, or return the existing one with ITS rows
   * (a retry of the same file writes the staff ids chosen the first time).
   */
  begin(job: Omit<ImportJob, 'state' | 'updatedAt'>, rows: StagedStaff[]): Promise<{ job: ImportJob; rows: StagedStaff[] }>;
  rows(jobId: string): Promise<StagedStaff[]>;
  /** One transaction: the job is still `applying`, and every 工号 claim is free or already this job's. */
  writeBatch(jobId: string, batch: StagedStaff[]): Promise<void>;
  /** The atomic commit point: `applying` → `committed`. Returns the state found afterwards. */
  commit(jobId: string, at: string): Promise<ImportJobState>;
  /** `from` → `to`, conditional; false when the job was in another state. */
  transition(jobId: string, from: ImportJobState[], to: ImportJobState, at: string): Promise<boolean>;
  /** Delete every item of the rows that still carries this job's mark (idempotent). */
  removeWritten(jobId: string, rows: StagedStaff[]): Promise<number>;
  /** (unit, 工号) claims that exist, with the job holding them (undefined: an ordinary staff member). */
  claims(pairs: { unitId: string; staffNo: string }[]): Promise<Map<string, string | undefined>>;
}

const chunkKey = (jobId: string, index: number) => ({ pk: `IMPORT#${jobId}`, sk: `ROWS#${String(index).padStart(5, '0')}` });
export const claimKey = (unitId: string, staffNo: string) => `${unitId}\u0000${staffNo}`;



function toJob(item: Record<string, unknown>): ImportJob {
  const { pk: _pk, sk: _sk, ...rest } = item;
  return rest as unknown as ImportJob;
}

export function createImportJobStore(doc: DynamoDBDocumentClient, table: string): ImportJobStore {
  const staffItems = (jobId: string, row: StagedStaff) => {
    const { line: _line, ...staff } = row;
    return [
      { ...keys.staff(staff.id), kind: 'staff', ...staff, importJob: jobId },
      { ...keys.staffListing(staff.unitId, staff.staffNo), kind: 'staff-listing', ...staff, importJob: jobId },
    ];
  };

  const store: ImportJobStore = {
    async get(jobId) {
      const { Item } = await doc.send(new GetCommand({ TableName: table, Key: jobKey(jobId), ConsistentRead: true }));
      return Item ? toJob(Item) : undefined;
    },

    async rows(jobId) {
      const rows: StagedStaff[] = [];
      let ExclusiveStartKey: Record<string, unknown> | undefined;
      do {
        const page = await doc.send(
          new QueryCommand({
            TableName: table,
            KeyConditionExpression: 'pk = :pk AND begins_with(sk, :rows)',
            ExpressionAttributeValues: { ':pk': `IMPORT#${jobId}`, ':rows': 'ROWS#' },
            ConsistentRead: true,
            ExclusiveStartKey,
          }),
        );
        for (const item of page.Items ?? []) rows.push(...(item.rows as StagedStaff[]));
        ExclusiveStartKey = page.LastEvaluatedKey;
      } while (ExclusiveStartKey);
      return rows;
    },

    async begin(job, rows) {
      const existing = await store.get(job.jobId);
      if (existing) return { job: existing, rows: await store.rows(job.jobId) };
      // Rows first, META last: until META exists nothing refers to the rows, and a crash here only
      // leaves chunks that the retry overwrites.
      const chunks: StagedStaff[][] = [];
      for (let start = 0; start < rows.length; start += ROWS_PER_CHUNK) chunks.push(rows.slice(start, start + ROWS_PER_CHUNK));
      await pool(
        chunks.map((chunk, index) => ({ chunk, index })),
        4,
        async ({ chunk, index }) => {
          await doc.send(new PutCommand({ TableName: table, Item: { ...chunkKey(job.jobId, index), kind: 'import-rows', rows: chunk } }));
        },
      );
      const created: ImportJob = { ...job, state: 'applying', updatedAt: job.createdAt };
      try {
        await doc.send(new PutCommand({ TableName: table, Item: { ...jobKey(job.jobId), ...created }, ConditionExpression: 'attribute_not_exists(pk)' }));
        return { job: created, rows };
      } catch (error) {
        if ((error as Error).name !== 'ConditionalCheckFailedException') throw error;
        // A concurrent apply of the same file won: use its rows (and ids).
        return { job: (await store.get(job.jobId))!, rows: await store.rows(job.jobId) };
      }
    },

    async writeBatch(jobId, batch) {
      if (batch.length > STAFF_PER_JOB_BATCH) throw new RangeError(`at most ${STAFF_PER_JOB_BATCH} staff per batch`);
      const mine = 'attribute_not_exists(pk) OR importJob = :job';
      try {
        await doc.send(
          new TransactWriteCommand({
            TransactItems: [
              {
                ConditionCheck: {
                  TableName: table,
                  Key: jobKey(jobId),
                  ConditionExpression: '#state = :applying',
                  ExpressionAttributeNames: { '#state': 'state' },
                  ExpressionAttributeValues: { ':applying': 'applying' },
                },
              },
              ...batch.flatMap((row) =>
                staffItems(jobId, row).map((Item) => ({
                  Put: { TableName: table, Item, ConditionExpression: mine, ExpressionAttributeValues: { ':job': jobId } },
                })),
              ),
            ],
          }),
        );
      } catch (error) {
        if (!(error instanceof TransactionCanceledException)) throw error;
        const reasons = error.CancellationReasons ?? [];
        if (reasons[0]?.Code === 'ConditionalCheckFailed') throw new ImportJobNotApplyingError(`import job ${jobId} is not applying`, { cause: error });
        const taken = new Set<number>();
        reasons.forEach((reason, i) => {
          if (i > 0 && reason.Code === 'ConditionalCheckFailed') taken.add(Math.floor((i - 1) / 2));
        });
        if (taken.size > 0) throw new ImportStaffNoTakenError([...taken].map((i) => batch[i]!));
        throw error;
      }
    },

    async commit(jobId, at) {
      if (await store.transition(jobId, ['applying'], 'committed', at)) return 'committed';
      return (await store.get(jobId))?.state ?? 'rolled-back';
    },

    async transition(jobId, from, to, at) {
      const values = Object.fromEntries(from.map((state, i) => [`:from${i}`, state]));
      try {
        await doc.send(
          new UpdateCommand({
            TableName: table,
            Key: jobKey(jobId),
            UpdateExpression: 'SET #state = :to, updatedAt = :at',
            ConditionExpression: `#state IN (${Object.keys(values).join(', ')})`,
            ExpressionAttributeNames: { '#state': 'state' },
            ExpressionAttributeValues: { ...values, ':to': to, ':at': at },
          }),
        );
        return true;
      } catch (error) {
        if ((error as Error).name === 'ConditionalCheckFailedException') return false;
        throw error;
      }
    },

    async removeWritten(jobId, rows) {
      const itemKeys = rows.flatMap((row) => [keys.staff(row.id), keys.staffListing(row.unitId, row.staffNo)]);
      let removed = 0;
      await pool(itemKeys, 16, async (Key) => {
        try {
          // Only our own marked items: a 工号 claim that someone else holds is never touched.
          await doc.send(new DeleteCommand({ TableName: table, Key, ConditionExpression: 'importJob = :job', ExpressionAttributeValues: { ':job': jobId } }));
          removed++;
        } catch (error) {
          if ((error as Error).name !== 'ConditionalCheckFailedException') throw error;
        }
      });
      return removed;
    },

    async claims(pairs) {
      const unique = [...new Map(pairs.map((p) => [claimKey(p.unitId, p.staffNo), keys.staffListing(p.unitId, p.staffNo)])).values()];
      const found = await batchGetItems(doc, table, unique, { projection: 'unitId, staffNo, importJob', consistent: true, concurrency: 4 });
      return new Map(found.map((item) => [claimKey(String(item.unitId), String(item.staffNo)), item.importJob === undefined ? undefined : String(item.importJob)]));
    },
  };
  return store;
}
