import type { DrawPack } from '#shared/contracts/sampling/draw-pack.js';
import type { PublishedRound } from '#shared/contracts/sampling/published.js';
import type { RoundConfig, RoundView } from '#shared/contracts/sampling/rounds.js';
import { record, type Attempt } from '../../access/index.js';
import type { Principal } from '../../auth/principal.js';
import type { InvitationStore } from '../../data/sampling-invitations.js';
import type { RoundRecord } from '../../data/sampling-rounds.js';
import { ConflictError, NotFoundError } from '../../errors.js';
import { packOf } from './draw-round.js';
import { resultsOf } from './results.js';
import { authorizeRound, refuseDrawer, shownRound, stepRound, unitNames, type RoundDeps } from './rounds.js';

/**
 * 已截止 → 已公布 (issue 13 §2; docs/decisions/0024-publishing-rounds.md). Publishing makes a closed
 * round's results readable by anyone, without an account: the results as the committee reads them
 * (cells under k hidden), the draw's public facts and the verification pack with the revealed
 * seed, so that the public can check the draw with their own code. It cannot be undone. The
 * account that drew may not publish, as it may not close; a close whose purge did not finish is
 * finished first (no round is published while its people's numbers are still kept).
 */
export async function publishRound(deps: RoundDeps, principal: Principal, roundId: string): Promise<RoundView> {
  const attempt: Attempt = { action: 'round.publish', objectType: 'round', objectId: roundId };
  const { round } = await authorizeRound(deps, principal, 'sampling:manage', attempt);
  await refuseDrawer(deps, principal, attempt, round, 'publish');
  if (round.state === 'closed' && !round.purgedAt) {
    const message = 'the close has not finished deleting the numbers of the people drawn: close the round again first';
    await record(deps, principal, attempt, 'invalid', { unitId: round.unitId, detail: message });
    throw new ConflictError('state', message);
  }
  // Neyman priors are an earlier round's 满意率 by stratum, and the pack publishes them: that round's
  // results must be public first (a round whose priors' source is not known is refused alike).
  if (round.allocation?.priors && Object.keys(round.allocation.priors).length > 0) {
    const source = round.priorsFrom ? await deps.rounds.get(round.priorsFrom) : undefined;
    if (source?.state !== 'published') {
      const message = `its Neyman priors are the 满意率 of round ${round.priorsFrom ?? '(unknown)'}, whose results are not published: publish that round first`;
      await record(deps, principal, attempt, 'invalid', { unitId: round.unitId, detail: message });
      throw new ConflictError('state', message);
    }
  }
  const published = await stepRound(deps, principal, attempt, round, 'publish', { publishedAt: deps.now().toISOString(), publishedBy: principal.username });
  await record(deps, principal, attempt, 'ok', { unitId: round.unitId });
  return shownRound(deps, published);
}

/** The round if it is published; a round that does not exist and one not published answer the same 404. */
async function publishedOnly(deps: Pick<RoundDeps, 'rounds'>, roundId: string): Promise<RoundRecord> {
  const round = await deps.rounds.get(roundId);
  if (!round || round.state !== 'published') throw new NotFoundError('roundId', 'published round');
  return round;
}

/** What anyone may read of a published round. Not audited: it is public. */
export async function getPublishedRound(deps: RoundDeps & { invitations: Pick<InvitationStore, 'list' | 'answerCounts'> }, roundId: string): Promise<PublishedRound> {
  const round = await publishedOnly(deps, roundId);
  const config = round.config as unknown as RoundConfig;
  const names = await unitNames(deps, [round]);
  const results = await resultsOf(deps, round, names);
  const byUnit = config.strataBy === 'unit';
  return {
    roundId: round.roundId,
    name: config.name,
    unitName: names.get(round.unitId) ?? round.unitId,
    period: { from: config.period.from, to: config.period.to },
    strataBy: config.strataBy,
    commitment: round.commitment!,
    seed: round.seed!,
    frameHash: round.frameHash!,
    publicInput: round.publicInput ?? '',
    frame: round.frame!,
    strata: (round.strata ?? []).map(({ key, N, n }) => ({ key, ...(byUnit && names.has(key) ? { label: names.get(key)! } : {}), N, n: n ?? 0 })),
    allocation: round.allocation?.method ?? 'proportional',
    drawnAt: round.drawnAt!,
    closedAt: round.closedAt!,
    publishedAt: round.publishedAt!,
    results,
  };
}

/** The verification pack of a published round, seed included, for anyone. */
export async function getPublishedDrawPack(deps: Pick<RoundDeps, 'rounds'>, roundId: string): Promise<DrawPack> {
  return packOf(deps, await publishedOnly(deps, roundId));
}
