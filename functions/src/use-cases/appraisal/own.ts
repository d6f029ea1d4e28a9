import type { OwnAppraisal, OwnAppraisals } from '#shared/contracts/appraisal/own.js';
import { APPRAISAL_MIN_GROUP } from '#shared/contracts/appraisal/ballots.js';
import { authorize, record, type Attempt } from '../../access/index.js';
import type { Principal } from '../../auth/principal.js';
import { NotFoundError } from '../../errors.js';
import type { ReportDeps } from '../reports/report-deps.js';
import { linkedStaff } from '../reports/my-report.js';
import { tallyView } from './tally.js';
import type { VotingDeps } from './voting.js';

export type OwnAppraisalDeps = Pick<VotingDeps, 'campaigns' | 'units' | 'audit' | 'now'> & Pick<ReportDeps, 'accounts' | 'staff'> & Parameters<typeof authorize>[0];

/**
 * A staff member's own published 民主评议 results (issue 14 §5, /me). The account is linked to its
 * staff record as for the own satisfaction report (personId = 工号 in the account's unit); the
 * campaigns that can name them are those of their unit and its ancestors (a campaign's subjects are
 * of its subtree), read per unit (AP2) and kept when published with them among the subjects. Each
 * result is the campaign's tally as the committee reads it (tallyView: small groups' counts hidden),
 * cut down to this one subject. Audited as `appraisal.own`.
 */
export async function myAppraisals(deps: OwnAppraisalDeps, principal: Principal): Promise<OwnAppraisals> {
  const attempt: Attempt = { action: 'appraisal.own', objectType: 'staff', objectId: principal.username };
  const unit = await authorize(deps, principal, 'reports:own', attempt, { unit: principal.unitId, field: 'unit' });
  const person = await linkedStaff(deps, principal, unit.id);
  if (!person) {
    await record(deps, principal, attempt, 'not-found', { unitId: unit.id, detail: 'no staff record for the account’s personId' });
    throw new NotFoundError('personId', 'staff member in the account’s unit whose 工号 (staffNo) is the account’s person id; ask an administrator to set it');
  }
  const subjectId = `staff:${person.id}`;
  const units = await deps.units.getMany(unit.path);
  const campaigns = (await Promise.all(unit.path.map((id) => deps.campaigns.listUnit(id))))
    .flat()
    .filter((campaign) => campaign.state === 'published' && campaign.subjects.some((subject) => subject.id === subjectId));
  const results: OwnAppraisal[] = [];
  for (const campaign of campaigns) {
    const stored = await deps.campaigns.getTally(campaign.campaignId, campaign.round);
    if (!stored) continue;
    const view = tallyView(campaign, stored, await deps.campaigns.grades(campaign.campaignId, campaign.round));
    const mine = view.subjects.find((subject) => subject.id === subjectId);
    if (!mine) continue;
    const groups = new Map(view.groups.map((group) => [group.id, group]));
    results.push({
      campaignId: campaign.campaignId,
      name: campaign.name,
      year: campaign.year,
      kind: campaign.kind,
      unitName: units.get(campaign.unitId)?.name ?? campaign.unitId,
      round: campaign.round,
      publishedAt: campaign.publishedAt ?? campaign.updatedAt,
      graded: mine.graded,
      composite: mine.composite,
      proposedGrade: mine.proposedGrade,
      finalGrade: mine.finalGrade ? { grade: mine.finalGrade.grade, ...(mine.finalGrade.reason ? { reason: mine.finalGrade.reason } : {}) } : null,
      rules: mine.rules,
      scale: campaign.scale.map((option) => option.option),
      tallyRules: campaign.rules,
      groups: mine.groups.map((group) => ({ id: group.id, name: groups.get(group.id)?.name ?? group.id, weightPct: groups.get(group.id)?.weightPct ?? 0, score: group.score, indicators: group.indicators })),
    });
  }
  results.sort((a, b) => b.year - a.year || b.publishedAt.localeCompare(a.publishedAt));
  await record(deps, principal, attempt, 'ok', { unitId: unit.id, detail: `${results.length} published result(s)` });
  return { staff: { name: person.name, staffNo: person.staffNo }, results, minGroup: APPRAISAL_MIN_GROUP };
}
