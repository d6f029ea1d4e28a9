import { APPRAISAL_MIN_GROUP, type CampaignTally } from '#shared/contracts/appraisal/ballots.js';
import type { TallyPack } from '#shared/domain/appraisal/pack.js';
import { record, type Attempt } from '../../access/index.js';
import type { Principal } from '../../auth/principal.js';
import type { CampaignRecord, FinalGrade, StoredTally } from '../../data/appraisal/campaigns.js';
import { CampaignStateError } from '../../data/appraisal/campaigns.js';
import { ConflictError } from '../../errors.js';
import { authorizeCampaign } from './campaigns.js';
import { packOfCampaign, tallyOfCampaign, type VotingDeps } from './voting.js';

/**
 * The count of a 民主评议 round (issue 14 §3–5): once closed, an administrator counts the ballot box
 * (已截止 → 已计票) and the tally is kept — the box no longer changes, so it is read once, not per
 * view. Administrators and committees of the scope read it, small groups' option counts hidden;
 * the committee downloads the tally pack (audited) to re-run it with `npm run tally`.
 */
const COUNTED: readonly CampaignRecord['state'][] = ['tallied', 'graded', 'published'];

export async function countCampaign(deps: VotingDeps, principal: Principal, campaignId: string): Promise<CampaignTally> {
  const attempt: Attempt = { action: 'campaign.count', objectType: 'campaign', objectId: campaignId };
  const { campaign } = await authorizeCampaign(deps, principal, attempt);
  const refuse = async (state: string | undefined) => {
    const message = `the campaign is ${state ?? 'gone'}: it is counted once closed (已截止)`;
    await record(deps, principal, attempt, 'invalid', { unitId: campaign.unitId, detail: message });
    return new ConflictError('state', message);
  };
  if (campaign.state !== 'closed') throw await refuse(campaign.state);
  const now = deps.now().toISOString();
  const stored: StoredTally = { countedAt: now, detail: await tallyOfCampaign(deps, campaign) };
  // Kept before the step: a count that loses a race to another is overwritten by an identical one.
  await deps.campaigns.putTally(campaign.campaignId, campaign.round, stored);
  let counted: CampaignRecord;
  try {
    counted = await deps.campaigns.transition(campaign.campaignId, ['closed'], { state: 'tallied', countedAt: now, countedBy: principal.username, updatedAt: now });
  } catch (error) {
    if (error instanceof CampaignStateError) throw await refuse(error.current);
    throw error;
  }
  const { result } = stored.detail;
  await record(deps, principal, attempt, 'ok', {
    unitId: campaign.unitId,
    detail: result.void ? `void: ${result.reasons.join(', ')}` : result.groups.map((group) => `${group.id} ${group.valid}/${group.returned}/${group.issued}`).join(', '),
  });
  return tallyView(counted, stored);
}

export async function counted(
  deps: VotingDeps,
  principal: Principal,
  attempt: Attempt,
  permission: 'appraisal:read' | 'appraisal:grade' = 'appraisal:read',
): Promise<{ campaign: CampaignRecord; stored: StoredTally }> {
  const { campaign } = await authorizeCampaign(deps, principal, attempt, permission);
  const stored = COUNTED.includes(campaign.state) ? await deps.campaigns.getTally(campaign.campaignId, campaign.round) : undefined;
  if (!stored) {
    const message = `the campaign is ${campaign.state}: not counted yet`;
    await record(deps, principal, attempt, 'invalid', { unitId: campaign.unitId, detail: message });
    throw new ConflictError('state', message);
  }
  return { campaign, stored };
}

export async function getCampaignTally(deps: VotingDeps, principal: Principal, campaignId: string): Promise<CampaignTally> {
  const attempt: Attempt = { action: 'campaign.tally', objectType: 'campaign', objectId: campaignId };
  const { campaign, stored } = await counted(deps, principal, attempt);
  const grades = await deps.campaigns.grades(campaign.campaignId, campaign.round);
  await record(deps, principal, attempt, 'ok', { unitId: campaign.unitId });
  return tallyView(campaign, stored, grades);
}

/** The pack of the counted round (audited): re-running it gives the kept tally. */
export async function getCampaignPack(deps: VotingDeps, principal: Principal, campaignId: string): Promise<TallyPack> {
  const attempt: Attempt = { action: 'campaign.pack', objectType: 'campaign', objectId: campaignId };
  const { campaign } = await counted(deps, principal, attempt);
  const pack = await packOfCampaign(deps, campaign);
  await record(deps, principal, attempt, 'ok', { unitId: campaign.unitId, detail: `${pack.ballots.length} ballots` });
  return pack;
}

/**
 * The kept tally as the API shows it: names beside ids, the reasons for invalid ballots, and a
 * small group's option counts hidden (APPRAISAL_MIN_GROUP): shown only where the group has at least
 * 10 valid ballots and the counted choices are at least 10 too; means and scores stay.
 */
export function tallyView(campaign: CampaignRecord, stored: StoredTally, grades: readonly FinalGrade[] = []): CampaignTally {
  const finals = new Map(grades.map(({ subjectId, ...grade }) => [subjectId, grade]));
  const { result, invalid } = stored.detail;
  const groups = new Map(campaign.groups.map((group) => [group.id, group]));
  const valid = new Map(result.groups.map((group) => [group.id, group.valid]));
  const subjects = new Map(campaign.subjects.map((subject) => [subject.id, subject]));
  const indicators = new Map(campaign.indicators.map((indicator) => [indicator.id, indicator.name]));
  return {
    campaignId: campaign.campaignId,
    round: campaign.round,
    countedAt: stored.countedAt,
    void: result.void,
    reasons: result.reasons,
    groups: result.groups.map((group) => ({
      ...group,
      name: groups.get(group.id)?.name ?? group.id,
      weightPct: groups.get(group.id)?.weightPct ?? 0,
      invalidIdentical: invalid[group.id]?.identical ?? 0,
      invalidExcellentPerBallot: invalid[group.id]?.excellentPerBallot ?? 0,
    })),
    subjects: result.subjects.map((subject) => ({
      id: subject.id,
      name: subjects.get(subject.id)?.name ?? subject.id,
      graded: subjects.get(subject.id)?.graded ?? false,
      composite: subject.composite,
      proposedGrade: subject.proposedGrade,
      rules: subject.rules,
      finalGrade: finals.get(subject.id) ?? null,
      groups: subject.groups.map((group) => ({
        id: group.id,
        score: group.score,
        indicators: group.indicators.map((indicator) => {
          const total = Object.values(indicator.counts).reduce((sum, count) => sum + count, 0);
          const shown = (valid.get(group.id) ?? 0) >= APPRAISAL_MIN_GROUP && total >= APPRAISAL_MIN_GROUP;
          return { id: indicator.id, name: indicators.get(indicator.id) ?? indicator.id, n: shown ? indicator.n : null, mean: indicator.mean, counts: shown ? indicator.counts : null };
        }),
      })),
    })),
    minGroup: APPRAISAL_MIN_GROUP,
  };
}
