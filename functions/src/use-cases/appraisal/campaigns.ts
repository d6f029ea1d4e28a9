import { randomBytes } from 'node:crypto';
import type { CampaignConfig, CampaignList, CampaignView } from '#shared/contracts/appraisal/campaigns.js';
import { campaignProblems, defaultRules, DEFAULT_INDICATORS, DEFAULT_SCALE, type CampaignSetup } from '#shared/domain/appraisal/campaign.js';
import type { TallyRules } from '#shared/domain/appraisal/pack.js';
import { authorize, authorizeOwned, record, type AccessDeps, type Attempt } from '../../access/index.js';
import type { Principal } from '../../auth/principal.js';
import { CampaignStateError, type CampaignRecord, type CampaignStore } from '../../data/appraisal/campaigns.js';
import type { StaffStore } from '../../data/staff.js';
import type { UnitRecord, UnitStore } from '../../data/units.js';
import type { WindowStore } from '../../data/windows.js';
import { ConflictError, ValidationError } from '../../errors.js';

/**
 * 民主评议 campaigns (issue 14 §1): a unit administrator configures a campaign of their scope —
 * subjects (staff, windows or units of the subtree), rater groups with weights and ballots to
 * issue, indicators, the option scale and the tally rules — and changes it while it is a draft.
 * The configuration is checked by the tally format's own checks (campaignProblems), so a campaign
 * always tallies; every write is audited.
 */
export interface CampaignDeps extends AccessDeps {
  units: Pick<UnitStore, 'get' | 'getMany'>;
  staff: Pick<StaffStore, 'getMany'>;
  windows: Pick<WindowStore, 'get'>;
  campaigns: CampaignStore;
  newCampaignId?: () => string;
}

export const newCampaignId = () => `a-${randomBytes(8).toString('hex')}`;

export function campaignView(campaign: CampaignRecord, unitName?: string): CampaignView {
  return { ...campaign, ...(unitName ? { unitName } : {}) };
}

/**
 * The subjects with their names, each checked to be in the campaign's subtree; a subject that does
 * not exist there is a 400 naming it (the same words whether it is elsewhere or nowhere).
 */
async function resolveSubjects(deps: CampaignDeps, scope: UnitRecord, subjects: CampaignConfig['subjects']): Promise<CampaignRecord['subjects'] | ValidationError> {
  const staffIds = subjects.filter((subject) => subject.type === 'staff').map((subject) => subject.id);
  const staff = staffIds.length ? await deps.staff.getMany(staffIds) : new Map();
  const windows = new Map(
    await Promise.all(subjects.filter((subject) => subject.type === 'window').map(async (subject) => [subject.id, await deps.windows.get(subject.id)] as const)),
  );
  const unitIds = new Set<string>();
  for (const subject of subjects) {
    if (subject.type === 'unit') unitIds.add(subject.id);
    if (subject.type === 'staff' && staff.get(subject.id)) unitIds.add(staff.get(subject.id)!.unitId);
    if (subject.type === 'window' && windows.get(subject.id)) unitIds.add(windows.get(subject.id)!.unitId);
  }
  const units = await deps.units.getMany([...unitIds]);
  const inScope = (unitId: string | undefined) => unitId !== undefined && (units.get(unitId)?.path.includes(scope.id) ?? false);
  const resolved: CampaignRecord['subjects'] = [];
  for (const [index, subject] of subjects.entries()) {
    const found =
      subject.type === 'staff'
        ? staff.get(subject.id) && { unitId: staff.get(subject.id)!.unitId, name: staff.get(subject.id)!.name }
        : subject.type === 'window'
          ? windows.get(subject.id) && { unitId: windows.get(subject.id)!.unitId, name: windows.get(subject.id)!.name }
          : units.get(subject.id) && { unitId: subject.id, name: units.get(subject.id)!.name };
    if (!found || !inScope(found.unitId)) return ValidationError.forField(`subjects.${index}.id`, `no such ${subject.type} in the unit ${scope.name}'s subtree`);
    resolved.push({ id: `${subject.type}:${subject.id}`, type: subject.type, refId: subject.id, name: found.name, graded: subject.graded });
  }
  return resolved;
}

/** The configuration with its defaults and ids filled in and its subjects resolved, or the first problem. */
async function setupOf(deps: CampaignDeps, scope: UnitRecord, campaignId: string, config: CampaignConfig): Promise<Omit<CampaignSetup, 'id'> | ValidationError> {
  const subjects = await resolveSubjects(deps, scope, config.subjects);
  if (subjects instanceof ValidationError) return subjects;
  const setup: CampaignSetup = {
    id: campaignId,
    name: config.name,
    kind: config.kind,
    scale: (config.scale ?? DEFAULT_SCALE).map(({ option, score }) => ({ option, score })),
    indicators: (config.indicators ?? DEFAULT_INDICATORS).map((indicator: { id?: string; name: string; weightPct: number }, index) => ({
      id: indicator.id ?? `i${index + 1}`,
      name: indicator.name,
      weightPct: indicator.weightPct,
    })),
    groups: config.groups.map((group, index) => ({ id: group.id ?? `g${index + 1}`, name: group.name, weightPct: group.weightPct, ballots: group.ballots })),
    subjects,
    // The thresholds' "exactly one of moreThan and atLeast" is among campaignProblems' checks.
    rules: (config.rules as TallyRules | undefined) ?? defaultRules(config.kind),
  };
  const [problem] = campaignProblems(setup);
  if (problem) return ValidationError.forField(problem.field, problem.message);
  const names = new Set<string>();
  for (const [index, group] of setup.groups.entries()) {
    if (names.has(group.name)) return ValidationError.forField(`groups.${index}.name`, `"${group.name}" is already the name of another group`);
    names.add(group.name);
  }
  const { id: _id, ...rest } = setup;
  return rest;
}

async function refuse(deps: CampaignDeps, principal: Principal, attempt: Attempt, unitId: string, problem: ValidationError): Promise<never> {
  await record(deps, principal, attempt, 'invalid', { unitId, detail: problem.message });
  throw problem;
}

export async function createCampaign(deps: CampaignDeps, principal: Principal, config: CampaignConfig): Promise<CampaignView> {
  const attempt: Attempt = { action: 'campaign.create', objectType: 'unit', objectId: config.unitId };
  const unit = await authorize(deps, principal, 'appraisal:manage', attempt, { unit: config.unitId, field: 'unitId' });
  const campaignId = (deps.newCampaignId ?? newCampaignId)();
  const setup = await setupOf(deps, unit, campaignId, config);
  if (setup instanceof ValidationError) return refuse(deps, principal, attempt, unit.id, setup);
  const now = deps.now().toISOString();
  const campaign: CampaignRecord = {
    campaignId,
    unitId: unit.id,
    year: config.year,
    state: 'draft',
    round: 1,
    ...setup,
    scale: [...setup.scale],
    indicators: [...setup.indicators],
    groups: [...setup.groups],
    subjects: [...setup.subjects] as CampaignRecord['subjects'],
    createdAt: now,
    createdBy: principal.username,
    updatedAt: now,
  };
  await deps.campaigns.create(campaign);
  await record(deps, principal, { ...attempt, objectType: 'campaign', objectId: campaignId }, 'ok', { unitId: unit.id, detail: config.name });
  return campaignView(campaign, unit.name);
}

/** The campaign, if it exists and its unit is in the caller's scope; the same 404 otherwise. */
export async function authorizeCampaign(
  deps: CampaignDeps,
  principal: Principal,
  attempt: Attempt,
  permission: 'appraisal:manage' | 'appraisal:read' | 'appraisal:grade' = 'appraisal:manage',
): Promise<{ campaign: CampaignRecord; unit: UnitRecord }> {
  const found = await deps.campaigns.get(attempt.objectId);
  const { object: campaign, unit } = await authorizeOwned(deps, principal, permission, attempt, found, { field: 'campaignId', noun: 'campaign' });
  return { campaign, unit };
}

export async function getCampaign(deps: CampaignDeps, principal: Principal, campaignId: string): Promise<CampaignView> {
  const { campaign, unit } = await authorizeCampaign(deps, principal, { action: 'campaign.read', objectType: 'campaign', objectId: campaignId }, 'appraisal:read');
  return campaignView(campaign, unit.name);
}

export async function listCampaigns(deps: CampaignDeps, principal: Principal, unitId: string): Promise<CampaignList> {
  const unit = await authorize(deps, principal, 'appraisal:read', { action: 'campaign.list', objectType: 'unit', objectId: unitId }, { unit: unitId, field: 'unitId' });
  const campaigns = await deps.campaigns.listUnit(unit.id);
  return { campaigns: campaigns.sort((a, b) => b.createdAt.localeCompare(a.createdAt)).map((campaign) => campaignView(campaign, unit.name)) };
}

export async function updateCampaign(deps: CampaignDeps, principal: Principal, campaignId: string, config: CampaignConfig): Promise<CampaignView> {
  const attempt: Attempt = { action: 'campaign.update', objectType: 'campaign', objectId: campaignId };
  const { campaign, unit } = await authorizeCampaign(deps, principal, attempt);
  if (config.unitId !== campaign.unitId) return refuse(deps, principal, attempt, unit.id, ValidationError.forField('unitId', 'cannot change: create another campaign for another unit'));
  const conflict = async (state: string | undefined) => {
    const message = `the campaign is ${state ?? 'gone'}: its configuration is locked once it is open (已开放)`;
    await record(deps, principal, attempt, 'invalid', { unitId: unit.id, detail: message });
    return new ConflictError('state', message);
  };
  if (campaign.state !== 'draft') throw await conflict(campaign.state);
  const setup = await setupOf(deps, unit, campaignId, config);
  if (setup instanceof ValidationError) return refuse(deps, principal, attempt, unit.id, setup);
  try {
    const updated = await deps.campaigns.transition(campaignId, ['draft'], {
      ...setup,
      year: config.year,
      scale: [...setup.scale],
      indicators: [...setup.indicators],
      groups: [...setup.groups],
      subjects: [...setup.subjects] as CampaignRecord['subjects'],
      updatedAt: deps.now().toISOString(),
    });
    await record(deps, principal, attempt, 'ok', { unitId: unit.id, detail: config.name });
    return campaignView(updated, unit.name);
  } catch (error) {
    if (error instanceof CampaignStateError) throw await conflict(error.current);
    throw error;
  }
}
