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
import { frameBuilder, type BuiltFrame } from '#shared/domain/sampling/frame.js';
import { allocationInput, type RoundSize } from '#shared/domain/sampling/round-size.js';
import { record, type Attempt } from '../../access/index.js';
import type { Principal } from '../../auth/principal.js';
import type { RoundRecord, StoredFrameEntry } from '../../data/sampling-rounds.js';
import { pool } from '../../data/pool.js';
import type { UnitRecord } from '../../data/units.js';
import { ConflictError, ValidationError } from '../../errors.js';
import { derivedKey } from '../../throttle/keyring.js';
import { mac128 } from '../../throttle/mac.js';
import { RECORD_PHONE_DAYS } from '../service-records/push.js';
import { nodeDrawCrypto } from './draw-crypto.js';
import { authorizeRound, roundView, shownRound, stepRound, type RoundDeps } from './rounds.js';

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

/** The round's frame as it stands now: 办件 of the scope and period, filtered, one entry per person. */
async function currentFrame(deps: RoundDeps, round: RoundRecord, unit: UnitRecord): Promise<BuiltFrame> {
  const config = round.config as unknown as RoundConfig;
  const now = deps.now();
  const months = monthsBetween(config.period.from, config.period.to);
  const today = chinaDay(now);
  // By month of invitation (a month's partition at a time): up to a month longer than asked, never shorter; 0 days is none.
  const invited = config.quarantineDays > 0 ? await deps.rounds.quarantined(monthsBetween(addDays(today, -config.quarantineDays), today)) : new Set<string>();
  const entryKey = await derivedKey(deps.throttle.keyring, ROUND_ENTRY_LABEL);
  const builder = frameBuilder({
    filters: { ...config.filters, from: config.period.from, to: config.period.to },
    strataBy: config.strataBy,
    quarantined: (phoneKey) => invited.has(phoneKey),
    reachable: (entry) => entry.contactId !== undefined && (entry.storedAt === undefined || Date.parse(entry.storedAt) + RECORD_PHONE_DAYS * DAY_MS > now.getTime()),
    entryIdOf: (phoneKey) => mac128(entryKey, `${round.roundId}\n${phoneKey}`),
  });
  // Page by page into the builder: only one 办件 per person is held, never the whole period.
  const partitions = (await subtreeOf(deps, unit)).flatMap((member) => months.map((month) => ({ unitId: member.id, month })));
  await pool(partitions, READS_IN_FLIGHT, async ({ unitId, month }) => {
    for await (const page of deps.rounds.recordsOfMonth(unitId, month)) for (const record of page) builder.add(record);
  });
  return builder.finish();
}

/**
 * Neyman's p_h (docs/decisions/0023): each stratum's 满意率 in the latest closed round of the same
 * unit with the same strata, for the strata of this frame whose cell that round's results SHOW —
 * the priors are published in the verification pack, so a rate the results hide (under k, or
 * hidden with one that is) must not be published through them — smoothed as (x + 1)/(n + 2), so
 * that a stratum where everyone (or no one) was satisfied still gets a share of the next sample.
 * A stratum without one is 0.5 (allocation.ts).
 */
async function neymanPriors(deps: RoundDeps, round: RoundRecord, frameStrata: readonly { key: string }[]): Promise<Record<string, number> | undefined> {
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
  return Object.keys(priors).length > 0 ? priors : undefined;
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

/**
 * 已承诺 → 已冻结: the frame is built once more and fixed. Its chunks are written first and the
 * state moved last, so a freeze that fails half-way leaves the round 已承诺 and is simply repeated
 * (the chunk count in the round says which chunks are the frame).
 */
export async function freezeRound(deps: RoundDeps, principal: Principal, roundId: string): Promise<RoundView> {
  const attempt: Attempt = { action: 'round.freeze', objectType: 'round', objectId: roundId };
  const { round, unit } = await authorizeRound(deps, principal, 'sampling:manage', attempt);
  if (round.state !== 'committed') await stepRound(deps, principal, attempt, round, 'freeze', {});
  const config = round.config as unknown as RoundConfig;
  const frame = await currentFrame(deps, round, unit);
  if (frame.entries.length === 0) {
    const problem = sizeProblem(config, 0)!;
    await record(deps, principal, attempt, 'invalid', { unitId: round.unitId, detail: problem.message });
    throw new ConflictError('period', 'no 办件 with a mobile number match this round now: the frame would be empty; cancel the round');
  }
  const strata = stratumSizes(frame.entries);
  const priors = config.allocation.method === 'neyman' ? await neymanPriors(deps, round, strata) : undefined;
  const allocation = allocate(allocationInput(config.size as RoundSize, config.allocation, strata, priors));
  if (!allocation.ok) {
    await record(deps, principal, attempt, 'invalid', { unitId: round.unitId, detail: allocation.problem.message });
    throw new ConflictError(allocation.problem.field === 'fixed' ? 'allocation.fixed' : allocation.problem.field, allocation.problem.message);
  }
  const stored: StoredFrameEntry[] = frame.entries.map(({ stratum, entryId, record: source }) => ({
    stratum,
    entryId,
    unitId: source.unitId,
    contactId: source.contactId!,
    phoneKey: source.phoneKey!,
  }));
  const chunks = await deps.rounds.writeFrame(round.roundId, stored);
  const frameHash = frameHashOf(frame.entries, nodeDrawCrypto);
  const input = allocationInput(config.size as RoundSize, config.allocation, strata, priors);
  const frozen = await stepRound(deps, principal, attempt, round, 'freeze', {
    frameHash,
    frame: { matched: frame.matched, withoutMobile: frame.withoutMobile, people: frame.people, quarantined: frame.quarantined, N: frame.entries.length },
    strata: strata.map(({ key, N }) => ({ key, N, n: allocation.n[key] ?? 0 })),
    allocation: { method: input.method, total: input.total, ...(input.priors ? { priors: { ...input.priors } } : {}) },
    frameChunks: chunks,
    frozenAt: deps.now().toISOString(),
    frozenBy: principal.username,
  });
  await record(deps, principal, attempt, 'ok', { unitId: round.unitId, detail: `frameHash ${frameHash}, N = ${frame.entries.length} in ${strata.length} strata` });
  return shownRound(deps, frozen);
}

/**
 * 已冻结 → 已抽取 (step 3). The state moves first, with the public input, so two draws cannot both
 * happen; the sample items follow (the same inputs give the same sample, so writing them again is
 * harmless).
 */
export async function drawRound(deps: RoundDeps, principal: Principal, roundId: string, publicInput: string): Promise<RoundView> {
  const attempt: Attempt = { action: 'round.draw', objectType: 'round', objectId: roundId };
  const { round } = await authorizeRound(deps, principal, 'sampling:manage', attempt);
  const problem = publicInputProblem(publicInput);
  if (problem) {
    await record(deps, principal, attempt, 'invalid', { unitId: round.unitId, detail: problem.message });
    throw ValidationError.forField(problem.field, problem.message);
  }
  if (round.state !== 'frozen') await stepRound(deps, principal, attempt, round, 'draw', {});
  const frame = await deps.rounds.readFrame(round.roundId, round.frameChunks ?? 0);
  const sizes = Object.fromEntries((round.strata ?? []).map(({ key, n }) => [key, n ?? 0]));
  const sample = drawSample({ seed: fromHex(round.seed!)!, frameHash: round.frameHash!, publicInput, frame, sizes }, nodeDrawCrypto);
  const drawn = await stepRound(deps, principal, attempt, round, 'draw', {
    publicInput,
    drawn: sample.length,
    drawnAt: deps.now().toISOString(),
    drawnBy: principal.username,
  });
  const drawnIds = new Set(sample.map((entry) => entry.entryId));
  await deps.rounds.writeSample(round.roundId, frame.filter((entry) => drawnIds.has(entry.entryId)));
  await record(deps, principal, attempt, 'ok', { unitId: round.unitId, detail: `publicInput ${JSON.stringify(publicInput)}, ${sample.length} drawn` });
  return shownRound(deps, drawn);
}

/** The verification pack (step 4): from the draw on; the seed in it once the round is closed. */
export async function roundDrawPack(deps: RoundDeps, principal: Principal, roundId: string): Promise<DrawPack> {
  const attempt: Attempt = { action: 'round.pack', objectType: 'round', objectId: roundId };
  const { round } = await authorizeRound(deps, principal, 'results:read', attempt);
  if (!['drawn', 'sending', 'closed', 'published'].includes(round.state)) {
    throw new ConflictError('state', 'the verification pack exists from the draw on (已抽取)');
  }
  const view = roundView(round);
  const frame = await deps.rounds.readFrame(round.roundId, round.frameChunks ?? 0);
  const sample = await deps.rounds.readSample(round.roundId);
  sample.sort((a, b) => compareUtf8(a.stratum, b.stratum));
  const sizes = Object.fromEntries((round.strata ?? []).map(({ key, n }) => [key, n ?? 0]));
  // The pack's order is the draw's: recompute it from the seed (the server holds it even before it is revealed).
  const ordered = drawSample({ seed: fromHex(round.seed!)!, frameHash: round.frameHash!, publicInput: round.publicInput ?? '', frame, sizes }, nodeDrawCrypto);
  if (ordered.length !== sample.length) throw new Error(`round ${roundId}: ${sample.length} sample items for ${ordered.length} drawn`);
  await record(deps, principal, attempt, 'ok', { unitId: round.unitId });
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
