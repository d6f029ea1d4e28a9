import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Principal } from '../../functions/src/auth/principal.js';
import type { CampaignRecord } from '../../functions/src/data/appraisal/campaigns.js';
import { myAppraisals } from '../../functions/src/use-cases/appraisal/own.js';
import { getCampaignTally } from '../../functions/src/use-cases/appraisal/tally.js';
import { tallyOfCampaign } from '../../functions/src/use-cases/appraisal/voting.js';
import { demoCounty } from '../../infra/local/demo-county.js';
import { DEMO_BRANCH_UNIT, DEMO_CAMPAIGN_NAMES, DEMO_MEMBER_ACCOUNT, DEMO_REGRADE_REASON, DEMO_SLIPS_FILE, seedDemoAppraisal } from '../../infra/local/seed-appraisal.js';
import { seedWriter } from '../../infra/local/seed.js';
import type { CampaignTally } from '../../shared/src/contracts/appraisal/ballots.js';
import { isolatedTables, type IsolatedTables } from '../support/isolated-tables.js';

/**
 * The demo's 民主评议 (infra/local/seed-appraisal.ts) on the demo county, through the real use
 * cases: a published campaign whose tally shows the 优秀 cap, the 群众代表 veto, an invalid
 * ballot and one final grade that differs from the proposal; an open one whose slips PDF is
 * written to the data folder; and a second run that seeds nothing.
 *
 * The county's tree, halls, staff and windows are written as seedDemo writes them, without its
 * ratings: their seeded ClientRequestTokens collide with any other file seeding them in the same
 * DynamoDB Local (test/integration/authorization-requests.ts). local-stack.test.ts runs the whole
 * seed, seedDemo first, on a DynamoDB Local of its own.
 */
const endpoint = inject('dynamoEndpoint');
const COMMITTEE: Principal = { username: 'pingyi', role: 'committee', unitId: 'jn-qh-lj' };
const dataDir = mkdtempSync(join(tmpdir(), 'manyi-seed-appraisal-'));
const logged: string[] = [];
let t: IsolatedTables;
let seeded: boolean;
let published: CampaignRecord;
let open: CampaignRecord;
let tally: CampaignTally;

beforeAll(async () => {
  t = await isolatedTables(endpoint);
  const county = demoCounty();
  const writer = seedWriter(t.runtime);
  for (const unit of county.units) await writer.putUnit(unit);
  for (const hall of county.halls) await writer.putHall(hall);
  for (const person of county.staff) await writer.putStaff(person);
  for (const window of county.windows) await writer.putWindow(window);
  seeded = await seedDemoAppraisal(t.doc, t.runtime, { opsTable: t.tables.ops, dataDir, log: (line) => logged.push(line) });
  const campaigns = await t.runtime.campaigns.listUnit('jn-qh-lj');
  published = campaigns.find((campaign) => campaign.name === DEMO_CAMPAIGN_NAMES.published)!;
  open = campaigns.find((campaign) => campaign.name === DEMO_CAMPAIGN_NAMES.open)!;
  tally = await getCampaignTally(t.runtime, COMMITTEE, published.campaignId);
}, 60_000);

afterAll(() => {
  t?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('the demo 民主评议', () => {
  it('creates the 24 members of the branch, two of them ungraded 预备党员', async () => {
    expect(seeded).toBe(true);
    const staff = (await t.runtime.staff.listUnit(DEMO_BRANCH_UNIT, { limit: 100 })).items.filter((person) => person.staffNo.startsWith('DY-'));
    expect(staff.map((person) => person.staffNo).sort()).toEqual(Array.from({ length: 24 }, (_, i) => `DY-${String(i + 1).padStart(2, '0')}`));
    expect(staff.every((person) => person.partyMember)).toBe(true);
    expect(published.subjects).toHaveLength(24);
    expect(published.subjects.filter((subject) => !subject.graded)).toHaveLength(2);
    expect(logged.some((line) => line.startsWith('seeded 民主评议') && line.includes(join(dataDir, DEMO_SLIPS_FILE)))).toBe(true);
  });

  it('publishes the 2025 campaign, graded by the committee, not by the account that opened it', () => {
    expect(published).toMatchObject({ state: 'published', year: 2025, kind: 'party-members', unitId: 'jn-qh-lj', openedBy: 'admin', closedBy: 'cepingyuan', publishedBy: 'pingyi' });
    expect(published.groups.map(({ id, name, weightPct, ballots }) => [id, name, weightPct, ballots])).toEqual([
      ['g1', '党员', 50, 24],
      ['g2', '支部委员会', 30, 5],
      ['g3', '群众代表', 20, 12],
    ]);
    expect(published.rules.vetoes).toEqual([expect.objectContaining({ group: 'g3', options: ['不合格'], atLeast: '1/2', atMost: '不合格' })]);
    expect(published.rules.invalidIfIdentical).toEqual({ minSubjects: 3 });
    expect(published.rules.excellentCap).toEqual({ maxShare: '1/3' });
  });

  it('has a tally where the 优秀 cap and the veto fire and an identical ballot is invalid', () => {
    expect(tally.void).toBe(false);
    expect(tally.groups.map(({ id, issued, returned }) => [id, issued, returned])).toEqual([
      ['g1', 24, 22],
      ['g2', 5, 5],
      ['g3', 12, 11],
    ]);
    expect(tally.groups.reduce((sum, group) => sum + group.invalid, 0)).toBeGreaterThanOrEqual(1);
    expect(tally.groups[0]!.invalidIdentical).toBeGreaterThanOrEqual(1);
    const rules = tally.subjects.flatMap((subject) => subject.rules);
    expect(rules).toContain('excellent-cap');
    expect(rules.some((rule) => rule.startsWith('veto:'))).toBe(true);
    const graded = tally.subjects.filter((subject) => subject.graded);
    expect(graded).toHaveLength(22);
    // At most 1/3 of the 22 graded members proposed 优秀; most 合格.
    const proposed = (grade: string) => graded.filter((subject) => subject.proposedGrade === grade).length;
    expect(proposed('优秀')).toBeLessThanOrEqual(7);
    expect(proposed('优秀')).toBeGreaterThan(0);
    expect(proposed('合格')).toBeGreaterThan(graded.length / 2);
    expect(proposed('不合格')).toBeGreaterThanOrEqual(1);
  });

  it('has every graded member’s final grade, one of them other than proposed, with its reason', () => {
    const graded = tally.subjects.filter((subject) => subject.graded);
    expect(graded.every((subject) => subject.finalGrade !== null)).toBe(true);
    const differing = graded.filter((subject) => subject.finalGrade!.grade !== subject.proposedGrade);
    expect(differing).toHaveLength(1);
    expect(differing[0]!.finalGrade).toMatchObject({ grade: '合格', reason: DEMO_REGRADE_REASON, by: 'pingyi' });
    expect(tally.subjects.filter((subject) => !subject.graded).every((subject) => subject.finalGrade === null)).toBe(true);
  });

  it('gives the regraded member an account that reads the published result, with the committee’s reason, at /me', async () => {
    const member: Principal = { username: DEMO_MEMBER_ACCOUNT.username, role: 'staff', unitId: DEMO_BRANCH_UNIT };
    const own = await myAppraisals(t.runtime, member);
    const regraded = tally.subjects.find((subject) => subject.finalGrade?.reason === DEMO_REGRADE_REASON)!;
    expect(own.staff.name).toBe(regraded.name);
    // The 2025 campaign only: the 2026 one is not published.
    expect(own.results.map((result) => [result.name, result.composite, result.finalGrade])).toEqual([
      [DEMO_CAMPAIGN_NAMES.published, regraded.composite, { grade: '合格', reason: DEMO_REGRADE_REASON }],
    ]);
  });

  it('leaves the 2026 campaign open, with its codes issued and six 党员 ballots in', async () => {
    expect(open).toMatchObject({ state: 'open', year: 2026, openedBy: 'admin', issued: { g1: 24, g2: 5, g3: 12 } });
    const turnout = await tallyOfCampaign(t.runtime, open);
    expect(turnout.result.groups.map((group) => group.returned)).toEqual([6, 0, 0]);
  });

  it('writes the open campaign’s slips to the data folder', () => {
    const file = join(dataDir, DEMO_SLIPS_FILE);
    expect(statSync(file).size).toBeGreaterThan(20 * 1024);
    expect(readFileSync(file).subarray(0, 5).toString('latin1')).toBe('%PDF-');
  });

  it('seeds once: a second run is a no-op', async () => {
    expect(await seedDemoAppraisal(t.doc, t.runtime, { opsTable: t.tables.ops, dataDir })).toBe(false);
    expect(await t.runtime.campaigns.listUnit('jn-qh-lj')).toHaveLength(2);
  });
});
