import { randomBytes } from 'node:crypto';
import type { DrawPack } from '#shared/contracts/sampling/draw-pack.js';
import type { RoundConfig, RoundView } from '#shared/contracts/sampling/rounds.js';
import { addDays, chinaDay } from '#shared/domain/china-time.js';
import { allocate } from '#shared/domain/sampling/allocation.js';
import { emptyLevelCounts } from '#shared/domain/level-counts.js';
import { buildRoundResults } from '#shared/domain/sampling/round-results.js';
import { NATIONAL_SATISFIED_RATE } from '#shared/domain/rates.js';
import { compareUtf8 } from '#shared/domain/sampling/byte-order.js';
import { commitmentOf, DRAW_FORMAT, drawSample, frameHashOf, fromHex, publicInputProblem, SEED_BYTES, stratumSizes, toHex } from '#shared/domain/sampling/draw.js';
import { frameMerger, frameStager, mergeStages, type BuiltFrame, type FrameOptions, type FrameStage } from '#shared/domain/sampling/frame.js';
import { allocationInput, type RoundSize } from '#shared/domain/sampling/round-size.js';
import { record, type Attempt } from '../../access/index.js';
import type { Principal } from '../../auth/principal.js';
import { RoundStateError, type RoundRecord, type StoredFrameEntry } from '../../data/sampling-rounds.js';
import { pool } from '../../data/pool.js';
import type { UnitRecord } from '../../data/units.js';
import { ConflictError, ValidationError } from '../../errors.js';
import { derivedKey } from '../../throttle/keyring.js';
import { mac128 } from '../../throttle/mac.js';
import { RECORD_PHONE_DAYS } from '../service-records/push.js';
import { nodeDrawCrypto } from './draw-crypto.js';
import { authorizeRound, drawUnfinished, roundView, shownRound, stepRound, type RoundDeps } from './rounds.js';

/**
 * The frame and the draw of a round (manyi-draw-v1, docs/decisions/0017): commit (a fresh seed, its
 * commitment published), freeze (the frame fixed, its hash and N_h published, n_h allocated), draw
 * (a second person's public input, the sample), and the verification pack.
 */

/** Not a China-time day, so the derived key is never one of the anti-stuffing day keys. */
export const ROUND_ENTRY_LABEL = 'round-entry';
const DAY_MS = 86_400_000;
const UNIT_PAGE = 500;
/** Listing Queries in flight while a frame is read (one per unit and month). */
export const READS_IN_FLIGHT = 4;
/** A freeze or draw call stops after this long (then the page calls again), like the invitation jobs. */
export const ROUND_JOB_BUDGET_MS = 6_000;
/** A freeze job's stages are kept this long (TTL); a job older than a day starts over with fresh reads. */
const STAGE_KEEP_DAYS = 3;
const FREEZE_JOB_FRESH_MS = DAY_MS;
/**
 * Longer than any call may run (a route Lambda is cut at 28 s): a merge left by a call that died is
 * taken again after it. Per round, not per job: two first calls at once start two jobs, and only
 * one of them may write the frame's chunks.
 */
const MERGE_LEASE_MS = 60_000;
/** Sample entries stored per step of a draw call. */
const SAMPLE_STEP = 200;

export interface RoundJobOptions {
  /** The call's time budget; at least one step is always made. Default: the deps' (ROUND_JOB_BUDGET_MS setting), else 6 s. */
  budgetMs?: number;
}

/** The months (YYYY-MM) from the month of `from` to the month of `to`, both China-time days. */
export function monthsBetween(from: string, to: string): string[] {
  const months: string[] = [];
  for (let month = from.slice(0, 7); month <= to.slice(0, 7); ) {
    months.push(month);
    const [year, m] = month.split('-').map(Number) as [number, number];
    month = m === 12 ? `${year + 1}-01` : `${year}-${String(m + 1).padStart(2, '0')}`;
  }
  return months;
}

export async function subtreeOf(deps: Pick<RoundDeps, 'units'>, unit: UnitRecord): Promise<UnitRecord[]> {
  const units: UnitRecord[] = [];
  let cursor: string | undefined;
  do {
    const page = await deps.units.subtree(unit.path, { limit: UNIT_PAGE, cursor, includeArchived: true });
    units.push(...page.items);
    cursor = page.cursor;
  } while (cursor);
  return units;
}

/** A unit's month of 办件: the part of a frame a freeze job reads at a time. */
interface Partition {
  unitId: string;
  month: string;
}
const partitionKey = ({ unitId, month }: Partition) => `${unitId}#${month}`;

/** The unit months a round reads: every unit of its scope (archived too) × every month of its period. */
async function partitionsOf(deps: RoundDeps, round: RoundRecord, unit: UnitRecord): Promise<Partition[]> {
  const { period } = round.config as unknown as RoundConfig;
  const months = monthsBetween(period.from, period.to);
  return (await subtreeOf(deps, unit)).flatMap((member) => months.map((month) => ({ unitId: member.id, month })));
}

/** How the round reads its 办件 (filters, strata, which numbers are still kept) and forms its entries (quarantine, entry ids). */
async function frameOptions(deps: RoundDeps, round: RoundRecord): Promise<FrameOptions> {
  const config = round.config as unknown as RoundConfig;
  const now = deps.now();
  const today = chinaDay(now);
  // By month of invitation (a month's partition at a time): up to a month longer than asked, never shorter; 0 days is none.
  const invited = config.quarantineDays > 0 ? await deps.rounds.quarantined(monthsBetween(addDays(today, -config.quarantineDays), today)) : new Set<string>();
  const entryKey = await derivedKey(deps.throttle.keyring, ROUND_ENTRY_LABEL);
  return {
    filters: { ...config.filters, from: config.period.from, to: config.period.to },
    strataBy: config.strataBy,
    quarantined: (phoneKey) => invited.has(phoneKey),
    reachable: (entry) => entry.contactId !== undefined && (entry.storedAt === undefined || Date.parse(entry.storedAt) + RECORD_PHONE_DAYS * DAY_MS > now.getTime()),
    entryIdOf: (phoneKey) => mac128(entryKey, `${round.roundId}\n${phoneKey}`),
  };
}

/** One unit month read page by page into a stage: only one 办件 per person is held, never the whole month. */
async function stagePartition(deps: RoundDeps, options: FrameOptions, { unitId, month }: Partition) {
  const stager = frameStager(options);
  for await (const page of deps.rounds.recordsOfMonth(unitId, month)) for (const record of page) stager.add(record);
  return stager.finish();
}

/** The round's frame as it stands now, read at once (the commit's check of the size against N). */
async function currentFrame(deps: RoundDeps, round: RoundRecord, unit: UnitRecord): Promise<BuiltFrame> {
  const options = await frameOptions(deps, round);
  const stages: FrameStage[] = [];
  await pool(await partitionsOf(deps, round, unit), READS_IN_FLIGHT, async (partition) => {
    stages.push(await stagePartition(deps, options, partition));
  });
  return mergeStages(stages, options);
}

/**
 * Neyman's p_h (docs/decisions/0023): each stratum's 满意率 in the latest closed round of the same
 * unit with the same strata, for the strata of this frame whose cell that round's results SHOW —
 * the priors are published in the verification pack, so a rate the results hide (under k, or
 * hidden with one that is) must not be published through them — smoothed as (x + 1)/(n + 2), so
 * that a stratum where everyone (or no one) was satisfied still gets a share of the next sample.
 * A stratum without one is 0.5 (allocation.ts).
 */
async function neymanPriors(deps: RoundDeps, round: RoundRecord, frameStrata: readonly { key: string }[]): Promise<{ priors: Record<string, number>; from: string } | undefined> {
  const strataBy = (round.config as unknown as RoundConfig).strataBy;
  const earlier = (await deps.rounds.listUnit(round.unitId))
    .filter((other) => other.roundId !== round.roundId && (other.state === 'closed' || other.state === 'published') && (other.config as unknown as RoundConfig).strataBy === strataBy)
    .sort((a, b) => (b.closedAt ?? '').localeCompare(a.closedAt ?? ''))[0];
  if (!earlier) return undefined;
  const answers = await deps.invitations.answerCounts(earlier.roundId);
  const shown = buildRoundResults(
    (earlier.strata ?? []).map(({ key, N }) => ({ key, N, drawn: 0, sent: 0, failed: 0, responded: 0, optedOut: 0, counts: answers.get(key) ?? emptyLevelCounts() })),
  );
  const inFrame = new Set(frameStrata.map((stratum) => stratum.key));
  const priors: Record<string, number> = {};
  for (const stratum of shown.strata) {
    if (stratum.suppressed !== null || !inFrame.has(stratum.key) || !stratum.counts || !stratum.n) continue;
    const satisfied = NATIONAL_SATISFIED_RATE.levels.reduce((sum, level) => sum + stratum.counts![String(level) as '1'], 0);
    priors[stratum.key] = (satisfied + 1) / (stratum.n + 2);
  }
  return Object.keys(priors).length > 0 ? { priors, from: earlier.roundId } : undefined;
}

/** n above the frame is refused while the round can still be changed: the message gives N. */
function sizeProblem(config: RoundConfig, N: number): ValidationError | undefined {
  const size = config.size as RoundSize;
  if (N === 0) return ValidationError.forField('period', 'no 办件 with a mobile number match this round: the frame would be empty');
  if (size.mode === 'total' && size.n > N) return ValidationError.forField('size.n', `is above the frame: N = ${N} people (asking everyone is n = ${N})`);
  return undefined;
}

/** 草稿 → 已承诺: the configuration is locked; a fresh 32-byte seed is drawn and its SHA-256 published. */
export async function commitRound(deps: RoundDeps, principal: Principal, roundId: string): Promise<RoundView> {
  const attempt: Attempt = { action: 'round.commit', objectType: 'round', objectId: roundId };
  const { round, unit } = await authorizeRound(deps, principal, 'sampling:manage', attempt);
  if (round.state !== 'draft') await stepRound(deps, principal, attempt, round, 'commit', {});
  const frame = await currentFrame(deps, round, unit);
  const problem = sizeProblem(round.config as unknown as RoundConfig, frame.entries.length);
  if (problem) {
    await record(deps, principal, attempt, 'invalid', { unitId: round.unitId, detail: problem.message });
    throw problem;
  }
  const seed = (deps.randomBytes ?? randomBytes)(SEED_BYTES);
  const commitment = commitmentOf(seed, nodeDrawCrypto);
  const committed = await stepRound(deps, principal, attempt, round, 'commit', {
    seed: toHex(seed),
    commitment,
    committedAt: deps.now().toISOString(),
    committedBy: principal.username,
    expectedFrame: frame.entries.length,
  });
  await record(deps, principal, attempt, 'ok', { unitId: round.unitId, detail: `commitment ${commitment}` });
  return shownRound(deps, committed);
}

/** The budget of one freeze or draw call. */
function jobBudget(deps: RoundDeps, options: RoundJobOptions): number {
  return options.budgetMs ?? deps.jobBudgetMs ?? ROUND_JOB_BUDGET_MS;
}

/**
 * 已承诺 → 已冻结, as a job (decision 0021): each call reads unit months of the scope for its time
 * budget, keeping a stage of each (its counts and one candidate per person), and answers the round
 * still 已承诺 with `freezing` (months read, of all); the call that has read them all merges the
 * stages into the frame (one entry per person across every unit and month), writes its chunks,
 * and only then moves the state. A call that does not finish stores its stages for the next; the
 * one that finishes merges its own from memory with those stored. A job left for a day starts
 * over, so a frame is never made of reads days apart.
 */
export async function freezeRound(deps: RoundDeps, principal: Principal, roundId: string, options: RoundJobOptions = {}): Promise<RoundView> {
  const started = performance.now();
  const budgetMs = jobBudget(deps, options);
  const attempt: Attempt = { action: 'round.freeze', objectType: 'round', objectId: roundId };
  const { round, unit } = await authorizeRound(deps, principal, 'sampling:manage', attempt);
  if (round.state !== 'committed') await stepRound(deps, principal, attempt, round, 'freeze', {});
  const now = deps.now();
  const fresh = round.freezing && now.getTime() - Date.parse(round.freezing.startedAt) < FREEZE_JOB_FRESH_MS;
  const job = fresh ? round.freezing! : { jobId: randomBytes(6).toString('hex'), startedAt: now.toISOString(), staged: 0, partitions: 0 };
  const partitions = await partitionsOf(deps, round, unit);
  const staged = fresh ? await deps.rounds.stagedPartitions(round.roundId, job.jobId) : new Set<string>();
  const due = partitions.filter((partition) => !staged.has(partitionKey(partition)));
  const frameReading = await frameOptions(deps, round);
  const expiresAt = Math.ceil((now.getTime() + STAGE_KEEP_DAYS * DAY_MS) / 1000);
  let read = 0;
  // This call's stages stay in memory: written only if the job does not finish in this call (the
  // common case, a county's frame, is one call that never writes or reads a stage).
  const mine = new Map<string, { partition: Partition; stage: FrameStage }>();
  // At least one batch per call, so every call moves the job on.
  do {
    const batch = due.slice(read, read + READS_IN_FLIGHT);
    await pool(batch, READS_IN_FLIGHT, async (partition) => {
      mine.set(partitionKey(partition), { partition, stage: await stagePartition(deps, frameReading, partition) });
    });
    read += batch.length;
  } while (read < due.length && performance.now() - started < budgetMs);
  const progress = { ...job, staged: partitions.length - due.length + read, partitions: partitions.length };
  const keepMine = () =>
    pool([...mine.values()], READS_IN_FLIGHT, async ({ partition, stage }) => {
      await deps.rounds.writeStage(round.roundId, job.jobId, partition, stage, expiresAt);
    });
  if (read < due.length) {
    await keepMine();
    const going = await stepJob(deps, principal, attempt, round, 'committed', { freezing: progress });
    await record(deps, principal, attempt, 'ok', { unitId: round.unitId, detail: `freezing: ${progress.staged} of ${progress.partitions} unit months read` });
    return shownRound(deps, going);
  }
  // Everything read: one call merges (two tabs continuing the same freeze must not both write the frame's chunks).
  const holder = randomBytes(6).toString('hex');
  if (!(await deps.rounds.leaseMerge(round.roundId, holder, now, MERGE_LEASE_MS))) {
    // Another call is merging; ours are kept, so the progress shown is what the store holds.
    await keepMine();
    return shownRound(deps, await stepJob(deps, principal, attempt, round, 'committed', { freezing: progress }));
  }
  try {
    const merger = frameMerger(frameReading);
    for (const { stage } of mine.values()) merger.add(stage);
    mine.clear();
    // Earlier calls' stages, but not a month this call read too (another call at once may have staged it).
    if (staged.size > 0) for await (const stage of deps.rounds.readStages(round.roundId, job.jobId, new Set(due.map(partitionKey)))) merger.add(stage);
    const frozen = await fixFrame(deps, principal, attempt, round, merger.finish(), progress);
    // The stages hold pseudonyms and contact ids: gone with the frame fixed, not kept for their TTL.
    await deps.rounds.deleteStages(round.roundId, job.jobId);
    return frozen;
  } finally {
    await deps.rounds.releaseMerge(round.roundId, holder);
  }
}

/** A job's progress on the round, while the round is still in `state` (else the 409 of that step). */
async function stepJob(deps: RoundDeps, principal: Principal, attempt: Attempt, round: RoundRecord, state: RoundRecord['state'], patch: Partial<RoundRecord>): Promise<RoundRecord> {
  try {
    return await deps.rounds.transition(round.roundId, [state], { ...patch, updatedAt: deps.now().toISOString() });
  } catch (error) {
    if (!(error instanceof RoundStateError)) throw error;
    const message = `the round is ${error.current ?? 'gone'} now`;
    await record(deps, principal, attempt, 'invalid', { unitId: round.unitId, detail: message });
    throw new ConflictError('state', message);
  }
}

/** The freeze's last step: the frame's chunks written, its hash, N_h and n_h published, the state moved. */
async function fixFrame(
  deps: RoundDeps,
  principal: Principal,
  attempt: Attempt,
  round: RoundRecord,
  frame: BuiltFrame,
  progress: NonNullable<RoundRecord['freezing']>,
): Promise<RoundView> {
  const config = round.config as unknown as RoundConfig;
  if (frame.entries.length === 0) {
    const problem = sizeProblem(config, 0)!;
    await record(deps, principal, attempt, 'invalid', { unitId: round.unitId, detail: problem.message });
    throw new ConflictError('period', 'no 办件 with a mobile number match this round now: the frame would be empty; cancel the round');
  }
  const strata = stratumSizes(frame.entries);
  const found = config.allocation.method === 'neyman' ? await neymanPriors(deps, round, strata) : undefined;
  const priors = found?.priors;
  const allocation = allocate(allocationInput(config.size as RoundSize, config.allocation, strata, priors));
  if (!allocation.ok) {
    await record(deps, principal, attempt, 'invalid', { unitId: round.unitId, detail: allocation.problem.message });
    throw new ConflictError(allocation.problem.field === 'fixed' ? 'allocation.fixed' : allocation.problem.field, allocation.problem.message);
  }
  // Entry by entry into the chunks' text: no second array of 200,000 entries beside the frame.
  const stored = function* (): Generator<StoredFrameEntry> {
    for (const { stratum, entryId, person } of frame.entries) yield { stratum, entryId, unitId: person.unitId, contactId: person.contactId, phoneKey: person.phoneKey };
  };
  const chunks = await deps.rounds.writeFrame(round.roundId, stored());
  const frameHash = frameHashOf(frame.entries, nodeDrawCrypto);
  const input = allocationInput(config.size as RoundSize, config.allocation, strata, priors);
  const frozen = await stepRound(deps, principal, attempt, round, 'freeze', {
    frameHash,
    frame: { matched: frame.matched, withoutMobile: frame.withoutMobile, people: frame.people, quarantined: frame.quarantined, N: frame.entries.length },
    strata: strata.map(({ key, N }) => ({ key, N, n: allocation.n[key] ?? 0 })),
    allocation: { method: input.method, total: input.total, ...(input.priors ? { priors: { ...input.priors } } : {}) },
    // Which round's rates the priors are: publishing this round publishes them (decision 0024).
    ...(found ? { priorsFrom: found.from } : {}),
    frameChunks: chunks,
    freezing: progress,
    frozenAt: deps.now().toISOString(),
    frozenBy: principal.username,
  });
  await record(deps, principal, attempt, 'ok', { unitId: round.unitId, detail: `frameHash ${frameHash}, N = ${frame.entries.length} in ${strata.length} strata` });
  return shownRound(deps, frozen);
}

/**
 * 已冻结 → 已抽取 (step 3), as a job. The first call moves the state, with the public input and the
 * number drawn, so two draws cannot both happen; it and the calls after it (with the same public
 * input) store the drawn entries for their time budget, `sampleWritten` of `drawn`. The same
 * inputs give the same sample, in the frame's order, so each call recomputes it and goes on where
 * the last one stopped; sample items are only ever created, never overwritten. Sending and the
 * close wait until the sample is whole.
 */
export async function drawRound(deps: RoundDeps, principal: Principal, roundId: string, publicInput: string, options: RoundJobOptions = {}): Promise<RoundView> {
  const started = performance.now();
  const budgetMs = jobBudget(deps, options);
  const attempt: Attempt = { action: 'round.draw', objectType: 'round', objectId: roundId };
  let { round } = await authorizeRound(deps, principal, 'sampling:manage', attempt);
  const problem = publicInputProblem(publicInput);
  if (problem) {
    await record(deps, principal, attempt, 'invalid', { unitId: round.unitId, detail: problem.message });
    throw ValidationError.forField(problem.field, problem.message);
  }
  const goingOn = drawUnfinished(round);
  if (goingOn && publicInput !== round.publicInput) {
    const message = `the draw was made with the public input ${JSON.stringify(round.publicInput ?? '')}: go on with the same`;
    await record(deps, principal, attempt, 'invalid', { unitId: round.unitId, detail: message });
    throw new ConflictError('publicInput', message);
  }
  if (!goingOn && round.state !== 'frozen') await stepRound(deps, principal, attempt, round, 'draw', {});
  const frame = await deps.rounds.readFrame(round.roundId, round.frameChunks ?? 0);
  // The stored frame is the one its published hash was made of, or nothing is drawn from it.
  if (!goingOn && frameHashOf(frame, nodeDrawCrypto) !== round.frameHash) throw new Error(`round ${round.roundId}: the stored frame does not match its frame hash`);
  const sizes = Object.fromEntries((round.strata ?? []).map(({ key, n }) => [key, n ?? 0]));
  const sample = drawSample({ seed: fromHex(round.seed!)!, frameHash: round.frameHash!, publicInput, frame, sizes }, nodeDrawCrypto);
  if (!goingOn) {
    round = await stepRound(deps, principal, attempt, round, 'draw', {
      publicInput,
      drawn: sample.length,
      sampleWritten: 0,
      drawnAt: deps.now().toISOString(),
      drawnBy: principal.username,
    });
    await record(deps, principal, attempt, 'ok', { unitId: round.unitId, detail: `publicInput ${JSON.stringify(publicInput)}, ${sample.length} drawn` });
  }
  const drawnIds = new Set(sample.map((entry) => entry.entryId));
  const drawn = frame.filter((entry) => drawnIds.has(entry.entryId));
  let written = round.sampleWritten ?? 0;
  // At least one step per call, so every call moves the job on.
  do {
    const step = drawn.slice(written, written + SAMPLE_STEP);
    await deps.rounds.writeSample(round.roundId, step);
    written += step.length;
  } while (written < drawn.length && performance.now() - started < budgetMs);
  const stored = await stepJob(deps, principal, attempt, round, 'drawn', { sampleWritten: written });
  if (goingOn) await record(deps, principal, attempt, 'ok', { unitId: round.unitId, detail: `sample: ${written} of ${drawn.length} stored` });
  return shownRound(deps, stored);
}

/** The freeze's calls one after another until the frame is fixed (the seed, the bench, tests; the pages call them one by one). */
export async function freezeWholly(deps: RoundDeps, principal: Principal, roundId: string, options: RoundJobOptions = {}): Promise<RoundView> {
  let view = await freezeRound(deps, principal, roundId, options);
  while (view.state === 'committed') view = await freezeRound(deps, principal, roundId, options);
  return view;
}

/** The draw's calls one after another until the sample is wholly stored. */
export async function drawWholly(deps: RoundDeps, principal: Principal, roundId: string, publicInput: string, options: RoundJobOptions = {}): Promise<RoundView> {
  let view = await drawRound(deps, principal, roundId, publicInput, options);
  while (drawUnfinished(view)) view = await drawRound(deps, principal, roundId, publicInput, options);
  return view;
}

/** The verification pack (step 4): from the draw on; the seed in it once the round is closed. */
export async function roundDrawPack(deps: RoundDeps, principal: Principal, roundId: string): Promise<DrawPack> {
  const attempt: Attempt = { action: 'round.pack', objectType: 'round', objectId: roundId };
  const { round } = await authorizeRound(deps, principal, 'results:read', attempt);
  if (!['drawn', 'sending', 'closed', 'published'].includes(round.state)) {
    throw new ConflictError('state', 'the verification pack exists from the draw on (已抽取)');
  }
  const pack = await packOf(deps, round);
  await record(deps, principal, attempt, 'ok', { unitId: round.unitId });
  return pack;
}

/** A drawn round's pack, whoever reads it (the caller has decided they may): the published page offers it too. */
export async function packOf(deps: Pick<RoundDeps, 'rounds'>, round: RoundRecord): Promise<DrawPack> {
  const view = roundView(round);
  const frame = await deps.rounds.readFrame(round.roundId, round.frameChunks ?? 0);
  const sizes = Object.fromEntries((round.strata ?? []).map(({ key, n }) => [key, n ?? 0]));
  // The pack's order is the draw's: recompute it from the seed (the server holds it even before it is revealed).
  const ordered = drawSample({ seed: fromHex(round.seed!)!, frameHash: round.frameHash!, publicInput: round.publicInput ?? '', frame, sizes }, nodeDrawCrypto);
  // The frame read back must give the sample the draw recorded (its size; the sample items need not be read for that).
  if (ordered.length !== round.drawn) throw new Error(`round ${round.roundId}: the stored frame gives ${ordered.length} entries, the draw recorded ${round.drawn}`);
  return {
    format: DRAW_FORMAT,
    round: round.roundId,
    commitment: round.commitment!,
    ...(view.seed ? { seed: view.seed } : {}),
    publicInput: round.publicInput ?? '',
    frameHash: round.frameHash!,
    allocation: round.allocation as DrawPack['allocation'],
    strata: (round.strata ?? []).map(({ key, N, n }) => ({ key, N, n: n ?? 0 })),
    frame: frame.map(({ stratum, entryId }) => ({ stratum, entryId })),
    sample: ordered.map((entry) => entry.entryId),
  };
}
