import type { CampaignTally, RecordGradeInput } from '#shared/contracts/appraisal/ballots.js';
import type { CampaignView } from '#shared/contracts/appraisal/campaigns.js';
import type * as z from 'zod';
import { record, type Attempt } from '../../access/index.js';
import type { Principal } from '../../auth/principal.js';
import { CampaignStateError, type CampaignRecord } from '../../data/appraisal/campaigns.js';
import { ConflictError, ForbiddenError, ValidationError } from '../../errors.js';
import { authorizeCampaign, campaignView } from './campaigns.js';
import { counted, tallyView } from './tally.js';
import type { VotingDeps } from './voting.js';

/**
 * 组织评定 and publication (issue 14 §5): the committee records each graded subject's final grade —
 * the system only proposes (看票不唯票), so a grade that differs needs a reason — and publishes;
 * from then on nothing changes (409, audited). Separation of duties: the account that opened the
 * campaign (issued its codes) grades and publishes nothing.
 */
async function refuseOpener(deps: VotingDeps, principal: Principal, attempt: Attempt, campaign: CampaignRecord): Promise<void> {
  if (campaign.openedBy !== principal.username) return;
  await record(deps, principal, attempt, 'denied', { unitId: campaign.unitId, detail: 'the account that issued the codes may not grade or publish' });
  throw new ForbiddenError('authorization: the account that opened this campaign (issued its codes) may not grade it or publish it (separation of duties); ask the committee');
}

async function refuseState(deps: VotingDeps, principal: Principal, attempt: Attempt, campaign: CampaignRecord, state: string | undefined, doing: string): Promise<ConflictError> {
  const message = state === 'published' ? 'the campaign is published (已公布): its results are final' : `the campaign is ${state ?? 'gone'}: ${doing}`;
  await record(deps, principal, attempt, 'invalid', { unitId: campaign.unitId, detail: message });
  return new ConflictError('state', message);
}

export async function recordGrade(deps: VotingDeps, principal: Principal, campaignId: string, input: z.output<typeof RecordGradeInput>): Promise<CampaignTally> {
  const attempt: Attempt = { action: 'campaign.grade', objectType: 'campaign', objectId: campaignId };
  const { campaign: found } = await authorizeCampaign(deps, principal, attempt, 'appraisal:grade');
  await refuseOpener(deps, principal, attempt, found);
  if (found.state !== 'tallied' && found.state !== 'graded') throw await refuseState(deps, principal, attempt, found, found.state, 'grades are recorded once it is counted (已计票)');
  const { campaign, stored } = await counted(deps, principal, attempt, 'appraisal:grade');
  const invalid = async (field: string, message: string) => {
    await record(deps, principal, attempt, 'invalid', { unitId: campaign.unitId, detail: `${field}: ${message}` });
    return ValidationError.forField(field, message);
  };
  if (stored.detail.result.void) {
    const message = `the round is void (${stored.detail.result.reasons.join(', ')}): it is voted again, not graded`;
    await record(deps, principal, attempt, 'invalid', { unitId: campaign.unitId, detail: message });
    throw new ConflictError('state', message);
  }
  const subject = campaign.subjects.find((candidate) => candidate.id === input.subjectId);
  if (!subject) throw await invalid('subjectId', 'is not a subject of this campaign');
  if (!subject.graded) throw await invalid('subjectId', 'is not graded in this campaign (不定等次)');
  if (!campaign.rules.bands.some((band) => band.grade === input.grade)) {
    throw await invalid('grade', `must be one of ${campaign.rules.bands.map((band) => band.grade).join(', ')}`);
  }
  const proposed = stored.detail.result.subjects.find((candidate) => candidate.id === input.subjectId)?.proposedGrade ?? null;
  if (input.grade !== proposed && !input.reason) throw await invalid('reason', `is required: the grade differs from the proposed one (${proposed ?? '无'})`);
  const at = deps.now().toISOString();
  try {
    await deps.campaigns.putGrade(campaign.campaignId, campaign.round, { subjectId: subject.id, grade: input.grade, ...(input.reason ? { reason: input.reason } : {}), by: principal.username, at });
    if (campaign.state === 'tallied') await deps.campaigns.transition(campaign.campaignId, ['tallied'], { state: 'graded', updatedAt: at }).catch((error: unknown) => {
      // Another grader moved it first: 已评定 either way.
      if (!(error instanceof CampaignStateError && error.current === 'graded')) throw error;
    });
  } catch (error) {
    if (error instanceof CampaignStateError) throw await refuseState(deps, principal, attempt, campaign, error.current, 'grades are recorded once it is counted (已计票)');
    throw error;
  }
  await record(deps, principal, attempt, 'ok', { unitId: campaign.unitId, detail: `${subject.id} ${input.grade}${input.grade !== proposed ? ` (proposed ${proposed ?? '-'})` : ''}` });
  const current = (await deps.campaigns.get(campaign.campaignId)) ?? campaign;
  return tallyView(current, stored, await deps.campaigns.grades(campaign.campaignId, campaign.round));
}

export async function publishCampaign(deps: VotingDeps, principal: Principal, campaignId: string): Promise<CampaignView> {
  const attempt: Attempt = { action: 'campaign.publish', objectType: 'campaign', objectId: campaignId };
  const { campaign } = await authorizeCampaign(deps, principal, attempt, 'appraisal:grade');
  await refuseOpener(deps, principal, attempt, campaign);
  if (campaign.state !== 'graded') throw await refuseState(deps, principal, attempt, campaign, campaign.state, 'it is published once graded (已评定)');
  const graded = new Set((await deps.campaigns.grades(campaign.campaignId, campaign.round)).map((grade) => grade.subjectId));
  const missing = campaign.subjects.filter((subject) => subject.graded && !graded.has(subject.id));
  if (missing.length > 0) {
    const message = `${missing.length} graded subject(s) have no final grade yet: ${missing.map((subject) => subject.name).join('、')}`;
    await record(deps, principal, attempt, 'invalid', { unitId: campaign.unitId, detail: `${missing.length} without a final grade` });
    throw new ConflictError('state', message);
  }
  const now = deps.now().toISOString();
  try {
    const published = await deps.campaigns.transition(campaign.campaignId, ['graded'], { state: 'published', publishedAt: now, publishedBy: principal.username, updatedAt: now });
    await record(deps, principal, attempt, 'ok', { unitId: campaign.unitId });
    return campaignView(published);
  } catch (error) {
    if (error instanceof CampaignStateError) throw await refuseState(deps, principal, attempt, campaign, error.current, 'it is published once graded (已评定)');
    throw error;
  }
}
