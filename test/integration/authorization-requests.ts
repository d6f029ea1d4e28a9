import { castBallot, openCampaign } from '../../functions/src/use-cases/appraisal/voting.js';
import { submitRating } from '../../functions/src/use-cases/submit-rating.js';
import { lastCompleteMonth } from '../../shared/src/domain/china-time.js';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { operations } from '../../shared/src/contracts/api.js';
import type { Role } from '../../shared/src/contracts/auth.js';
import type { Principal } from '../../functions/src/auth/principal.js';
import type { StoredAuditEntry } from '../../functions/src/data/audit.js';
import { routes, type Route } from '../../functions/src/routes.js';
import { demoCounty } from '../../infra/local/demo-county.js';
import { createGateway, type Gateway } from '../../infra/local/gateway.js';
import { seedWriter } from '../../infra/local/seed.js';
import { httpEvent } from '../support/http-events.js';
import { isolatedTables, type IsolatedTables } from '../support/isolated-tables.js';
import { scanAll } from './accounts-helpers.js';
import { call, type Reply } from './fixtures.js';

/**
 * The shared ground of authorization-matrix.test.ts and audit-writes.test.ts: the demo county in
 * isolated tables, a VALID request for every bearer operation (REQUESTS, built for an object on
 * either side of the scope line), fresh objects for requests that must succeed, and the audit
 * entries one request wrote.
 *
 * Beyond the demo county's records (seedWriter), everything is made through the API itself (ratings
 * through the public route, the rest by a fixture system admin), so these tests lean on the
 * contracts and the gateway, not on the data layer.
 */

/** Unit A (市场监管局): the callers' scope. Unit B (人社局): a sibling department, out of their scope. */
export const A = 'lj-scjg';
export const B = 'lj-rs';
export const PASSWORD = 'Matrix-Pass-2026!';
const GHOST_ROUND = 'r-0000000000000000';
const GHOST_CAMPAIGN = 'a-0000000000000000';
const GHOST_CASE = '0'.repeat(32);
/** A 1×1 PNG: the photo of a case step's fixture. */
const FIXTURE_PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==';

export type Method = Route['method'];

/** One API request: a JSON body, or a raw upload (CSV file, image) as the gateway passes it. */
export interface Req {
  method: Method;
  path: string;
  query?: Record<string, string>;
  json?: unknown;
  raw?: { body: string; isBase64Encoded: boolean; contentType: string };
}

/** Which side of the caller's scope line an object is on; `ghost` objects do not exist at all. */
export type Side = 'in' | 'out' | 'ghost';

/**
 * The objects a request can be about, all on one side. Shared targets are the seeded ones (never
 * changed by a request that is expected to be refused); fresh targets are made on first use, one
 * set per request that must succeed, so a successful write never spoils another case.
 */
export interface Targets {
  side: Side;
  /** A unit (shared: A or B itself, the scope root of the callers). */
  unit(): Promise<string>;
  /** A unit below it that may be moved or archived (never a caller's scope root). */
  movable(): Promise<string>;
  /** Another unit below it, sibling of `movable`, to move it under. */
  newParent(): Promise<string>;
  /** A window of `unit`. */
  window(): Promise<string>;
  /** A staff member of `unit` (shared: with a photo). */
  staff(): Promise<string>;
  hall(): Promise<string>;
  /** A 接入系统 client of `unit` (issue 13). */
  client(): Promise<string>;
  /** A 阳光测评 round of `unit` in this state (issue 13), drawn by the fixture admin when drawn, closed and published by a second one. */
  round(state: RoundFixtureState): Promise<string>;
  /** A 民主评议 campaign of `unit` (issue 14) appraising the unit itself: a draft, or opened by the fixture admin. */
  campaign(state?: CampaignFixtureState): Promise<string>;
  /** A 差评 case of a window of `unit` (issue 15): 待核实, appealed by the fixture admin, or 实名 (a number left for the 回访). */
  case(state?: CaseFixtureState): Promise<string>;
  /**
   * 问责建议 (issue 15 §3): a scope (`unit`) whose report of last month proposes a unit below it (five
   * 差评 fixed late: 按期整改率 0%). Only a fresh Targets makes one; the shared ones name `unit` as both.
   */
  proposal(): Promise<{ unitId: string; month: string; subjectId: string }>;
  /** An account whose scope is `unit`. */
  account(): Promise<string>;
  /** A unit with a draft survey version, and that version. */
  draft(): Promise<{ unit: string; version: string }>;
  /** A unit with a published survey version, and that version. */
  published(): Promise<{ unit: string; version: string }>;
}

export type Build = (x: Targets) => Promise<Req>;

export type CampaignFixtureState = 'draft' | 'open' | 'closed' | 'tallied' | 'graded';
export type CaseFixtureState = 'pending' | 'appealing' | 'named' | 'attached' | 'callback';

export type RoundFixtureState = 'draft' | 'committed' | 'frozen' | 'drawn' | 'sending' | 'closed' | 'published';

/** A campaign configuration appraising the unit itself by one rater group. */
export function campaignConfig(unitId: string) {
  return { unitId, name: '矩阵评议', year: 2026, kind: 'conduct', subjects: [{ type: 'unit', id: unitId }], groups: [{ name: '服务对象', weightPct: 100, ballots: 10 }] };
}

/** A round configuration for a unit whose 办件 (pushed by newRound) finished today and yesterday. */
export function roundConfig(unitId: string) {
  const today = chinaDay(Date.now());
  const yesterday = chinaDay(Date.now() - 86_400_000);
  return {
    name: `矩阵测评${uniq()}号`,
    unitId,
    period: { from: yesterday, to: today },
    size: { mode: 'total', n: 1 },
    invitationText: '诚邀您评价：{link}',
    deadline: today,
  };
}

export interface RequestSpec {
  /**
   * `object`: the request names an object (path, query or body): built once in scope and once out
   * of it. `caller`: it names none (the caller's own scope, a global registry, the audit log): built
   * once. `import`: the object is named inside an uploaded file, where an out-of-scope unit is a row
   * error exactly like an unknown one (the import routes have no 404).
   */
  scope: 'object' | 'caller' | 'import';
  build: Build;
  /**
   * An in-scope object with an out-of-scope secondary object (a new parent, a hall, staff, a window
   * in a report query). `hidden`: 404 exactly like an unknown id; `like-unknown`: answered exactly
   * like an unknown id, whatever the status. Not run for the system admin (no scope limit: the
   * secondary object is then refused for reasons of structure, not of scope).
   */
  cross?: { build: (inScope: Targets, other: Targets) => Promise<Req>; expect: 'hidden' | 'like-unknown' };
}

let counter = 0;
/** A number unique in this test process: fresh ids, names, 工号, usernames. */
export const uniq = () => ++counter;

const chinaDay = (ms: number) => new Date(ms + 8 * 3600_000).toISOString().slice(0, 10);
/**
 * The China day when a request is built, right before it is sent (not when this module loaded: a
 * run may cross 16:00 UTC). The answers these requests get do not depend on the day's data.
 */
const today = () => chinaDay(Date.now());
const monthAgo = () => chinaDay(Date.now() - 29 * 86_400_000);

/** A 1×1 PNG: a valid staff photo. */
const PNG = Buffer.from(
  '89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8cfc0f01f0005000201a1e3c2a40000000049454e44ae426082',
  'hex',
);
const photo = () => ({ body: PNG.toString('base64'), isBase64Encoded: true, contentType: 'image/png' });
const csv = (lines: string[]) => ({ body: `${lines.join('\r\n')}\r\n`, isBase64Encoded: false, contentType: 'text/csv' });
const RECORD_HEADER = '办件编号,单位编码,办理事项,办结时间,办理方式,申请人类型';
/** An hour ago as a 办件 file writes it: China wall-clock time without an offset. */
const recentChinaTime = () => new Date(Date.now() + 7 * 3_600_000).toISOString().slice(0, 16).replace('T', ' ');

/**
 * A valid request for every bearer operation but the two TOTP enrollment routes (tag `auth`: the
 * caller's own account, no object to name). The matrix fails for an operation missing here.
 */
export const REQUESTS: Record<string, RequestSpec> = {
  listWindows: { scope: 'caller', build: async () => ({ method: 'GET', path: '/api/windows', query: { limit: '100' } }) },
  satisfaction: {
    scope: 'object',
    build: async (x) => ({ method: 'GET', path: '/api/results/satisfaction', query: { window: await x.window(), from: monthAgo(), to: today() } }),
  },

  getUnitTree: { scope: 'caller', build: async () => ({ method: 'GET', path: '/api/org/unit-tree' }) },
  getUnit: { scope: 'object', build: async (x) => ({ method: 'GET', path: `/api/org/units/${await x.unit()}` }) },
  listUnitChildren: { scope: 'object', build: async (x) => ({ method: 'GET', path: `/api/org/units/${await x.unit()}/children` }) },
  createUnit: {
    scope: 'object',
    build: async (x) => {
      const n = uniq();
      return { method: 'POST', path: '/api/org/units', json: { id: `mx-new-${n}`, name: `矩阵新单位${n}`, parentId: await x.unit() } };
    },
  },
  renameUnit: { scope: 'object', build: async (x) => ({ method: 'POST', path: `/api/org/units/${await x.unit()}/rename`, json: { name: `矩阵更名${uniq()}` } }) },
  moveUnit: {
    scope: 'object',
    build: async (x) => ({ method: 'POST', path: `/api/org/units/${await x.movable()}/move`, json: { parentId: await x.newParent() } }),
    cross: {
      build: async (mine, other) => ({ method: 'POST', path: `/api/org/units/${await mine.movable()}/move`, json: { parentId: await other.newParent() } }),
      expect: 'hidden',
    },
  },
  archiveUnit: { scope: 'object', build: async (x) => ({ method: 'POST', path: `/api/org/units/${await x.movable()}/archive`, json: { archived: true } }) },
  previewUnitImport: {
    scope: 'import',
    build: async (x) => {
      const n = uniq();
      return { method: 'POST', path: '/api/org/unit-imports/preview', raw: csv(['单位编码,单位名称,上级单位编码', `mx-imp-${n},矩阵导入单位${n},${await x.unit()}`]) };
    },
  },
  applyUnitImport: {
    scope: 'import',
    build: async (x) => {
      const n = uniq();
      return { method: 'POST', path: '/api/org/unit-imports/apply', raw: csv(['单位编码,单位名称,上级单位编码', `mx-imp-${n},矩阵导入单位${n},${await x.unit()}`]) };
    },
  },
  listUnitWindows: { scope: 'object', build: async (x) => ({ method: 'GET', path: `/api/org/units/${await x.unit()}/windows` }) },
  createWindow: { scope: 'object', build: async (x) => ({ method: 'POST', path: `/api/org/units/${await x.unit()}/windows`, json: { name: `矩阵窗口${uniq()}` } }) },
  getOrgWindow: { scope: 'object', build: async (x) => ({ method: 'GET', path: `/api/org/windows/${await x.window()}` }) },
  updateWindow: {
    scope: 'object',
    build: async (x) => ({ method: 'POST', path: `/api/org/windows/${await x.window()}`, json: { name: `矩阵窗口更名${uniq()}` } }),
    cross: {
      build: async (mine, other) => ({ method: 'POST', path: `/api/org/windows/${await mine.window()}`, json: { hallId: await other.hall() } }),
      expect: 'hidden',
    },
  },
  setWindowStaff: {
    scope: 'object',
    build: async (x) => {
      const staff = await x.staff();
      return { method: 'POST', path: `/api/org/windows/${await x.window()}/staff`, json: { staffIds: [staff], onDutyIds: [staff] } };
    },
    cross: {
      build: async (mine, other) => {
        const staff = await other.staff();
        return { method: 'POST', path: `/api/org/windows/${await mine.window()}/staff`, json: { staffIds: [staff], onDutyIds: [staff] } };
      },
      // Staff of another unit are "no such staff member in this unit" (400 naming staffIds.0), like unknown ones.
      expect: 'like-unknown',
    },
  },
  listUnitStaff: { scope: 'object', build: async (x) => ({ method: 'GET', path: `/api/org/units/${await x.unit()}/staff` }) },
  createStaff: {
    scope: 'object',
    build: async (x) => ({
      method: 'POST',
      path: `/api/org/units/${await x.unit()}/staff`,
      json: { staffNo: `MX${uniq()}`, name: '矩阵员工', post: '综合受理员', duties: '一窗受理', pledge: '一次告知', partyMember: false },
    }),
  },
  getStaff: { scope: 'object', build: async (x) => ({ method: 'GET', path: `/api/org/staff/${await x.staff()}` }) },
  updateStaff: { scope: 'object', build: async (x) => ({ method: 'POST', path: `/api/org/staff/${await x.staff()}`, json: { post: `矩阵岗位${uniq()}` } }) },
  setStaffPhoto: { scope: 'object', build: async (x) => ({ method: 'POST', path: `/api/org/staff/${await x.staff()}/photo`, raw: photo() }) },
  getStaffPhoto: { scope: 'object', build: async (x) => ({ method: 'GET', path: `/api/org/staff/${await x.staff()}/photo` }) },
  previewStaffImport: {
    scope: 'import',
    build: async (x) => ({
      method: 'POST',
      path: '/api/org/staff-imports/preview',
      raw: csv(['姓名,工号,所属单位编码,岗位,职责,服务承诺,是否党员', `矩阵导入,MXI${uniq()},${await x.unit()},综合受理员,一窗受理,一次告知,否`]),
    }),
  },
  applyStaffImport: {
    scope: 'import',
    build: async (x) => ({
      method: 'POST',
      path: '/api/org/staff-imports/apply',
      raw: csv(['姓名,工号,所属单位编码,岗位,职责,服务承诺,是否党员', `矩阵导入,MXI${uniq()},${await x.unit()},综合受理员,一窗受理,一次告知,否`]),
    }),
  },
  previewServiceRecordImport: {
    scope: 'import',
    build: async (x) => ({ method: 'POST', path: '/api/org/service-record-imports/preview', raw: csv([RECORD_HEADER, `MX-${uniq()},${await x.unit()},不动产登记,${recentChinaTime()},窗口,个人`]) }),
  },
  applyServiceRecordImport: {
    scope: 'import',
    build: async (x) => ({ method: 'POST', path: '/api/org/service-record-imports/apply', raw: csv([RECORD_HEADER, `MX-${uniq()},${await x.unit()},不动产登记,${recentChinaTime()},窗口,个人`]) }),
  },
  listUnitHalls: { scope: 'object', build: async (x) => ({ method: 'GET', path: `/api/org/units/${await x.unit()}/halls` }) },
  createHall: {
    scope: 'object',
    build: async (x) => ({ method: 'POST', path: `/api/org/units/${await x.unit()}/halls`, json: { name: `矩阵大厅${uniq()}`, address: '矩阵路1号' } }),
  },
  updateHall: { scope: 'object', build: async (x) => ({ method: 'POST', path: `/api/org/halls/${await x.hall()}`, json: { address: `矩阵路${uniq()}号` } }) },
  archiveHall: { scope: 'object', build: async (x) => ({ method: 'POST', path: `/api/org/halls/${await x.hall()}/archive`, json: { archived: true } }) },
  listWindowHalls: { scope: 'object', build: async (x) => ({ method: 'GET', path: `/api/org/windows/${await x.window()}/halls` }) },

  createIntegrationClient: {
    scope: 'object',
    build: async (x) => ({ method: 'POST', path: '/api/integration-clients', json: { unitId: await x.unit(), name: `矩阵接入系统${uniq()}` } }),
  },
  listIntegrationClients: { scope: 'object', build: async (x) => ({ method: 'GET', path: '/api/integration-clients', query: { unitId: await x.unit() } }) },
  rotateIntegrationClient: { scope: 'object', build: async (x) => ({ method: 'POST', path: `/api/integration-clients/${await x.client()}/rotate` }) },
  revokeIntegrationClient: { scope: 'object', build: async (x) => ({ method: 'POST', path: `/api/integration-clients/${await x.client()}/revoke` }) },

  createRound: { scope: 'object', build: async (x) => ({ method: 'POST', path: '/api/sampling-rounds', json: roundConfig(await x.unit()) }) },
  listRounds: { scope: 'object', build: async (x) => ({ method: 'GET', path: '/api/sampling-rounds', query: { unitId: await x.unit() } }) },
  getRound: { scope: 'object', build: async (x) => ({ method: 'GET', path: `/api/sampling-rounds/${await x.round('draft')}` }) },
  createCampaign: { scope: 'object', build: async (x) => ({ method: 'POST', path: '/api/appraisal-campaigns', json: campaignConfig(await x.unit()) }) },
  listCampaigns: { scope: 'object', build: async (x) => ({ method: 'GET', path: '/api/appraisal-campaigns', query: { unitId: await x.unit() } }) },
  getCampaign: { scope: 'object', build: async (x) => ({ method: 'GET', path: `/api/appraisal-campaigns/${await x.campaign()}` }) },
  updateCampaign: {
    scope: 'object',
    build: async (x) => ({ method: 'PUT', path: `/api/appraisal-campaigns/${await x.campaign()}`, json: campaignConfig(await x.unit()) }),
  },
  openCampaign: { scope: 'object', build: async (x) => ({ method: 'POST', path: `/api/appraisal-campaigns/${await x.campaign()}/open` }) },
  closeCampaign: { scope: 'object', build: async (x) => ({ method: 'POST', path: `/api/appraisal-campaigns/${await x.campaign('open')}/close` }) },
  revoteCampaign: {
    scope: 'object',
    build: async (x) => ({ method: 'POST', path: `/api/appraisal-campaigns/${await x.campaign('tallied')}/revote`, json: { reason: '矩阵：重新投票' } }),
  },
  tallyCampaign: { scope: 'object', build: async (x) => ({ method: 'POST', path: `/api/appraisal-campaigns/${await x.campaign('closed')}/tally` }) },
  getCampaignTally: { scope: 'object', build: async (x) => ({ method: 'GET', path: `/api/appraisal-campaigns/${await x.campaign('tallied')}/tally` }) },
  getCampaignPack: { scope: 'object', build: async (x) => ({ method: 'GET', path: `/api/appraisal-campaigns/${await x.campaign('tallied')}/pack` }) },
  exportCampaignResults: {
    scope: 'object',
    build: async (x) => ({ method: 'GET', path: `/api/appraisal-campaigns/${await x.campaign('tallied')}/results/export`, query: { format: 'csv' } }),
  },
  recordGrade: {
    scope: 'object',
    build: async (x) => ({ method: 'POST', path: `/api/appraisal-campaigns/${await x.campaign('tallied')}/grades`, json: { subjectId: `unit:${await x.unit()}`, grade: '优秀', reason: '矩阵：与建议等次不同' } }),
  },
  publishCampaign: { scope: 'object', build: async (x) => ({ method: 'POST', path: `/api/appraisal-campaigns/${await x.campaign('graded')}/publish` }) },
  updateRound: {
    scope: 'object',
    build: async (x) => ({ method: 'PUT', path: `/api/sampling-rounds/${await x.round('draft')}`, json: roundConfig(await x.unit()) }),
  },
  commitRound: { scope: 'object', build: async (x) => ({ method: 'POST', path: `/api/sampling-rounds/${await x.round('draft')}/commit` }) },
  freezeRound: { scope: 'object', build: async (x) => ({ method: 'POST', path: `/api/sampling-rounds/${await x.round('committed')}/freeze` }) },
  drawRound: { scope: 'object', build: async (x) => ({ method: 'POST', path: `/api/sampling-rounds/${await x.round('frozen')}/draw`, json: { publicInput: '42' } }) },
  closeRound: { scope: 'object', build: async (x) => ({ method: 'POST', path: `/api/sampling-rounds/${await x.round('drawn')}/close` }) },
  publishRound: { scope: 'object', build: async (x) => ({ method: 'POST', path: `/api/sampling-rounds/${await x.round('closed')}/publish` }) },
  cancelRound: { scope: 'object', build: async (x) => ({ method: 'POST', path: `/api/sampling-rounds/${await x.round('draft')}/cancel` }) },
  getRoundDrawPack: { scope: 'object', build: async (x) => ({ method: 'GET', path: `/api/sampling-rounds/${await x.round('drawn')}/draw-pack` }) },
  // A round already sending: the jobs continue (200) whoever of the allowed roles calls first.
  sendRound: { scope: 'object', build: async (x) => ({ method: 'POST', path: `/api/sampling-rounds/${await x.round('sending')}/send` }) },
  remindRound: { scope: 'object', build: async (x) => ({ method: 'POST', path: `/api/sampling-rounds/${await x.round('sending')}/remind` }) },
  getRoundResults: { scope: 'object', build: async (x) => ({ method: 'GET', path: `/api/sampling-rounds/${await x.round('sending')}/results` }) },
  exportRoundResults: {
    scope: 'object',
    build: async (x) => ({ method: 'GET', path: `/api/sampling-rounds/${await x.round('sending')}/results/export`, query: { format: 'xlsx' } }),
  },
  getRoundOutbox: { scope: 'object', build: async (x) => ({ method: 'GET', path: `/api/sampling-rounds/${await x.round('sending')}/outbox` }) },

  listSurveyVersions: { scope: 'object', build: async (x) => ({ method: 'GET', path: `/api/admin/units/${await x.unit()}/survey` }) },
  getSurveyVersion: {
    scope: 'object',
    build: async (x) => {
      const { unit, version } = await x.published();
      return { method: 'GET', path: `/api/admin/units/${unit}/survey/versions/${version}` };
    },
  },
  createSurveyDraft: { scope: 'object', build: async (x) => ({ method: 'POST', path: `/api/admin/units/${await x.unit()}/survey/drafts` }) },
  updateSurveyDraft: {
    scope: 'object',
    build: async (x) => {
      const { unit, version } = await x.draft();
      return {
        method: 'POST',
        path: `/api/admin/units/${unit}/survey/versions/${version}`,
        json: { title: '矩阵补充问卷', questions: [{ id: 'q1', kind: 'rating', text: '等候时间是否可以接受', required: false }] },
      };
    },
  },
  publishSurveyVersion: {
    scope: 'object',
    build: async (x) => {
      const { unit, version } = await x.draft();
      return { method: 'POST', path: `/api/admin/units/${unit}/survey/versions/${version}/publish` };
    },
  },
  retireSurveyVersion: {
    scope: 'object',
    build: async (x) => {
      const { unit, version } = await x.published();
      return { method: 'POST', path: `/api/admin/units/${unit}/survey/versions/${version}/retire` };
    },
  },

  windowPoster: { scope: 'object', build: async (x) => ({ method: 'GET', path: `/api/admin/windows/${await x.window()}/poster`, query: { format: 'svg' } }) },
  unitPosters: { scope: 'object', build: async (x) => ({ method: 'GET', path: `/api/admin/units/${await x.unit()}/posters`, query: { size: 'A5' } }) },

  satisfactionReport: {
    scope: 'object',
    build: async (x) => ({ method: 'GET', path: '/api/reports/satisfaction', query: { unit: await x.unit() } }),
    cross: {
      build: async (mine, other) => ({ method: 'GET', path: '/api/reports/satisfaction', query: { unit: await mine.unit(), window: await other.window() } }),
      expect: 'hidden',
    },
  },
  exportSatisfactionReport: {
    scope: 'object',
    build: async (x) => ({ method: 'GET', path: '/api/reports/satisfaction/export', query: { unit: await x.unit(), format: 'csv' } }),
    cross: {
      build: async (mine, other) => ({
        method: 'GET',
        path: '/api/reports/satisfaction/export',
        query: { unit: await mine.unit(), window: await other.window(), format: 'csv' },
      }),
      expect: 'hidden',
    },
  },
  listComments: {
    scope: 'object',
    build: async (x) => ({ method: 'GET', path: '/api/reports/comments', query: { unit: await x.unit() } }),
    cross: {
      build: async (mine, other) => ({ method: 'GET', path: '/api/reports/comments', query: { unit: await mine.unit(), window: await other.window() } }),
      expect: 'hidden',
    },
  },
  myReport: {
    scope: 'object',
    build: async (x) => ({ method: 'GET', path: '/api/reports/me', query: { unit: await x.unit() } }),
    cross: {
      build: async (mine, other) => ({ method: 'GET', path: '/api/reports/me', query: { unit: await mine.unit(), window: await other.window() } }),
      expect: 'hidden',
    },
  },
  myAppraisals: { scope: 'caller', build: async () => ({ method: 'GET', path: '/api/me/appraisals' }) },
  listCases: { scope: 'object', build: async (x) => ({ method: 'GET', path: '/api/cases', query: { unitId: await x.unit() } }) },
  getCase: { scope: 'object', build: async (x) => ({ method: 'GET', path: `/api/cases/${await x.case()}` }) },
  transitionCase: { scope: 'object', build: async (x) => ({ method: 'POST', path: `/api/cases/${await x.case()}/transitions`, json: { to: 'immediate', note: '矩阵：立行立改' } }) },
  createAccountabilityRecord: {
    scope: 'object',
    build: async (x) => ({
      method: 'POST',
      path: '/api/accountability-records',
      json: { subjectType: 'window', subjectId: await x.window(), kind: 'notice', period: '2026-11', reason: '矩阵：通报', documentNo: '矩阵〔2026〕1号', issuedBy: '矩阵办', issuedOn: '2026-12-01' },
    }),
  },
  listAccountabilityProposals: {
    scope: 'object',
    build: async (x) => ({ method: 'GET', path: '/api/accountability-proposals', query: { unitId: (await x.proposal()).unitId, month: (await x.proposal()).month } }),
  },
  decideAccountabilityProposal: {
    scope: 'object',
    build: async (x) => {
      const { unitId, month, subjectId } = await x.proposal();
      return { method: 'POST', path: '/api/accountability-proposals/decisions', json: { unitId, month, rule: 'unit-on-time-low', subjectType: 'unit', subjectId, decision: 'dismissed', reason: '矩阵：不予问责' } };
    },
  },
  listAccountabilityRecords: { scope: 'object', build: async (x) => ({ method: 'GET', path: '/api/accountability-records', query: { unitId: await x.unit(), period: '2026' } }) },
  exportAccountabilityRecords: { scope: 'object', build: async (x) => ({ method: 'GET', path: '/api/accountability-records/export', query: { unitId: await x.unit(), period: '2026', format: 'csv' } }) },
  getCaseAttachment: { scope: 'object', build: async (x) => ({ method: 'GET', path: `/api/cases/${await x.case('attached')}/attachments/1` }) },
  getCaseDeadlines: { scope: 'object', build: async (x) => ({ method: 'GET', path: '/api/case-deadlines', query: { unitId: await x.unit() } }) },
  setCaseDeadlines: { scope: 'object', build: async (x) => ({ method: 'PUT', path: '/api/case-deadlines', json: { unitId: await x.unit(), verify: 1, immediate: 1, deadline: 15 } }) },
  getMailboxSettings: { scope: 'object', build: async (x) => ({ method: 'GET', path: '/api/case-mailbox', query: { unitId: await x.unit() } }) },
  // Closing the 一把手信箱 (head null) is valid for any unit: the refusal under test is the caller's.
  setMailboxSettings: { scope: 'object', build: async (x) => ({ method: 'PUT', path: '/api/case-mailbox', json: { unitId: await x.unit(), head: null } }) },
  sendCaseRecoveryLink: { scope: 'object', build: async (x) => ({ method: 'POST', path: `/api/cases/${await x.case('callback')}/recovery-link` }) },
  revealCaseContact: { scope: 'object', build: async (x) => ({ method: 'POST', path: `/api/cases/${await x.case('named')}/contact` }) },
  listRateDefinitions: { scope: 'caller', build: async () => ({ method: 'GET', path: '/api/rate-definitions' }) },
  createRateDefinition: {
    scope: 'caller',
    build: async () => ({ method: 'POST', path: '/api/rate-definitions', json: { id: `mx-def-${uniq()}`, name: '矩阵口径', goodLevels: [5, 4, 3], satisfiedLevels: [5, 4] } }),
  },

  listAccounts: { scope: 'caller', build: async () => ({ method: 'GET', path: '/api/accounts' }) },
  createAccount: {
    scope: 'object',
    build: async (x) => {
      const n = uniq();
      return {
        method: 'POST',
        path: '/api/accounts',
        json: { username: `mx.new${n}`, displayName: '矩阵账号', personId: `MXP${n}`, role: 'committee', unitId: await x.unit(), password: PASSWORD },
      };
    },
  },
  updateAccount: { scope: 'object', build: async (x) => ({ method: 'PATCH', path: `/api/accounts/${await x.account()}`, json: { displayName: `矩阵改名${uniq()}` } }) },
  resetAccountPassword: {
    scope: 'object',
    build: async (x) => ({ method: 'POST', path: `/api/accounts/${await x.account()}/password`, json: { password: `${PASSWORD}${uniq()}` } }),
  },
  listAudit: { scope: 'caller', build: async () => ({ method: 'GET', path: '/api/audit', query: { from: today(), to: today(), limit: '5' } }) },
  exportAudit: {
    scope: 'caller',
    build: async () => ({ method: 'GET', path: '/api/audit/export', query: { from: today(), to: today(), action: 'rate-definition.create' } }),
  },
};

/** Bearer operations the request table must cover: all but the caller's-own-account routes (tag `auth`). */
export const matrixRoutes = (): Route[] => routes.filter((r) => r.auth === 'bearer' && operations[r.operationId].tag !== 'auth');

/** An audit item as the table holds it (the data layer's own type). */
export type AuditItem = StoredAuditEntry;

/** The world both tests run in: the demo county in fresh tables, callers of every role in unit A. */
export interface World {
  t: IsolatedTables;
  gateway: Gateway;
  principal(role: Role): Principal;
  token(role: Role): string;
  /** The shared objects of each side (`ghost`: ids that exist nowhere). */
  shared: Record<Side, Targets>;
  /** Brand-new objects on one side, made through the API on first use. */
  fresh(side: 'in' | 'out'): Targets;
  /** [ghost id, its shared out-of-scope twin]: to ask for "an unknown id" with the same request, and compare the answers. */
  ghostToOut(): Promise<[string, string][]>;
  /** Ids and names of every out-of-scope object, those made by the tests included: none may reach a scoped caller. */
  leakMarkers: Set<string>;
  /** Send a request; the reply and the audit entries written while it ran (nothing else writes meanwhile). */
  send(req: Req, token?: string): Promise<{ reply: Reply; audit: AuditItem[] }>;
  /** A fixture request by a system admin of its own (not measured); anything but 2xx throws. */
  admin(method: Method, path: string, json?: unknown): Promise<any>;
  /** Every item of the ops and contacts tables, by key (the audit table only grows). */
  snapshot(): Promise<Map<string, string>>;
  /** Requests made to prepare objects (not measured), and the time spent reading whole tables. */
  stats: { fixtures: number; snapshotMs: number; items: number };
  close(): void;
}

/** One request through the local gateway, any method, JSON or raw body. */
export function send(gateway: Gateway, req: Req, token?: string): Promise<Reply> {
  const headers: Record<string, string> = {};
  if (token) headers.authorization = `Bearer ${token}`;
  let body: string | undefined;
  let isBase64Encoded = false;
  if (req.json !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(req.json);
  } else if (req.raw) {
    headers['content-type'] = req.raw.contentType;
    body = req.raw.body;
    isBase64Encoded = req.raw.isBase64Encoded;
  }
  const event = httpEvent('GET', req.path, {
    headers,
    ...(req.query ? { query: req.query } : {}),
    ...(body !== undefined ? { body, isBase64Encoded } : {}),
  });
  event.requestContext.http.method = req.method;
  return call(gateway, event);
}

/** The text of a request, for "an answer may echo what the caller sent, nothing else". */
export const requestText = (req: Req) => `${req.path} ${JSON.stringify(req.query ?? {})} ${JSON.stringify(req.json ?? null)} ${req.raw?.isBase64Encoded ? '' : (req.raw?.body ?? '')}`;

export async function createWorld(endpoint: string): Promise<World> {
  const t = await isolatedTables(endpoint);
  t.install();
  const gateway = createGateway();
  // The demo county's tree, halls, staff and windows, and a few ratings of every window through the
  // public route (not seedDemo's ratings: their seeded ClientRequestTokens collide with any other
  // file seeding them in the same DynamoDB Local, e.g. audit-writes.test.ts next to this one).
  const county = demoCounty();
  const writer = seedWriter(t.runtime);
  for (const unit of county.units) await writer.putUnit(unit);
  for (const hall of county.halls) await writer.putHall(hall);
  for (const person of county.staff) await writer.putStaff(person);
  for (const window of county.windows) await writer.putWindow(window);

  const principal = (role: Role): Principal => ({ username: `mx.${role}`, role, unitId: A });
  const tokens = new Map<Role, string>();
  for (const role of ['system-admin', 'unit-admin', 'committee', 'staff', 'auditor'] as const) {
    tokens.set(role, (await t.runtime.tokens.issue(principal(role), new Date())).token);
  }
  const fixtureToken = (await t.runtime.tokens.issue({ username: 'fixture.admin', role: 'system-admin', unitId: 'jn-qh-lj' }, new Date())).token;
  // The account that drew may not close or publish (separation of duties): a second one does.
  const closerToken = (await t.runtime.tokens.issue({ username: 'fixture.closer', role: 'system-admin', unitId: 'jn-qh-lj' }, new Date())).token;

  const stats = { fixtures: 0, snapshotMs: 0, items: 0 };
  for (const window of county.windows) {
    for (const level of [5, 4, 2]) {
      stats.fixtures++;
      const reply = await send(gateway, { method: 'POST', path: '/api/public/ratings', json: { windowCode: window.code, level } });
      if (reply.status !== 201) throw new Error(`fixture rating → ${reply.status} ${reply.text.slice(0, 300)}`);
    }
  }
  async function admin(method: Method, path: string, json?: unknown, raw?: Req['raw'], token = fixtureToken): Promise<any> {
    stats.fixtures++;
    const reply = await send(gateway, { method, path, ...(json !== undefined ? { json } : {}), ...(raw ? { raw } : {}) }, token);
    if (reply.status < 200 || reply.status > 299) throw new Error(`fixture ${method} ${path} → ${reply.status} ${reply.text.slice(0, 300)}`);
    return reply.json;
  }

  // What must never reach a caller of A: ids and names of B's units, windows and halls, ids of its staff
  // (staff names repeat across units), and everything the tests make in B.
  const inB = (unitId: string) => county.units.find((u) => u.id === unitId)?.path.includes(B) ?? false;
  const leakMarkers = new Set<string>();
  for (const unit of county.units.filter((u) => u.path.includes(B))) leakMarkers.add(unit.id).add(unit.name);
  for (const window of county.windows.filter((w) => inB(w.unitId))) leakMarkers.add(window.code).add(window.name);
  for (const person of county.staff.filter((s) => inB(s.unitId))) leakMarkers.add(person.id);
  for (const hall of county.halls.filter((h) => h.unitId === B)) leakMarkers.add(hall.id).add(hall.name);

  // Names carry their side (甲方 / 乙方) and end in 号, so no name of one side is part of a name of the other.
  const label = (side: 'in' | 'out') => (side === 'in' ? '甲方' : '乙方');
  const newUnit = async (parentId: string, side: 'in' | 'out') => {
    const n = uniq();
    const unit = await admin('POST', '/api/org/units', { id: `mx-${side}-${n}`, name: `${label(side)}夹具单位${n}号`, parentId });
    if (side === 'out') leakMarkers.add(unit.id).add(unit.name);
    return unit.id as string;
  };
  const newAccount = async (unitId: string, side: 'in' | 'out', extra: { role?: Role; personId?: string; username?: string } = {}) => {
    const n = uniq();
    const username = extra.username ?? `mx.${side}.acct${n}`;
    await admin('POST', '/api/accounts', { username, displayName: '夹具账号', personId: extra.personId ?? `MXF${n}`, role: extra.role ?? 'committee', unitId, password: PASSWORD });
    if (side === 'out') leakMarkers.add(username);
    return username;
  };
  const newDraft = async (unitId: string) => {
    const draft = await admin('POST', `/api/admin/units/${unitId}/survey/drafts`);
    return { unit: unitId, version: String(draft.version) };
  };
  const newPublished = async (unitId: string) => {
    const draft = await newDraft(unitId);
    await admin('POST', `/api/admin/units/${unitId}/survey/versions/${draft.version}/publish`);
    return draft;
  };

  /** A round of the unit, advanced by the fixture admin to `state`; 办件 with a mobile pushed first so it can freeze. */
  const newRound = async (unitId: string, side: 'in' | 'out', state: RoundFixtureState) => {
    const { credential } = await admin('POST', '/api/integration-clients', { unitId, name: `${label(side)}测评接入系统${uniq()}` });
    const records = [0, 1].map((i) => ({
      projNo: `MX-${uniq()}-${i}`,
      unitId,
      serviceItem: '矩阵事项',
      finishedAt: new Date(Date.now() - 60_000).toISOString(),
      servedVia: 'window',
      applicantType: 'person',
      applicantMobile: `1380013${String(uniq() % 10_000).padStart(4, '0')}`,
    }));
    stats.fixtures++;
    const pushed = await send(gateway, { method: 'POST', path: '/api/service-records', json: { records } }, credential);
    if (pushed.status !== 200) throw new Error(`fixture push → ${pushed.status} ${pushed.text.slice(0, 300)}`);
    const round = await admin('POST', '/api/sampling-rounds', roundConfig(unitId));
    const steps: [RoundFixtureState, string, unknown?][] = [
      ['committed', 'commit'],
      ['frozen', 'freeze'],
      ['drawn', 'draw', { publicInput: '' }],
      ['sending', 'send'],
      ['closed', 'close'],
      ['published', 'publish'],
    ];
    for (const [reached, step, body] of steps) {
      if (state === 'draft') break;
      await admin('POST', `/api/sampling-rounds/${round.roundId}/${step}`, body, undefined, step === 'close' || step === 'publish' ? closerToken : fixtureToken);
      if (reached === state) break;
    }
    if (side === 'out') leakMarkers.add(round.roundId).add(round.config.name);
    return round.roundId as string;
  };
  const newCampaign = async (unitId: string, side: 'in' | 'out', state: CampaignFixtureState = 'draft') => {
    const campaign = await admin('POST', '/api/appraisal-campaigns', campaignConfig(unitId));
    if (state !== 'draft') {
      // Opened through the use case, which hands the codes over (the route answers them only as a
      // PDF), then 6 of the 10 ballots cast: the quorum (more than half) is met, the round not void.
      const { issued } = await openCampaign(t.runtime, { username: 'fixture.admin', role: 'system-admin', unitId: 'jn-qh-lj' }, campaign.campaignId);
      for (const code of issued[0]!.codes.slice(0, 6)) await castBallot(t.runtime, code, { [`unit:${unitId}`]: { i1: '合格' } });
    }
    for (const [reached, step] of [['closed', 'close'], ['tallied', 'tally']] as const) {
      if (state === 'draft' || state === 'open') break;
      await admin('POST', `/api/appraisal-campaigns/${campaign.campaignId}/${step}`);
      if (reached === state) break;
    }
    if (state === 'graded') {
      await admin('POST', `/api/appraisal-campaigns/${campaign.campaignId}/grades`, { subjectId: `unit:${unitId}`, grade: '合格' }, undefined, closerToken);
    }
    if (side === 'out') leakMarkers.add(campaign.campaignId);
    return campaign.campaignId as string;
  };
  /** A 差评 rating of the window, through the rating use case: its case, appealed when asked. */
  const newCase = async (windowCode: string, side: 'in' | 'out', state: CaseFixtureState = 'pending') => {
    const named = state === 'named' || state === 'callback';
    const { id } = await submitRating(t.runtime, { windowCode, level: 1, reasons: ['SLOW'], ...(named ? { contactPhone: '13800138000', consentToCallback: true } : {}) }, {});
    // 已整改, waiting for its 回访: what a 回访 link is sent for.
    if (state === 'callback') {
      await admin('POST', `/api/cases/${id}/transitions`, { to: 'immediate', note: '夹具：立行立改' });
      await admin('POST', `/api/cases/${id}/transitions`, { to: 'fixed', note: '夹具：已整改' });
    }
    if (state === 'appealing') await admin('POST', `/api/cases/${id}/transitions`, { to: 'appealing', note: '夹具：申诉' });
    if (state === 'attached') await admin('POST', `/api/cases/${id}/transitions`, { to: 'immediate', note: '夹具：附照片', attachment: FIXTURE_PNG });
    if (side === 'out') leakMarkers.add(id);
    return id;
  };
  /** A unit below `scope` with a window whose five 差评 of last month were fixed ten days late, through the routes. */
  const newProposal = async (scope: string, side: 'in' | 'out') => {
    const subject = await newUnit(scope, side);
    const window = await admin('POST', `/api/org/units/${subject}/windows`, { name: `${label(side)}夹具窗口${uniq()}号` });
    if (side === 'out') leakMarkers.add(window.code).add(window.name);
    const month = lastCompleteMonth(new Date());
    const clock = t.runtime.now;
    try {
      for (let i = 0; i < 5; i++) {
        t.runtime.now = () => new Date(`${month}-10T04:00:00Z`);
        const { id } = await submitRating(t.runtime, { windowCode: window.code, level: 1, reasons: ['SLOW'] }, {});
        if (side === 'out') leakMarkers.add(id);
        await admin('POST', `/api/cases/${id}/transitions`, { to: 'immediate', note: '夹具：立行立改' });
        t.runtime.now = () => new Date(`${month}-25T04:00:00Z`);
        await admin('POST', `/api/cases/${id}/transitions`, { to: 'fixed', note: '夹具：逾期整改' });
      }
    } finally {
      t.runtime.now = clock;
    }
    return { unitId: scope, month, subjectId: subject };
  };
  /** Cases of a Targets by state, each made once. */
  const casesOf = (window: () => Promise<string>, side: 'in' | 'out') => {
    const made = new Map<CaseFixtureState, Promise<string>>();
    return (state: CaseFixtureState = 'pending') => made.get(state) ?? made.set(state, window().then((code) => newCase(code, side, state))).get(state)!;
  };
  /** Campaigns of a Targets by state, each made once. */
  const campaignsOf = (unit: () => Promise<string>, side: 'in' | 'out') => {
    const made = new Map<CampaignFixtureState, Promise<string>>();
    return (state: CampaignFixtureState = 'draft') => made.get(state) ?? made.set(state, unit().then((id) => newCampaign(id, side, state))).get(state)!;
  };
  /** Rounds of a Targets by state, each made once. */
  const roundsOf = (unit: () => Promise<string>, side: 'in' | 'out') => {
    const made = new Map<RoundFixtureState, Promise<string>>();
    return (state: RoundFixtureState) => made.get(state) ?? made.set(state, unit().then((id) => newRound(id, side, state))).get(state)!;
  };

  /** Memoised getters: each object is made once per Targets. */
  function lazy<T>(make: () => Promise<T>): () => Promise<T> {
    let value: Promise<T> | undefined;
    return () => (value ??= make());
  }

  function fresh(side: 'in' | 'out'): Targets {
    const root = side === 'in' ? A : B;
    const unit = lazy(() => newUnit(root, side));
    const window = lazy(async () => {
      const created = await admin('POST', `/api/org/units/${await unit()}/windows`, { name: `${label(side)}夹具窗口${uniq()}号` });
      if (side === 'out') leakMarkers.add(created.code).add(created.name);
      return created.code as string;
    });
    const staff = lazy(async () => {
      const created = await admin('POST', `/api/org/units/${await unit()}/staff`, { staffNo: `FX${uniq()}`, name: '夹具员工', post: '综合受理员', duties: '', pledge: '', partyMember: false });
      if (side === 'out') leakMarkers.add(created.id);
      return created.id as string;
    });
    const hall = lazy(async () => {
      const created = await admin('POST', `/api/org/units/${await unit()}/halls`, { name: `${label(side)}夹具大厅${uniq()}号`, address: '夹具路1号' });
      if (side === 'out') leakMarkers.add(created.id).add(created.name);
      return created.id as string;
    });
    const client = lazy(async () => {
      const created = await admin('POST', '/api/integration-clients', { unitId: await unit(), name: `${label(side)}夹具接入系统${uniq()}` });
      if (side === 'out') leakMarkers.add(created.client.clientId).add(created.client.name);
      return created.client.clientId as string;
    });
    return {
      side,
      unit,
      client,
      round: roundsOf(unit, side),
      campaign: campaignsOf(unit, side),
      case: casesOf(window, side),
      movable: lazy(() => newUnit(root, side)),
      newParent: lazy(() => newUnit(root, side)),
      window,
      staff,
      hall,
      account: lazy(async () => newAccount(await unit(), side)),
      proposal: lazy(async () => newProposal(await unit(), side)),
      draft: lazy(async () => newDraft(await unit())),
      published: lazy(async () => newPublished(await unit())),
    };
  }

  const fixed = (
    values: { unit: string; movable: string; newParent: string; window: string; staff: string; hall: string; account: string; client: string },
    side: Side,
    round: Targets['round'] = async () => GHOST_ROUND,
    campaign: Targets['campaign'] = async () => GHOST_CAMPAIGN,
    kase: Targets['case'] = async () => GHOST_CASE,
  ): Targets => ({
    side,
    round,
    campaign,
    case: kase,
    unit: async () => values.unit,
    movable: async () => values.movable,
    newParent: async () => values.newParent,
    window: async () => values.window,
    staff: async () => values.staff,
    hall: async () => values.hall,
    client: async () => values.client,
    account: async () => values.account,
    proposal: async () => ({ unitId: values.unit, month: lastCompleteMonth(new Date()), subjectId: values.unit }),
    draft: async () => ({ unit: values.unit, version: '2' }),
    published: async () => ({ unit: values.unit, version: '1' }),
  });
  // The shared objects of each side, made once. A has no hall of its own in the demo county (its windows
  // are in the county's hall): it gets one. Both sides get a published survey version 1 and a draft
  // version 2, a photo of the first staff member on duty, an account, and two units below the scope root.
  async function sharedSide(side: 'in' | 'out'): Promise<Targets> {
    const root = side === 'in' ? A : B;
    const window = county.windows.find((w) => w.unitId === root)!;
    const staff = county.staff.find((s) => s.id === window.staffOnDutyIds[0])!;
    const hall = side === 'out' ? county.halls.find((h) => h.unitId === B)!.id : (await admin('POST', `/api/org/units/${A}/halls`, { name: '市场监管局自有大厅', address: '临江县建设路9号' })).id;
    await admin('POST', `/api/org/staff/${staff.id}/photo`, undefined, photo());
    await newPublished(root);
    await newDraft(root);
    const client = (await admin('POST', '/api/integration-clients', { unitId: root, name: `${label(side)}共享接入系统` })).client;
    if (side === 'out') leakMarkers.add(client.clientId).add(client.name);
    // Made now, not on first use: a shared object appearing during a refused request would count as its change.
    const rounds = roundsOf(async () => root, side);
    for (const state of ['draft', 'committed', 'frozen', 'drawn', 'sending', 'closed', 'published'] as const) await rounds(state);
    const campaigns = campaignsOf(async () => root, side);
    for (const state of ['draft', 'open', 'closed', 'tallied', 'graded'] as const) await campaigns(state);
    const cases = casesOf(async () => window.code, side);
    for (const state of ['pending', 'named', 'attached', 'callback'] as const) await cases(state);
    return fixed(
      {
        unit: root,
        movable: await newUnit(root, side),
        newParent: await newUnit(root, side),
        window: window.code,
        staff: staff.id,
        hall,
        account: await newAccount(root, side),
        client: client.clientId,
      },
      side,
      rounds,
      campaigns,
      cases,
    );
  }
  const ghostValues = {
    unit: 'zz-ghost',
    movable: 'zz-ghost-movable',
    newParent: 'zz-ghost-parent',
    window: 'ghostw01',
    staff: 'ghost-staff-1',
    hall: 'ghost-hall-1',
    account: 'ghost.account',
    client: 'c-0000000000000000',
  };
  const shared: Record<Side, Targets> = { in: await sharedSide('in'), out: await sharedSide('out'), ghost: fixed(ghostValues, 'ghost') };

  // The staff caller's account: its person id is the 工号 of a staff member of A (GET /api/reports/me).
  const person = county.staff.find((s) => s.unitId === A)!;
  await newAccount(A, 'in', { role: 'staff', personId: person.staffNo, username: principal('staff').username });

  async function ghostToOut(): Promise<[string, string][]> {
    const out = shared.out;
    return [
      [ghostValues.unit, await out.unit()],
      [ghostValues.movable, await out.movable()],
      [ghostValues.newParent, await out.newParent()],
      [ghostValues.window, await out.window()],
      [ghostValues.staff, await out.staff()],
      [ghostValues.hall, await out.hall()],
      [ghostValues.account, await out.account()],
      [ghostValues.client, await out.client()],
      [GHOST_ROUND, await out.round('draft')],
      [GHOST_CAMPAIGN, await out.campaign()],
    ];
  }

  async function auditSince(fromIso: string): Promise<AuditItem[]> {
    const days = [...new Set([chinaDay(Date.parse(fromIso)), chinaDay(Date.now())])];
    const items: AuditItem[] = [];
    for (const day of days) {
      let start: Record<string, unknown> | undefined;
      do {
        const page = await t.doc.send(
          new QueryCommand({
            TableName: t.tables.audit,
            KeyConditionExpression: 'pk = :pk AND sk >= :from',
            ExpressionAttributeValues: { ':pk': `DAY#${day}`, ':from': fromIso },
            ConsistentRead: true,
            ExclusiveStartKey: start,
          }),
        );
        items.push(...((page.Items ?? []) as AuditItem[]));
        start = page.LastEvaluatedKey;
      } while (start);
    }
    return items;
  }

  return {
    t,
    gateway,
    principal,
    token: (role) => tokens.get(role)!,
    shared,
    fresh,
    ghostToOut,
    leakMarkers,
    async send(req, token) {
      // Audit sort keys start with the entry's instant. Every earlier entry has `at` ≤ t0; every entry
      // of this request has `at` > t0 (same clock, the request starts after it ticked).
      const t0 = Date.now();
      while (Date.now() <= t0) {
        /* wait for the next millisecond */
      }
      const fromIso = new Date(t0 + 1).toISOString();
      const reply = await send(gateway, req, token);
      return { reply, audit: await auditSince(fromIso) };
    },
    admin: (method, path, json) => admin(method, path, json),
    async snapshot() {
      const started = performance.now();
      const [ops, contacts] = await Promise.all([scanAll(t.doc, t.tables.ops), scanAll(t.doc, t.tables.contacts)]);
      const items = new Map<string, string>();
      for (const [table, list] of [['ops', ops], ['contacts', contacts]] as const) {
        for (const item of list) items.set(`${table} ${String(item.pk)} ${String(item.sk ?? '')}`, stable(item));
      }
      stats.snapshotMs += performance.now() - started;
      stats.items = items.size;
      return items;
    },
    stats,
    close: () => t.close(),
  };
}

/** JSON with object keys sorted at every level, so equal items give equal text. */
function stable(value: unknown): string {
  if (value instanceof Set) return stable([...value].sort());
  if (Array.isArray(value)) return `[${value.map(stable).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${stable((value as Record<string, unknown>)[key])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value) ?? 'undefined';
}

/** What differs between two snapshots, by key: added, removed, changed. */
export function tableChanges(before: Map<string, string>, after: Map<string, string>): string[] {
  const changes: string[] = [];
  for (const [key, value] of after) {
    if (!before.has(key)) changes.push(`added ${key}`);
    else if (before.get(key) !== value) changes.push(`changed ${key}`);
  }
  for (const key of before.keys()) if (!after.has(key)) changes.push(`removed ${key}`);
  return changes;
}
