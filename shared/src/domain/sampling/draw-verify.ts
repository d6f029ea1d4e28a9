import { allocate, type AllocationMethod } from './allocation.js';
import { compareUtf8 } from './byte-order.js';
import { commitmentOf, DRAW_FORMAT, drawSample, frameHashOf, frameProblem, fromHex, SEED_BYTES, stratumSizes, type DrawCrypto, type FrameEntry } from './draw.js';

/**
 * Re-running a round's draw from its verification pack (manyi-draw-v1, step 4): the commitment, the
 * frame hash, the stratum sizes, the allocation and the sample, each a check with what it expected
 * and what the pack says. `npm run verify-draw` and the public verification page print these.
 */
export interface DrawPack {
  format: typeof DRAW_FORMAT;
  round: string;
  commitment: string;
  /** Revealed when the round closes; absent before. */
  seed?: string;
  publicInput: string;
  frameHash: string;
  allocation: { method: AllocationMethod; total: number; priors?: Record<string, number> };
  strata: { key: string; N: number; n: number }[];
  frame: FrameEntry[];
  sample: string[];
}

export type DrawCheckName = 'commitment' | 'frameHash' | 'strata' | 'allocation' | 'sample';

export interface DrawCheck {
  check: DrawCheckName;
  ok: boolean;
  /** One line for a person: what was recomputed and, on a mismatch, what differs. */
  detail: string;
}

const short = (value: string) => (value.length > 16 ? `${value.slice(0, 16)}…` : value);

export function verifyDrawPack(pack: DrawPack, crypto: DrawCrypto): DrawCheck[] {
  const checks: DrawCheck[] = [];
  const seed = pack.seed === undefined ? undefined : fromHex(pack.seed);

  if (pack.seed === undefined) checks.push({ check: 'commitment', ok: false, detail: 'the seed is not revealed yet (it is, when the round closes)' });
  else if (!seed || seed.length !== SEED_BYTES) checks.push({ check: 'commitment', ok: false, detail: `the seed must be ${SEED_BYTES} bytes as hex` });
  else {
    const commitment = commitmentOf(seed, crypto);
    checks.push(
      commitment === pack.commitment.toLowerCase()
        ? { check: 'commitment', ok: true, detail: `SHA-256(seed) = ${commitment}` }
        : { check: 'commitment', ok: false, detail: `SHA-256(seed) = ${commitment}, the pack says ${pack.commitment}` },
    );
  }

  const problem = frameProblem(pack.frame);
  const frameHash = problem ? undefined : frameHashOf(pack.frame, crypto);
  if (problem) checks.push({ check: 'frameHash', ok: false, detail: `${problem.field} ${problem.message}` });
  else
    checks.push(
      frameHash === pack.frameHash.toLowerCase()
        ? { check: 'frameHash', ok: true, detail: `SHA-256(frame) = ${frameHash} over ${pack.frame.length} entries` }
        : { check: 'frameHash', ok: false, detail: `SHA-256(frame) = ${frameHash}, the pack says ${pack.frameHash}` },
    );

  // N_h as counted from the frame; strata the pack lists with N = 0 are allowed (and drawn from not at all).
  const counted = new Map(stratumSizes(pack.frame).map(({ key, N }) => [key, N]));
  const listed = new Map(pack.strata.map((stratum) => [stratum.key, stratum]));
  const wrongN = [...new Set([...counted.keys(), ...listed.keys()])]
    .sort(compareUtf8)
    .filter((key) => (counted.get(key) ?? 0) !== (listed.get(key)?.N ?? -1))
    .map((key) => `${key}: frame ${counted.get(key) ?? 0}, pack ${listed.get(key)?.N ?? 'missing'}`);
  const duplicated = pack.strata.length !== listed.size;
  checks.push(
    wrongN.length === 0 && !duplicated
      ? { check: 'strata', ok: true, detail: `${pack.strata.length} strata, N = ${pack.frame.length}` }
      : { check: 'strata', ok: false, detail: duplicated ? 'a stratum is listed twice' : `N_h differs — ${wrongN.slice(0, 5).join('; ')}` },
  );

  const sizes = pack.strata.map(({ key, N }) => ({ key, N }));
  const allocation = allocate({
    method: pack.allocation.method,
    total: pack.allocation.total,
    strata: sizes,
    ...(pack.allocation.priors ? { priors: pack.allocation.priors } : {}),
    ...(pack.allocation.method === 'fixed' ? { fixed: Object.fromEntries(pack.strata.map(({ key, n }) => [key, n])) } : {}),
  });
  if (!allocation.ok) checks.push({ check: 'allocation', ok: false, detail: `${allocation.problem.field} ${allocation.problem.message}` });
  else {
    const wrongNh = pack.strata.filter(({ key, n }) => allocation.n[key] !== n).map(({ key, n }) => `${key}: computed ${allocation.n[key]}, pack ${n}`);
    checks.push(
      wrongNh.length === 0
        ? { check: 'allocation', ok: true, detail: `${pack.allocation.method}, n = ${pack.allocation.total}${allocation.census ? ' (census)' : ''}` }
        : { check: 'allocation', ok: false, detail: `n_h differs — ${wrongNh.slice(0, 5).join('; ')}` },
    );
  }

  if (!seed || seed.length !== SEED_BYTES || problem) {
    checks.push({ check: 'sample', ok: false, detail: 'cannot be re-drawn without a valid seed and frame' });
    return checks;
  }
  const drawn = drawSample(
    { seed, frameHash: frameHash!, publicInput: pack.publicInput, frame: pack.frame, sizes: Object.fromEntries(pack.strata.map(({ key, n }) => [key, n])) },
    crypto,
  ).map(({ entryId }) => entryId);
  const expected = new Set(drawn);
  const claimed = new Set(pack.sample);
  const missing = drawn.filter((entryId) => !claimed.has(entryId));
  const extra = pack.sample.filter((entryId) => !expected.has(entryId));
  const sameOrder = drawn.length === pack.sample.length && drawn.every((entryId, index) => pack.sample[index] === entryId);
  checks.push(
    missing.length === 0 && extra.length === 0 && claimed.size === pack.sample.length && drawn.length === pack.sample.length
      ? { check: 'sample', ok: true, detail: `${drawn.length} entries re-drawn, the same as the pack's${sameOrder ? ', in the same order' : ''}` }
      : {
          check: 'sample',
          ok: false,
          detail: `re-drawn ${drawn.length}, pack ${pack.sample.length}; not in the pack: ${missing.slice(0, 3).map(short).join(', ') || 'none'}; in the pack but not drawn: ${extra.slice(0, 3).map(short).join(', ') || 'none'}`,
        },
  );
  return checks;
}
