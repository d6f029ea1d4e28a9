import type { DrawPack } from '#shared/contracts/sampling/draw-pack.js';
import type { DrawVerification } from '#shared/contracts/sampling/draw-verification.js';
import type { DrawCrypto } from '#shared/domain/sampling/draw.js';
import { verifyDrawPack } from '#shared/domain/sampling/draw-verify.js';
import { nodeDrawCrypto } from './draw-crypto.js';

export interface VerifyDrawDeps {
  crypto: DrawCrypto;
}

/**
 * The public /verify page's check of a sampling round's draw (issue 13 §3): the pack's five checks
 * re-run (manyi-draw-v1), exactly what `npm run verify-draw` prints. Nothing is read or stored; a
 * pack that fails a check is an answer (`ok: false`), not an error.
 */
export function verifyDraw(pack: DrawPack, deps: VerifyDrawDeps = { crypto: nodeDrawCrypto }): DrawVerification {
  const checks = verifyDrawPack(pack, deps.crypto);
  return {
    format: pack.format,
    round: pack.round,
    frameEntries: pack.frame.length,
    sampleSize: pack.sample.length,
    checks,
    ok: checks.every((check) => check.ok),
  };
}
