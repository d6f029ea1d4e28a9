import type { Principal } from '../../auth/principal.js';
import {
  ImportJobNotApplyingError,
  ImportStaffNoTakenError,
  STAFF_PER_JOB_BATCH,
  type ImportJobState,
  type ImportJobStore,
  type StagedStaff,
} from '../../data/import-jobs.js';
import { pool } from '../../data/pool.js';
import { AppError, ConflictError } from '../../errors.js';
import { record, refuse, type Attempt } from '../../access/index.js';
import type { OrgDeps } from './org-deps.js';

/**
 * Applying a large staff file as an import job (design: docs/decisions/0007, "Imports at scale").
 *
 *   applying ──commit (one conditional UpdateItem)──▶ committed        (final: every row visible)
 *      │  ▲
 *      │  └──────────── restart (same file again) ─── rolled-back     (final for this attempt)
 *      └──conflict──▶ rolling-back ──every marked item deleted──▶ ┘
 *
 * Before the commit point the job's staff items exist but are marked with the job id, and every
 * reader skips marked items of uncommitted jobs; so nothing is visible until the commit, and
 * everything is at once after it. A crash anywhere before the commit leaves invisible items that
 * the retry (the same file, same person → same job, same staff ids) overwrites and completes.
 */

type JobDeps = Pick<OrgDeps, 'audit' | 'now'> & { importJobs: ImportJobStore };

/** Allowed transitions; anything else is a conditional write that fails. */
export const JOB_TRANSITIONS: Record<'commit' | 'conflict' | 'rolledBack' | 'restart', { from: ImportJobState[]; to: ImportJobState }> = {
  commit: { from: ['applying'], to: 'committed' },
  conflict: { from: ['applying', 'rolling-back'], to: 'rolling-back' },
  rolledBack: { from: ['rolling-back'], to: 'rolled-back' },
  restart: { from: ['rolled-back'], to: 'applying' },
};

/** Batches written in parallel: DynamoDB takes far more, but one Lambda's sockets and CPU do not. */
const PARALLEL_BATCHES = 4;

export class ImportJobCancelledError extends AppError {
  override name = 'ImportJobCancelledError';
  override readonly statusCode = 409;
  override readonly code = 'CONFLICT';
  override readonly expose = true;
}

const at = (deps: JobDeps) => deps.now().toISOString();

/** Delete every item the job wrote and mark it rolled back (idempotent; safe to repeat). */
export async function rollBackStaffJob(deps: JobDeps, jobId: string): Promise<void> {
  // First stop every writer: each batch transaction checks that the job is still `applying`.
  if (!(await deps.importJobs.transition(jobId, JOB_TRANSITIONS.conflict.from, JOB_TRANSITIONS.conflict.to, at(deps)))) return;
  await deps.importJobs.removeWritten(jobId, await deps.importJobs.rows(jobId));
  await deps.importJobs.transition(jobId, JOB_TRANSITIONS.rolledBack.from, JOB_TRANSITIONS.rolledBack.to, at(deps));
}

export async function applyStaffJob(
  deps: JobDeps,
  principal: Principal,
  input: { jobId: string; rows: StagedStaff[]; attempt: Attempt },
): Promise<{ created: number; batches: number }> {
  const { jobId, attempt } = input;
  const begun = await deps.importJobs.begin({ jobId, kind: 'staff', actor: principal.username, total: input.rows.length, createdAt: at(deps) }, input.rows);
  const rows = begun.rows;
  const batches: StagedStaff[][] = [];
  for (let start = 0; start < rows.length; start += STAFF_PER_JOB_BATCH) batches.push(rows.slice(start, start + STAFF_PER_JOB_BATCH));
  if (begun.job.state === 'committed') {
    await record(deps, principal, attempt, 'ok', { detail: `job ${jobId}: already committed, ${rows.length} staff (replay, nothing written)` });
    return { created: rows.length, batches: 0 };
  }
  if (begun.job.state === 'rolling-back') await rollBackStaffJob(deps, jobId);
  if (begun.job.state !== 'applying') await deps.importJobs.transition(jobId, JOB_TRANSITIONS.restart.from, JOB_TRANSITIONS.restart.to, at(deps));

  try {
    await pool(batches, PARALLEL_BATCHES, (batch) => deps.importJobs.writeBatch(jobId, batch));
  } catch (error) {
    if (error instanceof ImportStaffNoTakenError) {
      // Someone created one of these 工号 after the check: the whole file is refused.
      await rollBackStaffJob(deps, jobId);
      const lines = error.rows.map((row) => row.line).sort((a, b) => a - b);
      const conflict = new ConflictError(`rows.${lines[0]}.staffNo`, `工号 ${error.rows.map((row) => row.staffNo).join(', ')} (rows ${lines.join(', ')}) taken meanwhile; nothing written`);
      await refuse(deps, principal, attempt, conflict, { detail: `job ${jobId} rolled back: ${conflict.message.slice(0, 160)}` });
    }
    if (!(error instanceof ImportJobNotApplyingError)) throw error;
    // Another request of the same job committed it or rolled it back while we wrote.
  }
  const state = await deps.importJobs.commit(jobId, at(deps));
  if (state !== 'committed') {
    await refuse(deps, principal, attempt, new ImportJobCancelledError('file: this import was rolled back meanwhile; nothing written'), { detail: `job ${jobId} ${state}` });
  }
  await record(deps, principal, attempt, 'ok', { detail: `job ${jobId}: ${rows.length} staff created in ${batches.length} batches` });
  return { created: rows.length, batches: batches.length };
}
