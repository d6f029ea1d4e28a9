import { createHash } from 'node:crypto';
import type { ImportPreview } from '#shared/contracts/org-imports.js';
import { MAX_SERVICE_RECORD_ROWS, type ServiceRecordImportApplied } from '#shared/contracts/service-records/imports.js';
import type { Principal } from '../../auth/principal.js';
import type { RecordImportCounts, RecordImportJob, RecordImportJobStore } from '../../data/record-import-jobs.js';
import { pool } from '../../data/pool.js';
import { ValidationError } from '../../errors.js';
import { isInScope, record, refuse, type Attempt } from '../../access/index.js';
import type { OrgDeps } from '../org/org-deps.js';
import type { ImportTable } from '../org/import-file.js';
import { load, preview, problems, type Upload } from '../org/imports.js';
import type { PreviewRow, RowIssue } from '../org/import-rows.js';
import { checkOne, pushContext, pushOne, recordLookups, type Outcome, type PushDeps, type RecordSource } from './push.js';
import { recordColumns, type RecordRow } from './record-rows.js';

/**
 * 办件 files uploaded by an administrator (decision 0019, "Files of 办件"). Every row becomes a push
 * input and takes the push's own path (`checkOne` / `pushOne`): the same checks, the same
 * pseudonym and sealed number, the same once-per-(unit, 办件编号) store. The administrator's scope
 * stands in for a client's subtree. Like the other imports, apply refuses a file with any bad row
 * (the preview lists them); a good file is written in chunks until a time budget is spent, and the
 * same file from the same person continues where it stopped.
 */
export type RecordImportDeps = OrgDeps & PushDeps & { recordImportJobs: RecordImportJobStore };

/** Rows written between two cursor moves: a crash repeats at most this many (as `unchanged`). */
export const CHUNK_ROWS = 500;
/**
 * Writing stops after the chunk that crosses this: the Lambda timeout is 10 s, and parsing a 3 MiB
 * file and its ~25,000 rows' checks take up to ~2 s of it. In AWS a chunk of 500 rows (one
 * transaction each, 16 in flight) takes ~0.5 s, so a request handles some 5,000 rows.
 */
const TIME_BUDGET_MS = 6_000;
const IN_FLIGHT = 16;

export interface ApplyOptions {
  budgetMs?: number;
  chunkRows?: number;
}

const PERMISSION = 'integrations:manage';

function sourceOf(principal: Principal): RecordSource {
  return { clientId: `account:${principal.username}`, inScope: (unit) => isInScope(principal, unit) };
}

/** The same person applying the same bytes again continues (or replays) the same job. */
export function recordJobId(principal: Principal, fileSha256: string): string {
  return createHash('sha256').update(`service-records\u0000${principal.username}\u0000${fileSha256}`).digest('hex').slice(0, 32);
}

/** The push's issues (`field: message`) as import row issues; out of scope reads like the other imports' "no such unit". */
function rowIssues(outcome: Outcome): RowIssue[] {
  if (outcome.status === 'forbidden') return [{ field: 'unitId', message: 'no such unit' }];
  return (outcome.issues ?? []).map((issue) => ({ field: issue.field, message: issue.message.replace(`${issue.field}: `, '') }));
}

/** A preview shows a mobile number masked: enough to recognise the row, not to copy the number. */
const masked = (input: Record<string, string>) => (input.applicantMobile ? { ...input, applicantMobile: `${input.applicantMobile.slice(0, 3)}****${input.applicantMobile.slice(-4)}` } : input);

async function fileChecks(deps: RecordImportDeps, principal: Principal, table: ImportTable, attempt: Attempt) {
  if (table.rows.length > MAX_SERVICE_RECORD_ROWS) {
    await refuse(deps, principal, attempt, ValidationError.forField('file', `has ${table.rows.length} rows; at most ${MAX_SERVICE_RECORD_ROWS} per import, split the file`));
  }
  return recordColumns(table);
}

/**
 * Every row checked exactly as the push checks it (writing nothing): the file's mapping first
 * (办理方式, 申请人类型, 办结时间), then `checkOne` — whose issues for a field already refused by
 * the mapping are dropped, so each field is named once.
 */
async function checkRows(deps: RecordImportDeps, principal: Principal, table: ImportTable, map: (row: ImportTable['rows'][number]) => RecordRow) {
  const context = recordLookups(deps, deps.now());
  const source = sourceOf(principal);
  const rows: PreviewRow<Record<string, string>>[] = new Array(table.rows.length);
  await pool(
    table.rows.map((_, i) => i),
    IN_FLIGHT,
    async (i) => {
      const row = map(table.rows[i]!);
      const errors = [...row.errors];
      const checked = await checkOne(source, row.input, i, context);
      if ('refused' in checked) errors.push(...rowIssues(checked.refused).filter((issue) => !row.errors.some((mapped) => mapped.field === issue.field)));
      rows[i] = { line: row.line, values: masked(row.input), errors };
    },
  );
  return rows;
}

export async function previewServiceRecordImport(deps: RecordImportDeps, principal: Principal, upload: Upload): Promise<ImportPreview> {
  const attempt = { action: 'import.service-records.preview', objectType: 'import', objectId: 'service-records' } as const;
  const table = await load(deps, principal, upload, attempt, PERMISSION);
  const { columns, missing, map } = await fileChecks(deps, principal, table, attempt);
  const rows = await checkRows(deps, principal, table, map);
  const result = preview('service-records', table, { columns, missing, rows }, MAX_SERVICE_RECORD_ROWS);
  await record(deps, principal, attempt, 'ok', { detail: `${rows.length} rows, ${result.invalidRows} with errors` });
  return result;
}

const answer = (job: RecordImportJob): ServiceRecordImportApplied => ({
  kind: 'service-records',
  total: job.total,
  done: job.done,
  finished: job.state === 'finished',
  stored: job.stored,
  unchanged: job.unchanged,
  conflict: job.conflict,
  refused: job.refused,
});

export async function applyServiceRecordImport(deps: RecordImportDeps, principal: Principal, upload: Upload, options: ApplyOptions = {}): Promise<ServiceRecordImportApplied> {
  const started = performance.now();
  const { budgetMs = TIME_BUDGET_MS, chunkRows = CHUNK_ROWS } = options;
  const attempt = { action: 'import.service-records.apply', objectType: 'import', objectId: 'service-records' } as const;
  const table = await load(deps, principal, upload, attempt, PERMISSION);
  const { columns, missing, map } = await fileChecks(deps, principal, table, attempt);
  const jobId = recordJobId(principal, table.sha256);
  const before = await deps.recordImportJobs.get(jobId);
  if (before?.state === 'finished') {
    await record(deps, principal, attempt, 'ok', { detail: `job ${jobId}: finished before, ${before.total} rows (replay, nothing written)` });
    return answer(before);
  }
  // Like the other imports: a file with any bad row is refused whole, naming rows.{line}.{field}; the preview lists them.
  const issues = problems({ columns, missing, rows: await checkRows(deps, principal, table, map) }, MAX_SERVICE_RECORD_ROWS);
  if (issues.length > 0) {
    await record(deps, principal, attempt, 'invalid', { detail: `${issues.length} problems; nothing written` });
    throw new ValidationError(issues.map((issue) => issue.message).slice(0, 20).join('; '), { issues });
  }

  let job = before ?? (await deps.recordImportJobs.begin({ jobId, actor: principal.username, total: table.rows.length, createdAt: deps.now().toISOString() }));
  const first = job.done;
  const context = await pushContext(deps, deps.now());
  const source = sourceOf(principal);
  while (job.state === 'applying') {
    const from = job.done;
    const to = Math.min(from + chunkRows, job.total);
    const counts = await applyChunk(deps, source, context, table.rows.slice(from, to).map(map));
    const finished = to >= job.total;
    const at = deps.now().toISOString();
    if (await deps.recordImportJobs.advance(jobId, { from, to, finished }, counts, at)) {
      job = { ...job, done: to, state: finished ? 'finished' : 'applying', updatedAt: at, ...sum(job, counts) };
    } else {
      // Another request of the same file moved on meanwhile (its rows were stored once either way).
      job = (await deps.recordImportJobs.get(jobId)) ?? job;
    }
    if (performance.now() - started > budgetMs) break;
  }
  const detail = `job ${jobId}: rows ${first + 1}–${job.done} of ${job.total}; so far stored ${job.stored}, unchanged ${job.unchanged}, conflict ${job.conflict}, refused ${job.refused}`;
  await record(deps, principal, attempt, 'ok', { detail });
  return answer(job);
}

function sum(a: RecordImportCounts, b: RecordImportCounts): RecordImportCounts {
  return { stored: a.stored + b.stored, unchanged: a.unchanged + b.unchanged, conflict: a.conflict + b.conflict, refused: a.refused + b.refused };
}

async function applyChunk(deps: RecordImportDeps, source: RecordSource, context: Awaited<ReturnType<typeof pushContext>>, rows: RecordRow[]): Promise<RecordImportCounts> {
  const counts: RecordImportCounts = { stored: 0, unchanged: 0, conflict: 0, refused: 0 };
  await pool(rows, IN_FLIGHT, async (row) => {
    if (row.errors.length > 0) {
      counts.refused++;
      return;
    }
    const { status } = await pushOne(deps, source, row.input, row.line, context);
    if (status === 'stored' || status === 'unchanged' || status === 'conflict') counts[status]++;
    else counts.refused++;
  });
  return counts;
}
