import type { RoundView } from '#shared/contracts/sampling/rounds.js';

/** The two steps of a round that are jobs: each call works for the API's time budget. */
export type RoundJobStep = 'freeze' | 'draw';

/** How far a job is: partitions read of all (freeze), entries stored of those drawn (draw). */
export interface RoundJobProgress {
  step: RoundJobStep;
  done: number;
  total: number;
}

/**
 * The freeze or draw under way, read off the round as the API answered it; null when neither is.
 * A freeze under way leaves the round 已承诺 with `freezing`; a draw under way leaves it 已抽取 with
 * fewer entries stored than drawn (a round drawn before the draw became a job has no
 * `sampleWritten`: its draw finished in one call).
 */
export function roundJobUnderWay(round: RoundView): RoundJobProgress | null {
  if (round.state === 'committed' && round.freezing) return { step: 'freeze', done: round.freezing.staged, total: round.freezing.partitions };
  const { drawn, sampleWritten } = round;
  if (round.state === 'drawn' && drawn !== undefined && sampleWritten !== undefined && sampleWritten < drawn) return { step: 'draw', done: sampleWritten, total: drawn };
  return null;
}
