import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { batchGetItems } from './batch-get.js';

/** The META item of an import job (see import-jobs.ts). */
export const jobKey = (jobId: string) => ({ pk: `IMPORT#${jobId}`, sk: 'META' });

/**
 * Which import jobs are committed, for readers of staff items. A committed job never changes
 * state again, so the answer is cached for the life of the process; uncommitted ones are asked
 * again every time (one consistent BatchGet per page that holds marked items).
 */
export function createJobVisibility(doc: DynamoDBDocumentClient, table: string) {
  const committed = new Set<string>();
  return async function committedJobs(jobIds: Iterable<string>): Promise<ReadonlySet<string>> {
    const unknown = [...new Set(jobIds)].filter((id) => !committed.has(id));
    if (unknown.length > 0) {
      const found = await batchGetItems(doc, table, unknown.map(jobKey), { projection: 'jobId, #state', names: { '#state': 'state' }, consistent: true, concurrency: 4 });
      for (const item of found) if (item.state === 'committed') committed.add(String(item.jobId));
    }
    return committed;
  };
}
export type JobVisibility = ReturnType<typeof createJobVisibility>;

/** Keep the items a reader may see: unmarked ones, and those of committed jobs (mark removed). */
export async function visibleStaffItems(committedJobs: JobVisibility, items: Record<string, unknown>[]): Promise<Record<string, unknown>[]> {
  const marked = items.filter((item) => item.importJob !== undefined).map((item) => String(item.importJob));
  const done = marked.length > 0 ? await committedJobs(marked) : new Set<string>();
  return items
    .filter((item) => item.importJob === undefined || done.has(String(item.importJob)))
    .map(({ importJob: _job, ...item }) => item);
}
