import type { Invitation } from '../../data/sampling-invitations.js';
import type { RoundRecord } from '../../data/sampling-rounds.js';

export type StratumFunnel = NonNullable<RoundRecord['funnel']>[number];

/**
 * The funnel of each stratum of a round as its invitations say it now: drawn, sent (answered ones
 * included), failed, responded, opted out. The results read it while the round is open; the close
 * counts it onto the round once, because the invitations then forget who answered.
 */
export function stratumFunnels(round: Pick<RoundRecord, 'strata'>, invitations: readonly Invitation[]): StratumFunnel[] {
  return (round.strata ?? []).map(({ key }) => {
    const mine = invitations.filter((invitation) => invitation.stratum === key);
    const count = (states: readonly Invitation['state'][]) => mine.filter((invitation) => states.includes(invitation.state)).length;
    return { key, drawn: mine.length, sent: count(['sent', 'responded']), failed: count(['failed']), responded: count(['responded']), optedOut: mine.filter((invitation) => invitation.optedOut).length };
  });
}
