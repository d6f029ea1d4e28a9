import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Principal } from '../../functions/src/auth/principal.js';
import { createCampaign } from '../../functions/src/use-cases/appraisal/campaigns.js';
import { castBallot, openCampaign } from '../../functions/src/use-cases/appraisal/voting.js';
import { createGateway } from '../../infra/local/gateway.js';
import type { CampaignTally } from '../../shared/src/contracts/appraisal/ballots.js';
import type { TallyResult } from '../../shared/src/domain/appraisal/tally.js';
import { chinaDay } from '../../shared/src/domain/china-time.js';
import { isolatedTables, type IsolatedTables } from '../support/isolated-tables.js';
import { callerAs } from './fixtures.js';

/**
 * The count (issue 14 §3–5) through the routes: a closed campaign is counted once (已截止 → 已计票);
 * administrators and committees read the tally, a small group's option counts hidden ("<10");
 * the committee's pack, re-run by `npm run tally`, gives the same result as the page's tally.
 */
const endpoint = inject('dynamoEndpoint');
const gateway = createGateway();
let t: IsolatedTables;
const COUNTY_ADMIN: Principal = { username: 'county.admin', role: 'unit-admin', unitId: 'c1' };
const COMMITTEE: Principal = { username: 'county.committee', role: 'committee', unitId: 'c1' };
/** A system administrator who opens the campaign: may grade in general, never this campaign. */
const OPENER: Principal = { username: 'root.opener', role: 'system-admin', unitId: 'p1' };
const tokens = new Map<string, string>();
const as = callerAs(gateway, tokens);
let campaignId = '';

const OPTIONS = ['优秀', '合格', '基本合格', '不合格'];

beforeAll(async () => {
  t = await isolatedTables(endpoint);
  t.install();
  for (const principal of [COUNTY_ADMIN, COMMITTEE, OPENER]) tokens.set(principal.username, (await t.runtime.tokens.issue(principal, new Date())).token);
  await t.runtime.units.put({ id: 'p1', name: '江南省', parentId: null, path: ['p1'] });
  await t.runtime.units.put({ id: 'c1', name: '临江县', parentId: 'p1', path: ['p1', 'c1'] });
  for (let i = 0; i < 4; i++) await t.runtime.staff.put({ id: `s-${i}`, unitId: 'c1', staffNo: `N${i}`, name: `党员${i}`, post: '科员', duties: '', pledge: '', partyMember: true });
  const created = await createCampaign(t.runtime, COUNTY_ADMIN, {
    unitId: 'c1',
    name: '2026年度民主评议党员（第一支部）',
    year: 2026,
    kind: 'party-members',
    subjects: [0, 1, 2, 3].map((i) => ({ type: 'staff' as const, id: `s-${i}`, graded: i < 3 })),
    groups: [
      { name: '党员', weightPct: 70, ballots: 14 },
      { name: '群众代表', weightPct: 30, ballots: 4 },
    ],
  });
  campaignId = created.campaignId;
  const { issued } = await openCampaign(t.runtime, OPENER, campaignId);
  // 党员: 12 ballots (trimmed above 5), one of them all 优秀 for the three graded (invalid? no: the identical rule is off by default).
  for (const [n, code] of issued[0]!.codes.slice(0, 12).entries()) {
    await castBallot(t.runtime, code, Object.fromEntries([0, 1, 2, 3].map((i) => [`staff:s-${i}`, { i1: OPTIONS[(n + i * 2) % (i === 0 ? 2 : 4)]! }])));
  }
  // 群众代表: 3 ballots — a small group.
  for (const [n, code] of issued[1]!.codes.slice(0, 3).entries()) {
    await castBallot(t.runtime, code, Object.fromEntries([0, 1, 2].map((i) => [`staff:s-${i}`, { i1: OPTIONS[(n + i) % 3]! }])));
  }
}, 60_000);

afterAll(() => t?.close());

describe('the count', () => {
  let shown: CampaignTally;

  it('is refused before the close, done once after it, and read by the committee', async () => {
    expect((await as(COUNTY_ADMIN, 'POST', `/api/appraisal-campaigns/${campaignId}/tally`)).status).toBe(409);
    expect((await as(COMMITTEE, 'GET', `/api/appraisal-campaigns/${campaignId}/tally`)).status).toBe(409);
    expect((await as(COUNTY_ADMIN, 'POST', `/api/appraisal-campaigns/${campaignId}/close`)).status).toBe(200);
    expect((await as(COMMITTEE, 'POST', `/api/appraisal-campaigns/${campaignId}/tally`)).status).toBe(403);
    const counted = await as(COUNTY_ADMIN, 'POST', `/api/appraisal-campaigns/${campaignId}/tally`);
    expect(counted.status).toBe(200);
    expect((await as(COUNTY_ADMIN, 'GET', `/api/appraisal-campaigns/${campaignId}`)).json).toMatchObject({ state: 'tallied', countedBy: 'county.admin' });
    expect((await as(COUNTY_ADMIN, 'POST', `/api/appraisal-campaigns/${campaignId}/tally`)).status).toBe(409);
    const read = await as(COMMITTEE, 'GET', `/api/appraisal-campaigns/${campaignId}/tally`);
    expect(read.status).toBe(200);
    expect(read.json).toEqual(counted.json);
    shown = read.json as CampaignTally;
    expect(shown.groups.map((group) => [group.name, group.issued, group.returned, group.valid, group.quorumMet])).toEqual([
      ['党员', 14, 12, 12, true],
      ['群众代表', 4, 3, 3, true],
    ]);
    expect(shown.subjects.map((subject) => subject.name)).toEqual(['党员0', '党员1', '党员2', '党员3']);
    expect(shown.subjects[3]).toMatchObject({ graded: false, proposedGrade: null, rules: expect.arrayContaining(['ungraded']) });
  });

  it('hides the option counts of the group of 3 (and n), never its means', () => {
    for (const subject of shown.subjects) {
      const [members, masses] = subject.groups;
      for (const indicator of members!.indicators) {
        expect(indicator.counts, subject.name).not.toBeNull();
        expect(Object.values(indicator.counts!).reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(10);
      }
      for (const indicator of masses!.indicators) {
        expect(indicator.counts).toBeNull();
        expect(indicator.n).toBeNull();
      }
    }
    expect(shown.subjects[0]!.groups[1]!.indicators[0]!.mean).toMatch(/^\d+\.\d{2}$/);
  });

  it('gives the committee a pack (audited) that npm run tally re-runs to the same result', async () => {
    const reply = await as(COMMITTEE, 'GET', `/api/appraisal-campaigns/${campaignId}/pack`);
    expect(reply.status).toBe(200);
    expect(reply.headers['content-disposition']).toContain('manyi-appraisal-');
    expect(reply.json.ballots).toHaveLength(15);
    expect(JSON.stringify(reply.json)).not.toMatch(/[0-9A-HJKMNP-TV-Z]{5}-?[0-9A-HJKMNP-TV-Z]{5}/);
    const file = join(mkdtempSync(join(tmpdir(), 'pack-')), 'pack.json');
    writeFileSync(file, reply.text);
    const run = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/tally.ts', file], { encoding: 'utf8', timeout: 60_000 });
    expect(run.status, run.stderr).toBe(0);
    const printed = JSON.parse(run.stdout) as TallyResult;
    expect(printed.void).toBe(shown.void);
    expect(printed.groups).toEqual(shown.groups.map(({ id, issued, returned, valid, invalid, quorumMet }) => ({ id, issued, returned, valid, invalid, quorumMet })));
    expect(printed.subjects.map(({ id, composite, proposedGrade, rules }) => ({ id, composite, proposedGrade, rules }))).toEqual(
      shown.subjects.map(({ id, composite, proposedGrade, rules }) => ({ id, composite, proposedGrade, rules })),
    );
    expect(printed.subjects.map((subject) => subject.groups.map((group) => [group.score, group.indicators.map((indicator) => indicator.mean)]))).toEqual(
      shown.subjects.map((subject) => subject.groups.map((group) => [group.score, group.indicators.map((indicator) => indicator.mean)])),
    );
    const today = chinaDay(new Date());
    const { entries } = await t.runtime.audit.search({ fromDay: today, toDay: today, action: 'campaign.pack' });
    expect(entries.map((entry) => [entry.actor, entry.result, entry.detail])).toContainEqual(['county.committee', 'ok', '15 ballots']);
  });
});

describe('组织评定 and publication', () => {
  const grade = (who: Principal, body: unknown) => as(who, 'POST', `/api/appraisal-campaigns/${campaignId}/grades`, body);

  it('records the committee’s grades, a reason required where they differ from the proposal', async () => {
    const tally = (await as(COMMITTEE, 'GET', `/api/appraisal-campaigns/${campaignId}/tally`)).json as CampaignTally;
    const [first, second, third, ungraded] = tally.subjects;
    // The system administrator who opened the campaign (issued the codes) grades nothing; a unit
    // administrator grades nothing anywhere.
    const opener = await grade(OPENER, { subjectId: first!.id, grade: first!.proposedGrade });
    expect(opener.status).toBe(403);
    expect(opener.json.error.message).toContain('separation of duties');
    expect((await grade(COUNTY_ADMIN, { subjectId: first!.id, grade: first!.proposedGrade })).status).toBe(403);
    expect(await grade(COMMITTEE, { subjectId: first!.id, grade: first!.proposedGrade })).toMatchObject({ status: 200 });
    expect((await as(COMMITTEE, 'GET', `/api/appraisal-campaigns/${campaignId}`)).json.state).toBe('graded');
    const other = ['优秀', '合格', '基本合格', '不合格'].find((candidate) => candidate !== second!.proposedGrade)!;
    const unexplained = await grade(COMMITTEE, { subjectId: second!.id, grade: other });
    expect(unexplained.status).toBe(400);
    expect(unexplained.json.error.issues[0].field).toBe('reason');
    const explained = await grade(COMMITTEE, { subjectId: second!.id, grade: other, reason: '结合平时表现，看票不唯票' });
    expect(explained.status).toBe(200);
    const view = explained.json as CampaignTally;
    expect(view.subjects[1]!.finalGrade).toMatchObject({ grade: other, reason: '结合平时表现，看票不唯票', by: 'county.committee' });
    expect(view.subjects[1]!.proposedGrade).toBe(second!.proposedGrade);
    expect((await grade(COMMITTEE, { subjectId: ungraded!.id, grade: '合格' })).json.error.issues[0].field).toBe('subjectId');
    expect((await grade(COMMITTEE, { subjectId: third!.id, grade: '良好' })).json.error.issues[0].field).toBe('grade');
    expect((await grade(COMMITTEE, { subjectId: 'staff:nobody', grade: '合格' })).status).toBe(400);
    // Publication waits for every graded subject.
    const early = await as(COMMITTEE, 'POST', `/api/appraisal-campaigns/${campaignId}/publish`);
    expect(early.status).toBe(409);
    expect(early.json.error.message).toContain('党员2');
    expect((await grade(COMMITTEE, { subjectId: third!.id, grade: third!.proposedGrade })).status).toBe(200);
  });

  it('publishes, not by the opener, and nothing changes after (409, audited)', async () => {
    expect((await as(OPENER, 'POST', `/api/appraisal-campaigns/${campaignId}/publish`)).status).toBe(403);
    const published = await as(COMMITTEE, 'POST', `/api/appraisal-campaigns/${campaignId}/publish`);
    expect(published.status).toBe(200);
    expect(published.json).toMatchObject({ state: 'published', publishedBy: 'county.committee' });
    const late = await grade(COMMITTEE, { subjectId: `staff:s-0`, grade: '不合格', reason: '改' });
    expect(late.status).toBe(409);
    expect(late.json.error.message).toContain('已公布');
    expect((await as(COMMITTEE, 'POST', `/api/appraisal-campaigns/${campaignId}/publish`)).status).toBe(409);
    const today = chinaDay(new Date());
    const { entries } = await t.runtime.audit.search({ fromDay: today, toDay: today, action: 'campaign.grade' });
    expect(entries.some((entry) => entry.result === 'invalid' && entry.detail?.includes('已公布'))).toBe(true);
    // The tally still reads, with its final grades.
    const tally = (await as(COUNTY_ADMIN, 'GET', `/api/appraisal-campaigns/${campaignId}/tally`)).json as CampaignTally;
    expect(tally.subjects.filter((subject) => subject.graded).every((subject) => subject.finalGrade !== null)).toBe(true);
  });
});
