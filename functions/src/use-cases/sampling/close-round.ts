import type { RoundConfig, RoundView } from '#shared/contracts/sampling/rounds.js';
import { addDays, chinaDay } from '#shared/domain/china-time.js';
import { record, type Attempt } from '../../access/index.js';
import type { Principal } from '../../auth/principal.js';
import type { Invitation } from '../../data/sampling-invitations.js';
import type { RoundRecord } from '../../data/sampling-rounds.js';
import { pool } from '../../data/pool.js';
import { RECORD_PHONE_DAYS } from '../service-records/push.js';
import { monthsBetween, READS_IN_FLIGHT, subtreeOf } from './draw-round.js';
import { stratumFunnels } from './funnel.js';
import { openRoundCases } from '../cases/round-cases.js';
import { authorizeRound, refuseDrawer, refuseUnfinishedDraw, shownRound, stepRound, type RoundDeps } from './rounds.js';

/**
 * Closing a round (issue 13 §2, §5; docs/decisions/0022): the seed is revealed, so anyone can check
 * the draw; the links answer 测评已截止 (the answer's transaction checks the round's state); the
 * funnel is counted onto the round; then the purge: every sealed number of the people drawn that
 * the scope's 办件 still hold is deleted from the contact store (their other 办件 too, not only the
 * one that put them in the frame), the invitations keep only their stratum and entry id, and the
 * frame's lines lose their contact and pseudonym. What stays of a person is the quarantine's
 * pseudonym, with its TTL. Separation of duties: the account that drew may not close.
 *
 * The purge runs after the state moved and records `purgedAt` when done; a close that failed
 * half-way is finished by closing again (a closed round without `purgedAt` is purged, not refused).
 * After the purge, the round's 差评 open their cases (decision 0030: at the close, all at once).
 */
export async function closeRound(deps: RoundDeps, principal: Principal, roundId: string): Promise<RoundView> {
  const attempt: Attempt = { action: 'round.close', objectType: 'round', objectId: roundId };
  const { round, unit } = await authorizeRound(deps, principal, 'sampling:manage', attempt);
  await refuseDrawer(deps, principal, attempt, round, 'close');
  await refuseUnfinishedDraw(deps, principal, attempt, round);
  // One read of the sample serves the funnel and the purge (a resumed purge reads what the first left).
  const invitations = await deps.invitations.list(round.roundId);
  let closed = round;
  if (!(round.state === 'closed' && !round.purgedAt)) {
    closed = await stepRound(deps, principal, attempt, round, 'close', {
      closedAt: deps.now().toISOString(),
      closedBy: principal.username,
      funnel: stratumFunnels(round, invitations),
    });
  }
  const purged = await purge(deps, closed, unit, invitations);
  // Then the round's 差评 become cases, all at once (decision 0030); a close run again opens none twice.
  // After the purge: a failure here leaves no number of the people drawn behind.
  const cases = await openRoundCases(deps, closed);
  closed = await deps.rounds.transition(round.roundId, ['closed'], { purgedAt: deps.now().toISOString(), updatedAt: deps.now().toISOString() });
  const opened = `${cases.opened} 差评 cases opened${cases.withheldStrata ? `; ${cases.withheldStrata} ${cases.withheldStrata === 1 ? 'stratum' : 'strata'} under k opened none` : ''}`;
  await record(deps, principal, attempt, 'ok', { unitId: round.unitId, detail: `seed revealed; commitment ${round.commitment}; ${purged} numbers of the people drawn deleted; ${opened}` });
  return shownRound(deps, closed);
}

/** Delete the drawn people's numbers from the scope's 办件, strip the sample and the frame; how many numbers. */
async function purge(deps: RoundDeps, round: RoundRecord, unit: Parameters<typeof subtreeOf>[1], invitations: readonly Invitation[]): Promise<number> {
  const people = new Set(invitations.map((invitation) => invitation.phoneKey).filter((key) => key !== ''));
  const contacts = new Set(invitations.map((invitation) => invitation.contactId).filter((id) => id !== ''));
  if (people.size > 0) {
    // Numbers are kept RECORD_PHONE_DAYS after a push: the months from then (or from the period, if earlier) to today hold every one left.
    const today = chinaDay(deps.now());
    const from = [addDays(today, -RECORD_PHONE_DAYS), (round.config as unknown as RoundConfig).period.from].sort()[0]!;
    const partitions = (await subtreeOf(deps, unit)).flatMap((member) => monthsBetween(from, today).map((month) => ({ unitId: member.id, month })));
    await pool(partitions, READS_IN_FLIGHT, async ({ unitId, month }) => {
      for await (const page of deps.rounds.recordsOfMonth(unitId, month)) {
        for (const found of page) if (found.phoneKey && found.contactId && people.has(found.phoneKey)) contacts.add(found.contactId);
      }
    });
  }
  await deps.invitations.deleteContacts([...contacts]);
  await deps.invitations.closeSample(invitations);
  await deps.rounds.stripFrame(round.roundId, round.frameChunks ?? 0);
  return contacts.size;
}
