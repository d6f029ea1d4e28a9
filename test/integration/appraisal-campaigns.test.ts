import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Principal } from '../../functions/src/auth/principal.js';
import { createGateway } from '../../infra/local/gateway.js';
import { tallyConfigOf } from '../../shared/src/domain/appraisal/campaign.js';
import { tally } from '../../shared/src/domain/appraisal/tally.js';
import type { TallyRules } from '../../shared/src/domain/appraisal/pack.js';
import type { CampaignView } from '../../shared/src/contracts/appraisal/campaigns.js';
import { httpEvent, jsonHeaders } from '../support/http-events.js';
import { isolatedTables, type IsolatedTables } from '../support/isolated-tables.js';
import { call, callerAs, type Reply } from './fixtures.js';

/**
 * 民主评议 campaigns (issue 14 §1) through the real handlers and DynamoDB Local: a unit administrator
 * configures a campaign of staff, windows and units of the scope with the defaults filled in; bad
 * configurations (weights that do not total exactly 100%, a subject outside the scope, a rule
 * naming an unknown group) are refused naming the field and write nothing; the configuration is
 * changed while a draft; another county's administrator sees a 404.
 */
const endpoint = inject('dynamoEndpoint');
const gateway = createGateway();
let t: IsolatedTables;

const ADMIN: Principal = { username: 'root.admin', role: 'system-admin', unitId: 'p1' };
const COUNTY_ADMIN: Principal = { username: 'county.admin', role: 'unit-admin', unitId: 'c1' };
const OTHER_ADMIN: Principal = { username: 'other.admin', role: 'unit-admin', unitId: 'c2' };
const COMMITTEE: Principal = { username: 'committee.one', role: 'committee', unitId: 'c1' };
const tokens = new Map<string, string>();

const as = callerAs(gateway, tokens);

const staffIds: string[] = [];
let windowCode = '';
let outsideStaff = '';

beforeAll(async () => {
  t = await isolatedTables(endpoint);
  t.install();
  for (const principal of [ADMIN, COUNTY_ADMIN, OTHER_ADMIN, COMMITTEE]) tokens.set(principal.username, (await t.runtime.tokens.issue(principal, new Date())).token);
  for (const [id, name, parentId] of [
    ['p1', '江南省', null],
    ['c1', '临江县', 'p1'],
    ['d1', '临江县市场监督管理局', 'c1'],
    ['c2', '白沙县', 'p1'],
  ] as const) {
    expect((await as(ADMIN, 'POST', '/api/org/units', { id, name, parentId })).status).toBe(201);
  }
  for (const [i, name] of ['张明', '李红', '王芳', '赵刚'].entries()) {
    const created = await as(ADMIN, 'POST', '/api/org/units/d1/staff', { staffNo: `D1-${i}`, name, post: '科员', duties: '', pledge: '', partyMember: true });
    expect(created.status).toBe(201);
    staffIds.push(created.json.id as string);
  }
  outsideStaff = (await as(ADMIN, 'POST', '/api/org/units/c2/staff', { staffNo: 'C2-1', name: '孙强', post: '科员', duties: '', pledge: '', partyMember: true })).json.id as string;
  windowCode = (await as(ADMIN, 'POST', '/api/org/units/d1/windows', { name: '市场准入1号窗口' })).json.code as string;
});

afterAll(() => t?.close());

const branch = (extra: Record<string, unknown> = {}) => ({
  unitId: 'c1',
  name: '2026年度民主评议党员',
  year: 2026,
  kind: 'party-members',
  subjects: [...staffIds.map((id, i) => ({ type: 'staff', id, graded: i < 3 }))],
  groups: [
    { name: '党员', weightPct: 70, ballots: 20 },
    { name: '群众代表', weightPct: 30, ballots: 10 },
  ],
  ...extra,
});

describe('民主评议 campaigns', () => {
  let campaign: CampaignView;

  it('creates a draft with the defaults of its kind, subjects named from the org data', async () => {
    const created = await as(COUNTY_ADMIN, 'POST', '/api/appraisal-campaigns', branch());
    expect(created.status).toBe(201);
    campaign = created.json as unknown as CampaignView;
    expect(campaign).toMatchObject({ state: 'draft', round: 1, unitId: 'c1', unitName: '临江县', kind: 'party-members', createdBy: 'county.admin' });
    expect(campaign.campaignId).toMatch(/^a-[0-9a-f]{16}$/);
    expect(campaign.subjects.map((subject) => [subject.id, subject.name, subject.graded])).toEqual([
      [`staff:${staffIds[0]}`, '张明', true],
      [`staff:${staffIds[1]}`, '李红', true],
      [`staff:${staffIds[2]}`, '王芳', true],
      [`staff:${staffIds[3]}`, '赵刚', false],
    ]);
    expect(campaign.groups).toEqual([
      { id: 'g1', name: '党员', weightPct: 70, ballots: 20 },
      { id: 'g2', name: '群众代表', weightPct: 30, ballots: 10 },
    ]);
    expect(campaign.indicators).toEqual([{ id: 'i1', name: '总体评价', weightPct: 100 }]);
    expect(campaign.scale.map((option) => `${option.option}:${option.score}`)).toEqual(['优秀:100', '合格:80', '基本合格:60', '不合格:40', '弃权:null']);
    // 党员民主评议: 优秀 at most 1/3; the trimmed mean above 5; quorum more than half.
    expect(campaign.rules).toMatchObject({ quorum: { moreThan: '1/2' }, onQuorumFail: 'void', trim: { moreThan: 5, drop: 1 }, excellentCap: { maxShare: '1/3' } });
    // The campaign is a tally configuration of manyi-appraisal-v1: with no ballot yet, it tallies (every group short of its quorum).
    const empty = tally({ ...tallyConfigOf({ ...campaign, id: campaign.campaignId, rules: campaign.rules as TallyRules }), ballots: [] });
    expect(empty.void).toBe(true);
    expect(empty.reasons).toEqual(['quorum:g1', 'quorum:g2']);
    expect((await as(COUNTY_ADMIN, 'GET', `/api/appraisal-campaigns/${campaign.campaignId}`)).json).toEqual(created.json);
  });

  it('takes windows and units of the scope as subjects, and exact decimal weights', async () => {
    const created = await as(COUNTY_ADMIN, 'POST', '/api/appraisal-campaigns', {
      ...branch({ kind: 'windows', name: '2026年窗口评议' }),
      subjects: [
        { type: 'window', id: windowCode },
        { type: 'unit', id: 'd1' },
      ],
      groups: [
        { name: '服务对象', weightPct: 33.33, ballots: 30 },
        { name: '同事', weightPct: 33.33, ballots: 10 },
        { name: '领导', weightPct: 33.34, ballots: 3 },
      ],
      indicators: [
        { name: '服务态度', weightPct: 30 },
        { name: '办事效率', weightPct: 30 },
        { name: '廉洁自律', weightPct: 40 },
      ],
    });
    expect(created.status).toBe(201);
    expect(created.json.subjects).toMatchObject([
      { id: `window:${windowCode}`, name: '市场准入1号窗口' },
      { id: 'unit:d1', name: '临江县市场监督管理局' },
    ]);
    expect(created.json.rules).toMatchObject({ excellentCap: null });
  });

  it('refuses bad configurations naming the field, and writes nothing', async () => {
    const before = (await as(COUNTY_ADMIN, 'GET', '/api/appraisal-campaigns', undefined, { unitId: 'c1' })).json.campaigns as unknown[];
    const cases: [Record<string, unknown>, string, RegExp][] = [
      [{ groups: [{ name: '党员', weightPct: 70, ballots: 20 }, { name: '群众代表', weightPct: 29.99, ballots: 10 }] }, 'groups', /total exactly 100%; they total 99\.99%/],
      [{ groups: [{ name: '党员', weightPct: 70.001, ballots: 20 }, { name: '群众代表', weightPct: 29.999, ballots: 10 }] }, 'groups.0.weightPct', /two decimals/],
      [{ indicators: [{ name: '作风', weightPct: 60 }, { name: '效率', weightPct: 60 }] }, 'indicators', /they total 120%/],
      [{ subjects: [{ type: 'staff', id: outsideStaff }] }, 'subjects.0.id', /no such staff/],
      [{ subjects: [{ type: 'unit', id: 'c2' }] }, 'subjects.0.id', /no such unit/],
      [{ subjects: [{ type: 'staff', id: staffIds[0] }, { type: 'staff', id: staffIds[0] }] }, 'subjects', /appears twice/],
      [{ groups: [{ name: '党员', weightPct: 50, ballots: 20 }, { name: '党员', weightPct: 50, ballots: 10 }] }, 'groups.1.name', /already the name/],
      [{ scale: [{ option: '优秀', score: null }, { option: '合格', score: 80 }] }, 'scale.0.score', /needs a score/],
      [
        {
          rules: {
            quorum: { atLeast: '2/3' },
            onQuorumFail: 'renormalise',
            invalidIfIdentical: null,
            excellentPerBallot: null,
            trim: null,
            bands: [{ grade: '优秀', min: 90 }, { grade: '不合格', min: 0 }],
            vetoes: [{ id: 'v1', label: '群众不合格过半', group: 'g9', options: ['不合格'], moreThan: '1/2', atMost: '不合格' }],
            excellentCap: null,
          },
        },
        'rules.vetoes.0.group',
        /\\"g9\\" is not a rater group/,
      ],
      [
        { rules: { quorum: { atLeast: '1/0' }, onQuorumFail: 'void', invalidIfIdentical: null, excellentPerBallot: null, trim: null, bands: [{ grade: '合格', min: 0 }], vetoes: [], excellentCap: null } },
        'rules.quorum.atLeast',
        /is not a ratio/,
      ],
      [{ year: 1999 }, 'year', /./],
      [{ kind: 'members' }, 'kind', /./],
    ];
    for (const [change, field, message] of cases) {
      const reply = await as(COUNTY_ADMIN, 'POST', '/api/appraisal-campaigns', branch(change));
      expect(reply.status, `${field} ${JSON.stringify(change)}`).toBe(400);
      const fields = JSON.stringify(reply.json);
      expect(fields, JSON.stringify(change)).toContain(`"${field}`);
      expect(fields).toMatch(message);
    }
    const after = (await as(COUNTY_ADMIN, 'GET', '/api/appraisal-campaigns', undefined, { unitId: 'c1' })).json.campaigns as unknown[];
    expect(after).toHaveLength(before.length);
  });

  it('changes a draft, keeps it in its unit, hides it from another county, and lets committees read it only', async () => {
    const changed = await as(COUNTY_ADMIN, 'PUT', `/api/appraisal-campaigns/${campaign.campaignId}`, branch({ name: '2026年度民主评议党员（修订）' }));
    expect(changed.status).toBe(200);
    expect(changed.json).toMatchObject({ name: '2026年度民主评议党员（修订）', state: 'draft' });
    expect(changed.json.updatedAt >= campaign.updatedAt).toBe(true);
    const moved = await as(COUNTY_ADMIN, 'PUT', `/api/appraisal-campaigns/${campaign.campaignId}`, branch({ unitId: 'd1' }));
    expect(moved.status).toBe(400);
    expect(JSON.stringify(moved.json)).toContain('unitId');
    expect((await as(OTHER_ADMIN, 'GET', `/api/appraisal-campaigns/${campaign.campaignId}`)).status).toBe(404);
    expect((await as(OTHER_ADMIN, 'PUT', `/api/appraisal-campaigns/${campaign.campaignId}`, branch())).status).toBe(404);
    // Committees of the scope read campaigns (they grade them), and change nothing.
    expect((await as(COMMITTEE, 'GET', `/api/appraisal-campaigns/${campaign.campaignId}`)).status).toBe(200);
    expect((await as(COMMITTEE, 'PUT', `/api/appraisal-campaigns/${campaign.campaignId}`, branch())).status).toBe(403);
    const listed = (await as(COUNTY_ADMIN, 'GET', '/api/appraisal-campaigns', undefined, { unitId: 'c1' })).json.campaigns as CampaignView[];
    expect(listed.map((item) => item.name)).toContain('2026年度民主评议党员（修订）');
    expect((await as(OTHER_ADMIN, 'GET', '/api/appraisal-campaigns', undefined, { unitId: 'c1' })).status).toBe(404);
  });
});
