import { GetCommand, PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { jobKey } from './import-job-visibility.js';

/**
 * Import jobs of 办件 files (decision 0019, "Files of 办件"). Unlike a staff job nothing is staged:
 * each row is stored once per (unit, 办件编号) by its own conditional write, so the job is only a
 * cursor into the file and the counts so far. One item, `IMPORT#{jobId}` / `META` (pattern J7).
 *
 *   applying ──advance (done = :from)──▶ applying … ──last chunk──▶ finished
 *
 * The cursor moves by a conditional UpdateItem: two requests working on the same chunk (a double
 * click) store each row once anyway, and only one of them adds its counts.
 */
export interface RecordImportCounts {
  stored: number;
  unchanged: number;
  conflict: number;
  refused: number;
}

export interface RecordImportJob extends RecordImportCounts {
  jobId: string;
  kind: 'service-records';
  actor: string;
  state: 'applying' | 'finished';
  total: number;
  /** Rows handled, in file order. */
  done: number;
  createdAt: string;
  updatedAt: string;
}

export interface RecordImportJobStore {
  get(jobId: string): Promise<RecordImportJob | undefined>;
  /** The job of this file, created at row 0 if it does not exist yet. */
  begin(job: Pick<RecordImportJob, 'jobId' | 'actor' | 'total' | 'createdAt'>): Promise<RecordImportJob>;
  /** Move the cursor from `from` to `to` (the last chunk: `finished`), adding the chunk's counts; false if someone else moved it first. */
  advance(jobId: string, step: { from: number; to: number; finished: boolean }, counts: RecordImportCounts, at: string): Promise<boolean>;
}

const conditionFailed = (error: unknown) => (error as Error).name === 'ConditionalCheckFailedException';

export function createRecordImportJobStore(doc: DynamoDBDocumentClient, table: string): RecordImportJobStore {
  const store: RecordImportJobStore = {
    async get(jobId) {
      const { Item } = await doc.send(new GetCommand({ TableName: table, Key: jobKey(jobId), ConsistentRead: true }));
      if (!Item) return undefined;
      const { pk: _pk, sk: _sk, ...job } = Item;
      return job as RecordImportJob;
    },
    async begin(job) {
      const created: RecordImportJob = { ...job, kind: 'service-records', state: 'applying', done: 0, stored: 0, unchanged: 0, conflict: 0, refused: 0, updatedAt: job.createdAt };
      try {
        await doc.send(new PutCommand({ TableName: table, Item: { ...jobKey(job.jobId), ...created }, ConditionExpression: 'attribute_not_exists(pk)' }));
        return created;
      } catch (error) {
        if (!conditionFailed(error)) throw error;
        return (await store.get(job.jobId))!;
      }
    },
    async advance(jobId, { from, to, finished }, counts, at) {
      try {
        await doc.send(
          new UpdateCommand({
            TableName: table,
            Key: jobKey(jobId),
            UpdateExpression: 'SET #done = :to, #state = :next, #s = #s + :s, #u = #u + :u, #c = #c + :c, #r = #r + :r, updatedAt = :at',
            ConditionExpression: '#done = :from AND #state = :applying',
            // Most of these names are DynamoDB reserved words.
            ExpressionAttributeNames: { '#state': 'state', '#done': 'done', '#s': 'stored', '#u': 'unchanged', '#c': 'conflict', '#r': 'refused' },
            ExpressionAttributeValues: { ':from': from, ':to': to, ':s': counts.stored, ':u': counts.unchanged, ':c': counts.conflict, ':r': counts.refused, ':at': at, ':applying': 'applying', ':next': finished ? 'finished' : 'applying' },
          }),
        );
        return true;
      } catch (error) {
        if (conditionFailed(error)) return false;
        throw error;
      }
    },
  };
  return store;
}
