import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import * as z from 'zod';
import { operations } from '../../shared/src/contracts/api.js';
import type { Role } from '../../shared/src/contracts/auth.js';
import { StaffFields, StaffNo } from '../../shared/src/contracts/org-staff.js';
import { UnitId, UnitName } from '../../shared/src/contracts/org-units.js';
import { ProjNo, ServiceRecordInput } from '../../shared/src/contracts/service-records/records.js';
import type { Route } from '../../functions/src/routes.js';
import { MAY } from '../integration/authorization-expectations.js';
import { campaignConfig, PASSWORD, REQUESTS, type World } from '../integration/authorization-requests.js';
import { openCampaign } from '../../functions/src/use-cases/appraisal/voting.js';
import { sendRecoveryLink } from '../../functions/src/use-cases/cases/recovery.js';
import type { Baseline, CsvSpec } from './fuzz-requests.js';

/**
 * The VALID request the fuzz mutates, for every operation of the route table, and who sends it.
 * Bearer operations reuse the matrix's request table (authorization-requests.ts REQUESTS, built for
 * objects in the caller's scope) and are sent by a role that may call them (the system admin where
 * it may), so a refusal is never about authorization. Public operations and the caller's own TOTP
 * enrollment have their baselines here.
 */

/** The account of the TOTP enrollment routes and the login baseline (made in the world by the test). */
export const FUZZ_ACCOUNT = 'fz.account';
/** The account that logs out (its sessions end, so no other operation uses its token). */
export const FUZZ_LOGOUT_ACCOUNT = 'fz.logout';

export interface Caller {
  /** 'none': a public route; 'account' / 'logout': the fuzz account's own session (TOTP enrollment) / the one that logs out. */
  as: Role | 'none' | 'account' | 'logout' | 'client';
}

/** The role that sends an operation's requests: one that may call it, the system admin where it may. */
export function callerOf(route: Route): Caller {
  if (route.auth === 'none') return { as: 'none' };
  // A 接入系统 credential of unit A (made by the fuzz test with the world).
  if (route.auth === 'client') return { as: 'client' };
  if (route.operationId === 'logout') return { as: 'logout' };
  if (operations[route.operationId].tag === 'auth') return { as: 'account' };
  const roles = MAY[route.operationId];
  if (!roles || roles.length === 0) throw new Error(`${route.operationId}: no role may call it (authorization-expectations.ts MAY)`);
  return { as: roles.includes('system-admin') ? 'system-admin' : roles[0]! };
}

const PNG = Buffer.from(
  '89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8cfc0f01f0005000201a1e3c2a40000000049454e44ae426082',
  'hex',
);

/**
 * The cells of the import files, with the contract schema each is checked with (the import
 * description: a file's rows are the inputs of createUnit / createStaff). An empty parent cell is
 * no parent (CreateUnitInput.parentId null: a root, for the system admin).
 */
const CELLS: Record<string, { field: string; schema: z.ZodType }> = {
  单位编码: { field: 'id', schema: UnitId },
  单位名称: { field: 'name', schema: UnitName },
  上级单位编码: { field: 'parentId', schema: z.union([UnitId, z.literal('')]) },
  姓名: { field: 'name', schema: StaffFields.name },
  工号: { field: 'staffNo', schema: StaffNo },
  所属单位编码: { field: 'unitId', schema: UnitId },
  岗位: { field: 'post', schema: StaffFields.post },
  职责: { field: 'duties', schema: StaffFields.duties },
  服务承诺: { field: 'pledge', schema: StaffFields.pledge },
};
/**
 * 办件 files: the cells the push checks with its own schemas. 办结时间, 办理方式 and 申请人类型 are
 * translated by the import before that (China time, 窗口 → window), so they are not fuzzed as cells.
 */
const RECORD_CELLS: Record<string, { field: string; schema: z.ZodType }> = {
  办件编号: { field: 'projNo', schema: ProjNo },
  单位编码: { field: 'unitId', schema: UnitId },
  办理事项: { field: 'serviceItem', schema: ServiceRecordInput.shape.serviceItem },
};
const REQUIRED_COLUMNS = { units: ['id', 'name'], staff: ['name', 'staffNo', 'unitId', 'post'], 'service-records': ['projNo', 'unitId', 'serviceItem'] };

function csvSpec(text: string, kind: 'units' | 'staff' | 'service-records', preview: boolean): CsvSpec {
  const [header, row] = text.split('\r\n').map((line) => line.split(',')) as [string[], string[]];
  const cells = kind === 'service-records' ? RECORD_CELLS : CELLS;
  return { kind: 'csv', header, row, cells: header.map((name) => cells[name]), required: REQUIRED_COLUMNS[kind], preview };
}

/** The baseline request of an operation. */
export async function baselineOf(route: Route, w: World): Promise<Baseline> {
  const window = () => w.shared.in.window();
  switch (route.operationId) {
    case 'health':
      return { method: 'GET', path: '/api/health' };
    case 'openapi':
      return { method: 'GET', path: '/api/openapi.json' };
    case 'getWindowCard':
      return { method: 'GET', path: `/api/public/windows/${await window()}` };
    case 'getWindowStaffPhoto':
      return { method: 'GET', path: `/api/public/windows/${await window()}/staff/${await w.shared.in.staff()}/photo` };
    case 'submitRating':
      return {
        method: 'POST',
        path: '/api/public/ratings',
        json: {
          windowCode: await window(),
          level: 2,
          indicators: { efficiency: 2, competence: 3, attitude: 2 },
          reasons: ['SLOW', 'REPEAT_VISITS'],
          comment: '材料要求没有一次说清楚',
          // Who served the resident (decision 0012-attribution): the world's staff member, on duty at its window.
          staffId: await w.shared.in.staff(),
          contactPhone: '13800138000',
          consentToCallback: true,
        },
      };
    case 'viewRatingLink':
      return { method: 'POST', path: '/api/public/rating-links/lookup', json: { token: await fuzzRatingLink(w, await window()) } };
    case 'submitLinkRating':
      return {
        method: 'POST',
        path: '/api/public/rating-links/ratings',
        json: { token: await fuzzRatingLink(w, await window()), level: 2, reasons: ['SLOW'], comment: '等候时间较长', contactPhone: '13800138000', consentToCallback: true },
      };
    case 'getMailbox':
      return { method: 'GET', path: '/api/public/mailbox', query: { unit: await w.shared.in.unit() } };
    case 'submitLetter':
      return {
        method: 'POST',
        path: '/api/public/mailbox/letters',
        json: { unitId: await w.shared.in.unit(), box: 'complaint', windowCode: await window(), subject: '窗口午休无人', content: '中午窗口无人办理，也没有告示。', contactPhone: '13800138000', consentToCallback: true },
      };
    case 'viewRecoveryLink':
      return { method: 'POST', path: '/api/public/recovery-links/lookup', json: { token: await fuzzRecoveryLink(w) } };
    case 'answerRecoveryLink':
      return { method: 'POST', path: '/api/public/recovery-links/answers', json: { token: await fuzzRecoveryLink(w), result: 'unsatisfied', resolved: 'partly', comment: '仍需改进' } };
    case 'viewInvitation':
      return { method: 'POST', path: '/api/public/sampling-invitations/lookup', json: { token: await fuzzInvitation(w) } };
    case 'submitInvitationRating':
      return { method: 'POST', path: '/api/public/sampling-invitations/ratings', json: { token: await fuzzInvitation(w), level: 2, reasons: ['SLOW'], comment: '等候时间较长' } };
    case 'lookupBallot':
      return { method: 'POST', path: '/api/public/ballots/lookup', json: { code: (await fuzzBallotCode(w)).code } };
    case 'castBallot': {
      const { code, subject } = await fuzzBallotCode(w);
      return { method: 'POST', path: '/api/public/ballots', json: { code, choices: { [subject]: { i1: '优秀' } } } };
    }
    case 'optOutInvitation':
      return { method: 'POST', path: '/api/public/sampling-invitations/opt-out', json: { token: await fuzzInvitation(w) } };
    case 'login':
      return { method: 'POST', path: '/api/auth/login', json: { username: FUZZ_ACCOUNT, password: PASSWORD } };
    case 'loginTotp':
      return { method: 'POST', path: '/api/auth/login/totp', json: { challenge: 'eyJhbGciOiJIUzI1NiJ9.e30.c2lnbmF0dXJl', code: '492039' } };
    case 'verifyExport':
      return { method: 'GET', path: `/api/public/exports/${createHash('sha256').update('fuzz').digest('hex')}` };
    case 'getPublishedRound':
      return { method: 'GET', path: `/api/public/sampling-rounds/${await w.shared.in.round('published')}` };
    case 'getPublishedDrawPack':
      return { method: 'GET', path: `/api/public/sampling-rounds/${await w.shared.in.round('published')}/draw-pack` };
    case 'verifyDrawPack':
      return { method: 'POST', path: '/api/public/draw-verifications', json: JSON.parse(readFileSync('docs/examples/manyi-draw-v1-example.json', 'utf8')) };
    case 'pushServiceRecords':
      return {
        method: 'POST',
        path: '/api/service-records',
        json: {
          projNo: 'FZ-2026-0001',
          unitId: await w.shared.in.unit(),
          windowCode: await window(),
          serviceItem: '企业开办',
          staffNo: 'LJ1005',
          finishedAt: new Date(Date.now() - 3_600_000).toISOString().replace('Z', '+08:00').replace(/\.\d{3}/, ''),
          servedVia: 'window',
          applicantType: 'company',
          applicantMobile: '13800138000',
        },
      };
    case 'logout':
      return { method: 'POST', path: '/api/auth/logout' };
    case 'getSession':
      return { method: 'GET', path: '/api/auth/session' };
    case 'startTotpEnrollment':
      return { method: 'POST', path: '/api/auth/totp/enrollment' };
    case 'confirmTotpEnrollment':
      return { method: 'POST', path: '/api/auth/totp/enrollment/confirm', json: { code: '123456' } };
  }
  const spec = REQUESTS[route.operationId];
  if (!spec) throw new Error(`${route.operationId} has no baseline: add it to REQUESTS (authorization-requests.ts) or to baselineOf (fuzz-baselines.ts)`);
  const req = await spec.build(w.shared.in);
  const baseline: Baseline = { method: req.method, path: req.path };
  if (req.query) baseline.query = req.query;
  if (req.json !== undefined) baseline.json = req.json;
  if (req.raw) {
    const kind = route.operationId.includes('ServiceRecord') ? 'service-records' : route.operationId.includes('Unit') ? 'units' : 'staff';
    const spec =
      route.operationId === 'setStaffPhoto'
        ? { kind: 'image' as const, valid: req.raw.isBase64Encoded ? Buffer.from(req.raw.body, 'base64') : PNG, maxBytes: 200 * 1024 }
        : csvSpec(req.raw.body, kind, route.operationId.startsWith('preview'));
    baseline.raw = { ...req.raw, spec };
  }
  return baseline;
}

/** An open one-time rating link of the world's window (decision 0020), issued straight into the store: its token. */
async function fuzzRatingLink(w: World, windowCode: string): Promise<string> {
  const token = randomBytes(16).toString('base64url');
  await w.t.runtime.ratingLinks.issue({
    tokenHash: createHash('sha256').update(token).digest('hex'),
    purpose: 'service-record',
    unitId: 'fuzz',
    windowCode,
    projNo: 'FZ-LINK-0001',
    serviceItem: '企业开办',
    openUntil: new Date(Date.now() + 7 * 86_400_000).toISOString(),
    state: 'open',
    expiresAt: Math.ceil(Date.now() / 1000) + 40 * 86_400,
  });
  return token;
}

/** A 回访 link of a fresh 实名差评 of unit A waiting for its 回访, sent through the use case (the outbox answers its link). */
async function fuzzRecoveryLink(w: World): Promise<string> {
  const caseId = await w.fresh('in').case('callback');
  const sent = await sendRecoveryLink(w.t.runtime, w.principal('system-admin'), caseId);
  return sent.link!.split('/h/')[1]!;
}

/**
 * A fresh ballot code of an open campaign of unit A appraising A itself: opened through the use
 * case, which hands the codes to its caller (the route answers them only as the PDF of slips).
 */
async function fuzzBallotCode(w: World): Promise<{ code: string; subject: string }> {
  const unitId = await w.shared.in.unit();
  const { campaignId } = await w.admin('POST', '/api/appraisal-campaigns', campaignConfig(unitId));
  const { issued } = await openCampaign(w.t.runtime, w.principal('system-admin'), campaignId);
  return { code: issued[0]!.codes[0]!, subject: `unit:${unitId}` };
}

/** The token of an invitation of the world's sending round (from its local outbox). */
async function fuzzInvitation(w: World): Promise<string> {
  const roundId = await w.shared.in.round('sending');
  const [message] = await w.t.runtime.invitations.outbox(roundId, 1);
  if (!message) throw new Error(`round ${roundId} has no message in its outbox`);
  return message.link.slice(message.link.lastIndexOf('/s/') + 3);
}
