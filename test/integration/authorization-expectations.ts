import type { Role } from '../../shared/src/contracts/auth.js';

/**
 * The oracle of the role × operation matrix: which role may call which bearer operation, written
 * from the product rules (README "Administration", docs/decisions/0006 "Rules", 0008, 0009, 0010),
 * NOT imported from functions/src (the permission table there is what this checks). When the code
 * and this table disagree, the test fails and the table is not bent to fit: one of them is wrong,
 * and which one is a product decision.
 *
 * Product rules used (0006 "One role per account"):
 * - system-admin: administers everything, every unit tree (no scope limit); accounts and roles;
 *   the rate definition registry. Never reads the audit log (separation of duties: 三权分立).
 * - unit-admin: administers its unit subtree (units, windows, staff, halls, imports, surveys,
 *   QR posters) and reads its results and reports.
 * - committee: "read/download in scope": reads the org tree, windows, staff, halls and surveys of
 *   its scope, results, reports and their downloads; changes nothing and prints no QR posters
 *   (posters are administration: README "Administration" table; a judgment call where 0006's
 *   "download" could be read wider).
 * - staff: "refused everywhere for now" except their own aggregate (GET /api/reports/me).
 * - auditor: "audit log only" (GET /api/audit, GET /api/audit/export).
 *
 * Scope: everyone but the system admin acts on their own unit subtree only; an object outside it
 * is answered exactly like one that does not exist (404), and every refusal is audited once.
 */
const SA: Role = 'system-admin';
const UA: Role = 'unit-admin';
const CM: Role = 'committee';
const ST: Role = 'staff';
const AU: Role = 'auditor';

/** Readers of results, reports and the org tree in scope. */
const READERS = [SA, UA, CM] as const;
/** Administrators of the org tree in scope (units, windows, staff, halls, imports, surveys, posters). */
const ADMINS = [SA, UA] as const;

export const MAY: Record<string, readonly Role[]> = {
  // Results (0006 "Refusals of the results routes"): administrators and committees, in scope.
  listWindows: READERS,
  satisfaction: READERS,

  // Org tree: read by readers, changed by administrators (ops-org.ts 403: "committee members only
  // read; staff and auditors see nothing here").
  getUnitTree: READERS,
  getUnit: READERS,
  listUnitChildren: READERS,
  createUnit: ADMINS,
  renameUnit: ADMINS,
  moveUnit: ADMINS,
  archiveUnit: ADMINS,
  // An import preview writes nothing, but it is the first step of an administrative change.
  previewUnitImport: ADMINS,
  applyUnitImport: ADMINS,
  listUnitWindows: READERS,
  createWindow: ADMINS,
  getOrgWindow: READERS,
  updateWindow: ADMINS,
  setWindowStaff: ADMINS,
  listUnitStaff: READERS,
  createStaff: ADMINS,
  getStaff: READERS,
  updateStaff: ADMINS,
  setStaffPhoto: ADMINS,
  getStaffPhoto: READERS,
  previewStaffImport: ADMINS,
  applyStaffImport: ADMINS,
  listUnitHalls: READERS,
  createHall: ADMINS,
  // 接入系统 (issue 13 §1): "a unit administrator creates 接入系统 clients scoped to a subtree".
  createIntegrationClient: ADMINS,
  listIntegrationClients: ADMINS,
  rotateIntegrationClient: ADMINS,
  revokeIntegrationClient: ADMINS,
  // 阳光测评 rounds (issue 13; decision 0021): administrators run them in scope; committees read
  // them and their verification packs (the frame is shown to a committee).
  createRound: ADMINS,
  listRounds: READERS,
  getRound: READERS,
  updateRound: ADMINS,
  // 民主评议 campaigns (issue 14 §1: "a unit administrator creates a campaign"): administrators in
  // scope configure, open and close them; committees read them (§4–5: the committee of the scope
  // downloads the pack and records the final grades).
  createCampaign: ADMINS,
  listCampaigns: READERS,
  getCampaign: READERS,
  updateCampaign: ADMINS,
  openCampaign: ADMINS,
  // 重新投票 issues new codes, as opening does: the administrators of the scope.
  revoteCampaign: ADMINS,
  closeCampaign: ADMINS,
  // Counting is administration; the tally and its pack are read by committees too (§4–5).
  tallyCampaign: ADMINS,
  getCampaignTally: READERS,
  getCampaignPack: READERS,
  // The results as a file (XLSX / CSV / PDF): whoever reads the tally may download it.
  exportCampaignResults: READERS,
  // 组织评定 and publication: the committee of the scope, and the system administrator; never the
  // account that opened the campaign (the matrix's callers did not: the fixture admin did).
  recordGrade: [SA, CM],
  publishCampaign: [SA, CM],
  commitRound: ADMINS,
  freezeRound: ADMINS,
  drawRound: ADMINS,
  closeRound: ADMINS,
  // Publishing the results (已公布) is running the round too; once published anyone reads them (public routes).
  publishRound: ADMINS,
  cancelRound: ADMINS,
  getRoundDrawPack: READERS,
  // Sending is running the round; the outbox holds the links (a committee reads results, not links).
  sendRound: ADMINS,
  remindRound: ADMINS,
  getRoundOutbox: ADMINS,
  getRoundResults: READERS,
  // The results as a file (XLSX / PDF): whoever reads the results may download them.
  exportRoundResults: READERS,
  // 办件 files: what a 接入系统 pushes, brought in by hand (permission integrations:manage, decision 0019).
  previewServiceRecordImport: ADMINS,
  applyServiceRecordImport: ADMINS,
  updateHall: ADMINS,
  archiveHall: ADMINS,
  listWindowHalls: READERS,

  // Surveys: committees read the questionnaire of their scope; drafts and their lifecycle are administration.
  listSurveyVersions: READERS,
  getSurveyVersion: READERS,
  createSurveyDraft: ADMINS,
  updateSurveyDraft: ADMINS,
  publishSurveyVersion: ADMINS,
  retireSurveyVersion: ADMINS,

  // QR posters decide what residents scan and rate: administration.
  windowPoster: ADMINS,
  unitPosters: ADMINS,

  // Reports (0010): committees, unit and system admins read and download their scope; the staff
  // member's own aggregate is staff only; the definition registry is read by report readers and
  // added to by the system admin only.
  satisfactionReport: READERS,
  exportSatisfactionReport: READERS,
  // Comments (评价留言, 0013): what residents wrote, text and day only, read by the readers of the
  // scope's reports; staff never (a comment about a window is about its staff).
  listComments: READERS,
  myReport: [ST],
  // 差评 cases (issue 15): readers of the scope read the queue and a case; its administrators work it.
  listCases: READERS,
  getCase: READERS,
  transitionCase: ADMINS,
  revealCaseContact: ADMINS,
  getCaseDeadlines: READERS,
  getCaseAttachment: READERS,
  createAccountabilityRecord: ADMINS,
  listAccountabilityRecords: READERS,
  listAccountabilityProposals: READERS,
  sendCaseRecoveryLink: ADMINS,
  decideAccountabilityProposal: [SA, CM],
  exportAccountabilityRecords: READERS,
  setCaseDeadlines: ADMINS,
  // The 一把手信箱 setting (decision 0029): read as the deadlines, set by those who work the cases.
  getMailboxSettings: READERS,
  setMailboxSettings: ADMINS,
  // The own published 民主评议 results: the staff member themself, as their own report.
  myAppraisals: [ST],
  listRateDefinitions: READERS,
  createRateDefinition: [SA],

  // Accounts and roles: system admin only (0006). The audit log: auditor only, not even a system admin.
  listAccounts: [SA],
  createAccount: [SA],
  updateAccount: [SA],
  resetAccountPassword: [SA],
  listAudit: [AU],
  exportAudit: [AU],
};

export const ROLES: readonly Role[] = [SA, UA, CM, ST, AU];

export function may(role: Role, operationId: string): boolean {
  const roles = MAY[operationId];
  if (!roles) throw new Error(`no expectation for ${operationId}: add it to MAY in authorization-expectations.ts`);
  return roles.includes(role);
}
