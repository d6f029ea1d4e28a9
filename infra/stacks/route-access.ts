import type { OperationId } from '#shared/contracts/api.js';
import { keys } from '../../functions/src/data/keys.js';
import type { TableAccess } from '../constructs/manyi-table.js';

/** Which anti-stuffing items a route's limits write (functions/src/throttle, decision 0015-anti-stuffing). */
export type ClientLimits = 'login' | 'rating' | 'letter';

/** One grant on the ops table, restricted to items whose partition key matches `leadingKeys`. */
export interface ItemGrant {
  actions: string[];
  leadingKeys: string[];
}

/** `THROTTLE#*`, `SLOT#*`: the partition keys of keys.ts with the hash replaced by a wildcard. */
const THROTTLE_COUNTERS = [keys.throttleCounter('*', 0).pk];
const DEVICE_SLOTS = [keys.deviceSlot('*').pk];
/** `BURST#*`: the burst detector's hour counts and baseline (functions/src/data/burst.ts, decision 0016). */
const BURST_ITEMS = [keys.burstPartition('*')];

/**
 * A freeze job's own items (decision 0021): its stages, deleted once the frame is fixed, and the
 * round's merge lease, given up by its holder — `RSTAGE#*`, nothing else.
 */
export const FRAME_STAGE_GRANTS: readonly ItemGrant[] = [{ actions: ['dynamodb:DeleteItem'], leadingKeys: [`${keys.roundStagePrefix('*')}`] }];

/**
 * The throttle's own ops items, by partition key (functions/src/data/throttle.ts): the sign-in
 * reads its counters (GetItem) and adds failures to them (UpdateItem); the rating adds to its
 * client counter (Update) and takes the device's slot (Put) inside its TransactWriteItems, which
 * IAM authorises as UpdateItem and PutItem. Nothing deletes them: TTL does, within the hour.
 */
export const THROTTLE_ITEM_GRANTS: Record<ClientLimits, readonly ItemGrant[]> = {
  login: [{ actions: ['dynamodb:GetItem', 'dynamodb:UpdateItem'], leadingKeys: THROTTLE_COUNTERS }],
  // A mailbox letter adds to its client's counter in the letter's transaction (decision 0029).
  letter: [{ actions: ['dynamodb:UpdateItem'], leadingKeys: THROTTLE_COUNTERS }],
  rating: [
    { actions: ['dynamodb:UpdateItem'], leadingKeys: THROTTLE_COUNTERS },
    { actions: ['dynamodb:PutItem'], leadingKeys: DEVICE_SLOTS },
    // The burst detector deletes the hour counts it folded into the baseline; nothing else is deleted.
    { actions: ['dynamodb:DeleteItem'], leadingKeys: BURST_ITEMS },
  ],
};

/** What one route's Lambda may touch. Everything not listed here is denied. */
export interface RouteAccess {
  ops: TableAccess;
  /**
   * The contact store (phone numbers). The rating writers put; a finished case or round deletes;
   * only `openContacts` reads.
   */
  contacts: Extract<TableAccess, 'none' | 'put-only' | 'delete-only'>;
  /** kms:Encrypt on the contact-sealing key; never Decrypt. */
  sealContacts: boolean;
  /**
   * 查看联系方式 (issue 15 §2): GetItem on the contact store's `CONTACT#` items, the table key through
   * DynamoDB, and kms:Decrypt on the sealing key for 回访 ciphertexts only — as the invitation sender.
   */
  openContacts?: boolean;
  /** Keep the Cognito user pool in step with account administration (AdminCreateUser …); AWS mode. */
  cognitoAdmin?: boolean;
  /** Bundle the CJK poster font with the function (QR posters print Chinese). */
  posterFont?: boolean;
  /**
   * The anti-stuffing limits: kms:GenerateMac on the client key (the day keys), CLIENT_KMS_KEY_ID
   * and CLIENT_FROM=forwarded-only in the environment, and THROTTLE_ITEM_GRANTS[clientLimits] on
   * the ops table (on top of `ops`, so the limits keep working whatever `ops` is narrowed to).
   */
  clientLimits?: ClientLimits;
  /**
   * Keyed pseudonyms of phone numbers (办件, decision 0019): kms:GenerateMac on the client key (the
   * pseudonym key is its MAC of a fixed label) and CLIENT_KMS_KEY_ID in the environment.
   */
  pseudonyms?: boolean;
  /**
   * 阳光测评 send and remind jobs in AWS: sqs:SendMessage on the invitation queue and
   * INVITATION_QUEUE_URL in the environment (infra/constructs/invitation-sender.ts). The job only
   * queues {round, entry, kind}; the sender Lambda behind the queue opens numbers and sends.
   * `url`: the environment only, no grant (the outbox says the sender is SMS).
   */
  invitationQueue?: 'send' | 'url';
  /**
   * Sends one text message itself (a 差评's 回访 link, issue 15 §2): sms-voice:SendTextMessage from
   * the 阳光测评 origination identity and SMS_ORIGINATION_IDENTITY in the environment, when one is
   * configured (infra/constructs/invitation-sender.ts); without one the message goes to the outbox.
   */
  sendsSms?: boolean;
  /** FRAME_STAGE_GRANTS on the ops table: the freeze deletes its stages and gives up its merge lease. */
  frameStages?: boolean;
  /**
   * The ballot box of 民主评议 (decision 0027): `cast` PutItem only (the vote's transaction puts the
   * ballot), `tally` reads (Query). Nothing updates or deletes a ballot. Default: no access at all.
   */
  ballots?: 'cast' | 'tally';
  /**
   * The running totals (decision 0031): `add` UpdateItem only (a rating's transaction ADDs to its
   * window-day item; a case's step ADDs its metrics' counters), `read` reads (the reports and the
   * comment counts). Default: none.
   */
  totals?: 'add' | 'read';
  /** MiB; default 256. */
  memorySize?: number;
  /**
   * Seconds; default 10. At most 28: API Gateway's HTTP API stops waiting at 30 s. For the few
   * steps that must finish in one request (a round's commit, freeze and draw over 200,000 办件).
   */
  timeoutSeconds?: number;
  /**
   * The audit log: PutItem (append) or PutItem + GetItem + Query (the auditor's routes), never
   * UpdateItem or DeleteItem. Default: 'put-only' for bearer routes (every refusal and change is
   * audited) and for login; 'none' for the other public routes.
   */
  audit?: Extract<TableAccess, 'none' | 'put-only' | 'put-read'>;
}

const NOTHING: RouteAccess = { ops: 'none', contacts: 'none', sealContacts: false };
const READ_OPS: RouteAccess = { ops: 'read', contacts: 'none', sealContacts: false };
/** No ops data, except the caller's own account item (role and scope, read on every signed-in request in AWS). */
const ACCOUNT_ONLY: RouteAccess = { ops: 'accounts-get', contacts: 'none', sealContacts: false };

/**
 * Least privilege per operation. Keyed by OperationId so that a new operation does not compile
 * until someone decides what its Lambda may do.
 */
export const ROUTE_ACCESS: Record<OperationId, RouteAccess> = {
  health: NOTHING,
  openapi: NOTHING,
  getWindowCard: READ_OPS,
  // 亮身份 photo: GetItem of the window and of the photo item; nothing else, not even the audit log.
  getWindowStaffPhoto: READ_OPS,
  // Reads the window and the idempotency record, then one transaction: rating + totals (ops) and,
  // with consent, the sealed contact (contacts, PutItem only); the device slot and client counter
  // of the anti-stuffing limits are written in the same transaction.
  submitRating: { ops: 'read-write', contacts: 'put-only', sealContacts: true, clientLimits: 'rating', totals: 'add' },
  // One-time rating links (decision 0020): the lookup reads the link and the window card; the rating
  // is the window rating's transaction plus the link's Update (no device slot: the link is the claim).
  viewRatingLink: READ_OPS,
  submitLinkRating: { ops: 'read-write', contacts: 'put-only', sealContacts: true, totals: 'add' },
  // In AWS (AUTH_MODE=cognito) sign-in is Cognito's InitiateAuth and RespondToAuthChallenge,
  // unauthenticated Cognito APIs: no scrypt (local password hashes exist only locally); the only
  // ops read is the account item that gives the role and scope. The per-client limits read and add
  // to their THROTTLE#… counters (a client past its failures is refused before Cognito is asked).
  login: { ...ACCOUNT_ONLY, clientLimits: 'login' },
  listWindows: READ_OPS,
  satisfaction: { ...READ_OPS, totals: 'read' },
  // Accounts (账号): roles and scopes live in our accounts table in both modes; in AWS passwords
  // and TOTP are Cognito's, so the TOTP enrolment routes serve local mode only (see
  // docs/decisions/0006-accounts-and-second-factor.md).
  loginTotp: { ...ACCOUNT_ONLY, audit: 'put-only' },
  // Reads the account (who is asking) and bumps its session version; like TOTP enrollment, only its own ACCOUNT item.
  // The caller's own account item and the name of its unit, for the admin shell's header.
  getSession: READ_OPS,
  logout: { ops: 'read-write', contacts: 'none', sealContacts: false },
  startTotpEnrollment: { ops: 'read-write', contacts: 'none', sealContacts: false },
  confirmTotpEnrollment: { ops: 'read-write', contacts: 'none', sealContacts: false },
  listAccounts: READ_OPS,
  createAccount: { ops: 'read-write', contacts: 'none', sealContacts: false, cognitoAdmin: true, memorySize: 512 },
  updateAccount: { ops: 'read-write', contacts: 'none', sealContacts: false, cognitoAdmin: true },
  resetAccountPassword: { ops: 'read-write', contacts: 'none', sealContacts: false, cognitoAdmin: true, memorySize: 512 },
  listAudit: { ...ACCOUNT_ONLY, audit: 'put-read' },
  exportAudit: { ...ACCOUNT_ONLY, audit: 'put-read', memorySize: 512 },
  // 问卷: versions and the unit's current-version item live in ops; publish and retire are one
  // transaction each (Update the version, Put the current item: no DeleteItem needed).
  listSurveyVersions: READ_OPS,
  getSurveyVersion: READ_OPS,
  createSurveyDraft: { ops: 'read-write', contacts: 'none', sealContacts: false },
  updateSurveyDraft: { ops: 'read-write', contacts: 'none', sealContacts: false },
  publishSurveyVersion: { ops: 'read-write', contacts: 'none', sealContacts: false },
  retireSurveyVersion: { ops: 'read-write', contacts: 'none', sealContacts: false },
  // QR posters: read the window card; pdfkit with a CJK font needs memory more than anything.
  windowPoster: { ...READ_OPS, memorySize: 1024, posterFont: true },
  unitPosters: { ...READ_OPS, memorySize: 1024, posterFont: true },
  // 单位、窗口、工作人员 (org): reads of the tree and lists go through the bySubtree and
  // unitsByParent indexes; changes are Put/Update (moves and imports in transactions).
  getUnitTree: READ_OPS,
  getUnit: READ_OPS,
  listUnitChildren: READ_OPS,
  createUnit: { ops: 'read-write', contacts: 'none', sealContacts: false },
  renameUnit: { ops: 'read-write', contacts: 'none', sealContacts: false },
  moveUnit: { ops: 'read-write', contacts: 'none', sealContacts: false, memorySize: 512 },
  archiveUnit: { ops: 'read-write', contacts: 'none', sealContacts: false },
  // Imports parse CSV (iconv-lite) or XLSX (exceljs, unzips in memory): memory over everything.
  previewUnitImport: { ...READ_OPS, memorySize: 1024 },
  applyUnitImport: { ops: 'read-write', contacts: 'none', sealContacts: false, memorySize: 1024 },
  listUnitWindows: READ_OPS,
  createWindow: { ops: 'read-write', contacts: 'none', sealContacts: false },
  getOrgWindow: READ_OPS,
  updateWindow: { ops: 'read-write', contacts: 'none', sealContacts: false },
  setWindowStaff: { ops: 'read-write', contacts: 'none', sealContacts: false },
  listUnitStaff: READ_OPS,
  createStaff: { ops: 'read-write', contacts: 'none', sealContacts: false },
  getStaff: READ_OPS,
  updateStaff: { ops: 'read-write', contacts: 'none', sealContacts: false },
  setStaffPhoto: { ops: 'read-write', contacts: 'none', sealContacts: false },
  getStaffPhoto: READ_OPS,
  previewStaffImport: { ...READ_OPS, memorySize: 1024 },
  applyStaffImport: { ops: 'read-write', contacts: 'none', sealContacts: false, memorySize: 1024 },
  // Report downloads (issue 4): read the totals like the report, Put the EXPORT# registry items
  // (PutItem only, never UpdateItem), append the audit entry; pdfkit with the CJK font and the
  // exceljs zip need memory (50,000 windows stream within 512 MB; 1024 also buys CPU).
  exportSatisfactionReport: { ops: 'read-put', contacts: 'none', sealContacts: false, memorySize: 1024, posterFont: true, totals: 'read' },
  // /verify: one GetItem of EXPORT#{sha256}; public, so nothing is audited.
  verifyExport: READ_OPS,
  // /verify, 阳光测评 draw: the pack alone is re-run (zod over up to 4 MB, one HMAC per frame
  // entry); no table, no audit. 1024 MB for the CPU: ~68,000 entries within the 10 s timeout.
  verifyDrawPack: { ...NOTHING, memorySize: 1024 },
  // 服务大厅: two items per hall (record + unit listing), written together in one transaction.
  listUnitHalls: READ_OPS,
  createHall: { ops: 'read-write', contacts: 'none', sealContacts: false },
  updateHall: { ops: 'read-write', contacts: 'none', sealContacts: false },
  archiveHall: { ops: 'read-write', contacts: 'none', sealContacts: false },
  listWindowHalls: READ_OPS,
  // Committee reports (issue 4): windows of the scope (bySubtree), then one Query of window-day
  // totals per window (pattern 6); a staff member's own report also reads its account and the
  // unit's staff listing. The rate definition registry: two conditional Puts in one transaction.
  satisfactionReport: { ...READ_OPS, memorySize: 512, totals: 'read' },
  myReport: { ...READ_OPS, totals: 'read' },
  // The own published 民主评议 results: the campaigns of the account's unit and its ancestors, their kept tallies and grades.
  myAppraisals: READ_OPS,
  // 评价留言: windows of the scope (bySubtree), the comment counters of the window-day totals items
  // (Query per window, projected), then the ratings of only the window-days a page shows (Query,
  // projected to the comment): read only, like the report.
  listComments: { ...READ_OPS, memorySize: 512, totals: 'read' },
  // 接入系统 (issue 13): two items per client (record + unit listing) in one transaction; the
  // secret's hash only. A push checks the credential (GetItem CLIENT#), the unit and window
  // (GetItem), then one transaction per record: its two items and, with a mobile number, the sealed
  // contact (contacts, PutItem only). The number's pseudonym is a KMS MAC; no phone is logged.
  createIntegrationClient: { ops: 'read-write', contacts: 'none', sealContacts: false },
  listIntegrationClients: READ_OPS,
  rotateIntegrationClient: { ops: 'read-write', contacts: 'none', sealContacts: false },
  revokeIntegrationClient: { ops: 'read-write', contacts: 'none', sealContacts: false },
  pushServiceRecords: { ops: 'read-write', contacts: 'put-only', sealContacts: true, pseudonyms: true, memorySize: 512 },
  // 办件 files (decision 0019): preview reads units and windows; apply writes each row like a push
  // (sealed number, pseudonym) and moves its job's cursor in ops. 1024 MB: a 3 MiB XLSX unzipped.
  previewServiceRecordImport: { ...READ_OPS, memorySize: 1024 },
  applyServiceRecordImport: { ops: 'read-write', contacts: 'put-only', sealContacts: true, pseudonyms: true, memorySize: 1024 },
  // 阳光测评 rounds (issue 13 §2–3): the round is one item moved by conditional updates. Commit and
  // freeze read the scope's 办件 listings and the quarantine months, and derive the entry-id key
  // (a KMS MAC of a fixed label, like the pseudonyms); freeze writes the frame chunks, draw the
  // sample items. Nothing here reads or writes the contact store.
  createRound: { ops: 'read-write', contacts: 'none', sealContacts: false },
  listRounds: READ_OPS,
  getRound: READ_OPS,
  updateRound: { ops: 'read-write', contacts: 'none', sealContacts: false },
  commitRound: { ops: 'read-write', contacts: 'none', sealContacts: false, pseudonyms: true, memorySize: 1024, timeoutSeconds: 28 },
  freezeRound: { ops: 'read-write', contacts: 'none', sealContacts: false, pseudonyms: true, frameStages: true, memorySize: 1024, timeoutSeconds: 28 },
  drawRound: { ops: 'read-write', contacts: 'none', sealContacts: false, memorySize: 1024, timeoutSeconds: 28 },
  // Closing deletes the numbers of the people drawn from the contact store (decision 0022): it reads
  // the scope's 办件 of the last 90 days to find each person's every number, so it gets time and CPU.
  closeRound: { ops: 'read-write', contacts: 'delete-only', sealContacts: false, memorySize: 1024, timeoutSeconds: 28 },
  cancelRound: { ops: 'read-write', contacts: 'none', sealContacts: false },
  // One conditional update of the round (已截止 → 已公布) and its audit entry.
  publishRound: { ops: 'read-write', contacts: 'none', sealContacts: false },
  // Anyone reads a published round: its results (the round, its answer counts) and its pack (the
  // frame's chunks and the sample, stripped at the close: no contact, no pseudonym). No audit.
  getPublishedRound: READ_OPS,
  getPublishedDrawPack: { ...READ_OPS, memorySize: 1024, timeoutSeconds: 28 },
  getRoundDrawPack: { ...READ_OPS, memorySize: 1024, timeoutSeconds: 28 },
  // One machine: the job itself opens each number and writes the outbox. In AWS the job only
  // queues {round, entry, kind}; the sender Lambda (infra, not a route) reads and opens numbers.
  sendRound: { ops: 'read-write', contacts: 'none', sealContacts: false, invitationQueue: 'send' },
  remindRound: { ops: 'read-write', contacts: 'none', sealContacts: false, invitationQueue: 'send' },
  // The queue's URL only (no grant): in AWS the outbox answers `sender: sms` and lists nothing.
  getRoundOutbox: { ...READ_OPS, invitationQueue: 'url' },
  getRoundResults: READ_OPS,
  // The round's report as a file: reads like getRoundResults, Puts the EXPORT# registry items for
  // /verify (PutItem only), appends the audit entry; pdfkit with the CJK font and exceljs need memory.
  exportRoundResults: { ops: 'read-put', contacts: 'none', sealContacts: false, memorySize: 1024, posterFont: true },
  viewInvitation: READ_OPS,
  submitInvitationRating: { ops: 'read-write', contacts: 'none', sealContacts: false },
  optOutInvitation: { ops: 'read-write', contacts: 'none', sealContacts: false },
  listRateDefinitions: READ_OPS,
  createRateDefinition: { ops: 'read-put', contacts: 'none', sealContacts: false },
  // 差评 cases (issue 15, decision 0028): the queue and a case are reads (the case, its steps, its
  // windows' names); a step is one transaction (the case, its two queue entries, the step item).
  listCases: READ_OPS,
  getCase: READ_OPS,
  // A finished case deletes its contact in the step's transaction (DeleteItem only).
  transitionCase: { ops: 'read-write', contacts: 'delete-only', sealContacts: false, totals: 'add' },
  revealCaseContact: { ops: 'read', contacts: 'none', sealContacts: false, openContacts: true },
  // 回访 by SMS: reads the case, opens its number (as 查看联系方式) for one message, issues the link
  // (RLINK#, PutItem) and — on one machine or without an identity — keeps the message in the outbox.
  sendCaseRecoveryLink: { ops: 'read-write', contacts: 'none', sealContacts: false, openContacts: true, sendsSms: true },
  // The resident's side: the lookup reads the link, the case and its steps; the answer is the case's
  // step with the link's Update in its transaction (and a reopening's second step).
  viewRecoveryLink: READ_OPS,
  answerRecoveryLink: { ops: 'read-write', contacts: 'none', sealContacts: false, totals: 'add' },
  getCaseDeadlines: READ_OPS,
  // The public mailbox (decision 0029): the directory reads units, windows and the head setting; a
  // letter is one transaction — its case and queue entries, its sealed contact (PutItem only) and
  // its client's counter. The head setting reads the account it names.
  getMailbox: READ_OPS,
  submitLetter: { ops: 'read-write', contacts: 'put-only', sealContacts: true, clientLimits: 'letter' },
  getMailboxSettings: READ_OPS,
  setMailboxSettings: { ops: 'read-write', contacts: 'none', sealContacts: false },
  getCaseAttachment: READ_OPS,
  createAccountabilityRecord: { ops: 'read-write', contacts: 'none', sealContacts: false },
  // 问责建议: two monthly reports of the scope (totals only, as satisfactionReport) and the month's decisions.
  listAccountabilityProposals: { ...READ_OPS, memorySize: 512, totals: 'read' },
  // The same reads, then the decision and a confirmed one's notice in one transaction.
  decideAccountabilityProposal: { ops: 'read-write', contacts: 'none', sealContacts: false, memorySize: 512, totals: 'read' },
  listAccountabilityRecords: READ_OPS,
  // Reads the register and registers the file for /verify (EXPORT# items), as the other downloads.
  exportAccountabilityRecords: { ops: 'read-put', contacts: 'none', sealContacts: false, memorySize: 512 },
  setCaseDeadlines: { ops: 'read-write', contacts: 'none', sealContacts: false },
  // 民主评议 campaigns (issue 14 §1): the campaign and its unit listing (one transaction); subjects
  // are read from the org items (staff, windows, units) of the scope. No contact, no ballot box.
  createCampaign: { ops: 'read-write', contacts: 'none', sealContacts: false },
  listCampaigns: READ_OPS,
  getCampaign: READ_OPS,
  updateCampaign: { ops: 'read-write', contacts: 'none', sealContacts: false },
  // Opening issues the codes: one Put of a keyed hash per ballot (the code key is the client key's
  // MAC of a fixed label, like the pseudonyms) and the PDF of slips, with the CJK font: up to 5,000
  // codes a group, so memory and time. Closing is one conditional update.
  openCampaign: { ops: 'read-write', contacts: 'none', sealContacts: false, pseudonyms: true, posterFont: true, memorySize: 1024, timeoutSeconds: 28 },
  // 重新投票 issues the new round's codes and slips exactly as opening does.
  revoteCampaign: { ops: 'read-write', contacts: 'none', sealContacts: false, pseudonyms: true, posterFont: true, memorySize: 1024, timeoutSeconds: 28 },
  closeCampaign: { ops: 'read-write', contacts: 'none', sealContacts: false },
  // A voter's code (decision 0027): its keyed hash (GenerateMac), the code and campaign items read;
  // unknown codes counted against the client like failed logins (the THROTTLE# counters). Casting
  // updates the code and puts the ballot — PutItem on the ballot box and nothing else there. Neither
  // writes the audit log: an entry would time each vote.
  lookupBallot: { ops: 'read', contacts: 'none', sealContacts: false, pseudonyms: true, clientLimits: 'login' },
  castBallot: { ops: 'read-write', contacts: 'none', sealContacts: false, pseudonyms: true, clientLimits: 'login', ballots: 'cast' },
  // Counting reads the ballot box once (8 partitions) and keeps the tally (CTALLY#, gzipped);
  // reading the tally reads that item; the pack reads the box again. Nothing else touches the box.
  tallyCampaign: { ops: 'read-write', contacts: 'none', sealContacts: false, ballots: 'tally', memorySize: 1024, timeoutSeconds: 28 },
  getCampaignTally: READ_OPS,
  getCampaignPack: { ...READ_OPS, ballots: 'tally', memorySize: 1024, timeoutSeconds: 28 },
  // The results as a file: reads the kept tally (never the ballot box), Puts the EXPORT# registry
  // items for /verify, appends the audit entry; pdfkit with the CJK font and exceljs need memory.
  exportCampaignResults: { ops: 'read-put', contacts: 'none', sealContacts: false, memorySize: 1024, posterFont: true },
  // A final grade is its own item (CGRADE#), put in a transaction with a check of the campaign's
  // state; publishing is one conditional update. Neither touches the ballot box.
  recordGrade: { ops: 'read-write', contacts: 'none', sealContacts: false },
  publishCampaign: { ops: 'read-write', contacts: 'none', sealContacts: false },
};
