import { samplingOperations } from '#shared/contracts/ops-sampling.js';
import { DrawVerification } from '#shared/contracts/sampling/draw-verification.js';
import { roundOperations } from '#shared/contracts/sampling/ops-rounds.js';
import { PublishedRound, publishedRoundOperations } from '#shared/contracts/sampling/published.js';
import { RoundList, RoundView, type RoundConfigInput } from '#shared/contracts/sampling/rounds.js';
import { call, fillPath, type ApiResult } from './api';
import { webConfig } from './config';

/**
 * Client functions of the 阳光测评 sampling capability (issue 13). The pack is sent as it was read
 * from the uploaded file: the API validates it (DrawPack) and names bad fields.
 */
export function verifyDrawPack(pack: unknown): Promise<ApiResult<DrawVerification>> {
  const op = samplingOperations.verifyDrawPack;
  return call(DrawVerification, { method: op.method, path: op.path, body: pack });
}

export function listRounds(token: string, unitId: string): Promise<ApiResult<RoundList>> {
  const op = roundOperations.listRounds;
  return call(RoundList, { method: op.method, path: op.path, token, query: { unitId } });
}

export function getRound(token: string, roundId: string): Promise<ApiResult<RoundView>> {
  const op = roundOperations.getRound;
  return call(RoundView, { method: op.method, path: fillPath(op.path, { roundId }), token });
}

export function createRound(token: string, body: RoundConfigInput): Promise<ApiResult<RoundView>> {
  const op = roundOperations.createRound;
  return call(RoundView, { method: op.method, path: op.path, token, body });
}

export function updateRound(token: string, roundId: string, body: RoundConfigInput): Promise<ApiResult<RoundView>> {
  const op = roundOperations.updateRound;
  return call(RoundView, { method: op.method, path: fillPath(op.path, { roundId }), token, body });
}

/** The steps of a round's life, each a POST from the states it may start from (409 otherwise). */
export const ROUND_STEPS = {
  commit: roundOperations.commitRound,
  freeze: roundOperations.freezeRound,
  draw: roundOperations.drawRound,
  close: roundOperations.closeRound,
  publish: roundOperations.publishRound,
  cancel: roundOperations.cancelRound,
} as const;
export type RoundStep = keyof typeof ROUND_STEPS;

/**
 * Freeze and draw are jobs (each call works for the API's time budget, then answers how far it
 * got): like the invitation jobs, wait longer than `call()`'s 10 s so that a slow call shows as the
 * API's answer, not as ours giving up.
 */
const JOB_STEPS = new Set<RoundStep>(['freeze', 'draw']);
const JOB_TIMEOUT_MS = 15_000;

export function stepRound(token: string, roundId: string, step: RoundStep, publicInput = ''): Promise<ApiResult<RoundView>> {
  const op = ROUND_STEPS[step];
  return call(RoundView, {
    method: op.method,
    path: fillPath(op.path, { roundId }),
    token,
    ...(step === 'draw' ? { body: { publicInput } } : {}),
    ...(JOB_STEPS.has(step) ? { timeoutMs: JOB_TIMEOUT_MS } : {}),
  });
}

/**
 * The verification pack as the API wrote it, bytes untouched (a parse and re-serialisation could
 * reorder what a verifier hashes), or the status it failed with.
 */
export function fetchDrawPack(token: string, roundId: string): Promise<PackBytes> {
  return fetchPack(fillPath(roundOperations.getRoundDrawPack.path, { roundId }), token);
}

/** A published round's pack, for anyone (no session): the same bytes as the administrators' pack. */
export function fetchPublishedDrawPack(roundId: string): Promise<PackBytes> {
  return fetchPack(fillPath(publishedRoundOperations.getPublishedDrawPack.path, { roundId }));
}

type PackBytes = { status: number; body?: ArrayBuffer };

async function fetchPack(path: string, token?: string): Promise<PackBytes> {
  try {
    const response = await fetch(`${webConfig().API_BASE_URL}${path}`, {
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), accept: 'application/json' },
      signal: AbortSignal.timeout(30_000),
    });
    return response.ok ? { status: 200, body: await response.arrayBuffer() } : { status: response.status };
  } catch {
    return { status: 503 };
  }
}

/** A published round's results and the draw's public facts, for anyone (404 unless published). */
export function getPublishedRound(roundId: string): Promise<ApiResult<PublishedRound>> {
  const op = publishedRoundOperations.getPublishedRound;
  return call(PublishedRound, { method: op.method, path: fillPath(op.path, { roundId }) });
}
