import { caseOpening } from '../../shared/src/domain/cases/case-opening.js';
import { createHash, randomBytes, randomInt } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { Agent, request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { chinaDay } from '#shared/domain/china-time.js';
import type { RatingLevel } from '#shared/domain/rating-level.js';
import { NATIONAL_SURVEY } from '#shared/domain/national-survey.js';
import { codeFromBytes } from '#shared/domain/appraisal/ballot-code.js';
import { DEFAULT_SCALE, defaultRules } from '#shared/domain/appraisal/campaign.js';
import { BALLOT_SHARDS, createBallotStore } from '../../functions/src/data/appraisal/ballots.js';
import { throttleCounterKey } from '../../functions/src/data/throttle.js';
import { DEFAULT_THROTTLE_POLICY } from '../../functions/src/throttle/policy.js';
import { createCampaignStore, type CampaignRecord } from '../../functions/src/data/appraisal/campaigns.js';
import { BALLOT_CODE_LABEL, codeMac } from '../../functions/src/use-cases/appraisal/voting.js';
import { credentialOf, newClientId, newClientSecret, secretHash } from '../../functions/src/auth/client-credentials.js';
import { createAuditLog, type AuditEntry } from '../../functions/src/data/audit.js';
import { createDocumentClient } from '../../functions/src/data/client.js';
import { createAesContactSealer } from '../../functions/src/data/contact-sealer.js';
import { createIntegrationClientStore } from '../../functions/src/data/integration-clients.js';
import { keys } from '../../functions/src/data/keys.js';
import { createRatingLinkStore } from '../../functions/src/data/rating-links.js';
import { createRatingStore, type StoredRating } from '../../functions/src/data/ratings.js';
import { createSurveyStore } from '../../functions/src/data/surveys.js';
import { createUnitStore } from '../../functions/src/data/units.js';
import { createWindowStore } from '../../functions/src/data/windows.js';
import { createServiceRecordStore, type RecordContact, type ServiceRecord } from '../../functions/src/data/service-records.js';
import { localThrottle, randomId } from '../../functions/src/runtime.js';
import { derivedKey } from '../../functions/src/throttle/keyring.js';
import { phonePseudonym } from '../../functions/src/use-cases/service-records/pseudonym.js';
import { PSEUDONYM_LABEL, RECORD_DAYS, RECORD_PHONE_DAYS } from '../../functions/src/use-cases/service-records/push.js';
import { issueServiceRecordLink } from '../../functions/src/use-cases/service-records/rating-link.js';
import { summarizeProfile, type ProfileSummary } from './profile.js';
import { BENCH_HALL, BENCH_UNIT } from './server.js';
import { startServerProcess, type ServerProcess } from './server-process.js';
import { machineCpu, markdownTable, median, processCpuMs, summarize, waitForQuiet, type LatencySummary } from './stats.js';

/** The service item of the 办件 whose links the rating measure consumes. */
const LINK_SERVICE_ITEM = '不动产抵押登记';

/**
 * Section `links` (issue 13, Performance): 办件 pushes and one-time-link ratings through the local
 * gateway and the real handlers, against the same DynamoDB writes sent straight from the SDK, at
 * concurrency 16, closed loop, with DynamoDB Local on disk. Target: ≥ 90% of bare in every round.
 *
 * Measures (each a gateway phase and a bare phase, interleaved A B B A … in slices within a round):
 *  - push:    POST /api/service-records, one record per request (distinct projNo, a mobile number,
 *             a window), Authorization: Bearer mc1.… of an integration client of the bench unit.
 *             Bare: what one push writes, built as push.ts builds it (keyed phone pseudonym,
 *             fingerprint, AES-sealed contact) and written by the data layer's own
 *             ServiceRecordStore.store — one TransactWrite: record Put (attribute_not_exists, the
 *             projNo claim) + month-listing Put + contact Put in the contacts table
 *             (attribute_not_exists) — and then the push's audit entry (AuditLog.append,
 *             a conditional Put in the audit table), sequentially as the use case does.
 *  - push25:  the same with { records: [25] } per request (push.ts stores them 16 at a time, then one
 *             audit entry); bare does the same: 25 store() calls 16 in flight, then one append().
 *             Throughput is in records/s.
 *  - rate:    POST /api/public/rating-links/ratings with { token, level, indicators, rates } (rates: the
 *             lookup's answer echoed, as the resident page sends it, so the link is not read first) of a link
 *             issued beforehand (outside the timed part, by issueServiceRecordLink, as a push with
 *             issueLink=true does). Bare: the rating's one TransactWrite as submitLinkRating →
 *             submitRating sends it, built by the data layer's own RatingStore.store: rating Put
 *             (attribute_not_exists) + window-day totals ADD (channel service-record) + the link's
 *             consuming Update (state = open AND openUntil >= now, and the link rates the echoed window
 *             and service item). The route sends no
 *             Idempotency-Key, no admission items and no burst count, so neither side has them.
 *
 * Neither bare side reads anything: the gateway's reads are its overhead — for a push the client's
 * credential (read afresh each time), the unit and the window (the runtime's 10-s cache); for a
 * rating none but cache hits (the window and the survey section, cached; the link not read, its
 * echo checked in the transaction).
 *
 * Diagnostic, not a target (BENCH_LINKS_READS=1): a third side `reads`, the bare writes preceded by
 * the reads the handler makes, in its order, with the data layer's own stores — push: client
 * GetItem (consistent), unit GetItem, window GetItem; rating: link GetItem (consistent), window
 * GetItem twice, survey-section BatchGetItem. Where it lands between bare and gateway says how much
 * of the gap is DynamoDB reads and how much is HTTP, the gateway, middy, zod and the use case.
 */
export type LinksMeasure = 'push' | 'push25' | 'rate' | 'cast';
export type LinksSide = 'gateway' | 'bare' | 'reads';
export const SIDE_LABELS: Record<LinksSide, string> = { gateway: 'gateway', bare: 'bare', reads: 'bare + reads' };
export const LINKS_LABELS: Record<LinksMeasure, string> = {
  push: '办件 push, 1 record/request',
  push25: '办件 push, 25 records/request',
  rate: 'token rating (one-time link)',
  cast: '民主评议 vote (one ballot code)',
};
const UNIT_OF: Record<LinksMeasure, string> = { push: 'records/s', push25: 'records/s', rate: 'ratings/s', cast: 'ballots/s' };

export interface LinksOptions {
  rounds: number;
  /** Requests per phase per round at c=16 (for push25: records, i.e. requests × 25). */
  requests: number;
  /** Records per batch request for push25; 0 leaves the measure out. */
  batch: number;
  /** Diagnostic third side: bare writes preceded by the handler's reads (push and rate). */
  reads?: boolean;
  /** Requests per phase of the (uncounted) warm-up. */
  warmupRequests: number;
  windows: number;
  redoBudgetSeconds: number;
  othersLimit?: number;
  /** Which measures to run (default all four). */
  only?: LinksMeasure[];
  /** Profile the server during one extra gateway phase (requests / 2) of push and rate, into files named after this prefix. */
  profilePrefix?: string;
  log: (line: string) => void;
}

export interface LinksRun {
  measure: LinksMeasure;
  side: LinksSide;
  round: number;
  discarded?: boolean;
  requests: number;
  /** Items stored (records or ratings). */
  ok: number;
  errors: number;
  elapsedMs: number;
  /** Items per second. */
  throughput: number;
  /** Request latency, ms. */
  latency: LatencySummary;
  serverCpuMsPerItem: number;
  javaCpuMsPerItem: number;
  loadGenCpuMsPerItem: number;
  cpuBusy: { server: number; java: number; loadGen: number; others: number };
}

export interface LinksMeasureSummary {
  measure: LinksMeasure;
  label: string;
  unit: string;
  gateway: { median: number; min: number; max: number; p50: number; p99: number; serverCpuMsPerItem: number; javaCpuMsPerItem: number };
  bare: { median: number; min: number; max: number; p50: number; p99: number; serverCpuMsPerItem: number; javaCpuMsPerItem: number };
  /** gateway ÷ bare of the medians, and per round (kept rounds, in order). */
  ratio: number;
  roundRatios: number[];
  /** Diagnostic: bare + the handler's reads. */
  reads?: { median: number; min: number; max: number; p50: number; p99: number; javaCpuMsPerItem: number; ratio: number };
}

export interface LinksCheck {
  target: string;
  measured: string;
  status: 'pass' | 'FAIL' | 'info' | 'not measured';
}

export interface LinksResult {
  config: Omit<LinksOptions, 'log' | 'profilePrefix'>;
  measures: LinksMeasureSummary[];
  runs: LinksRun[];
  redone: number;
  contaminated: number;
  errors: number;
  errorSamples: string[];
  integrity: { recordsStored: number; recordsListed: number; ratingsStored: number; ratingsCounted: number; consistent: boolean };
  /** Seconds spent issuing links outside the timed parts. */
  linkIssueSeconds: number;
  profiles: { measure: LinksMeasure; summary: ProfileSummary }[];
  checks: LinksCheck[];
}

interface Driver {
  /** One request; resolves with the items it stored (throws or returns 0 on failure). The pool: of links, for the rating drivers. */
  send(i: number, pool?: { key: string; window: number }[]): Promise<number>;
  /** Items per request when it succeeds. */
  items: number;
}

function post(agent: Agent, url: URL, body: string, headers: Record<string, string>): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), ...headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

interface LoopResult {
  ok: number;
  errors: number;
  requests: number;
  elapsedMs: number;
  latencies: number[];
}

/** Closed loop: `concurrency` workers send one request after the other until `requests` were sent. */
async function closedLoop(driver: Driver, concurrency: number, requests: number, onError: (e: unknown) => void): Promise<LoopResult> {
  const latencies: number[] = [];
  let ok = 0;
  let errors = 0;
  let issued = 0;
  const started = performance.now();
  async function worker() {
    while (issued < requests) {
      const i = issued++;
      const t = performance.now();
      try {
        const stored = await driver.send(i);
        ok += stored;
        if (stored < driver.items) errors++;
      } catch (error) {
        errors++;
        onError(error);
      }
      latencies.push(performance.now() - t);
    }
  }
  await Promise.all(Array.from({ length: concurrency }, worker));
  return { ok, errors, requests: issued, elapsedMs: performance.now() - started, latencies };
}

const LEVELS: RatingLevel[] = [5, 4, 5, 3, 5, 4, 2, 5];

/** The bench's open campaign: ten subjects, one rater group, one indicator (a branch's ballot). */
const BENCH_SUBJECTS = Array.from({ length: 10 }, (_, i) => ({ id: `staff:bench-${i}`, type: 'staff' as const, refId: `bench-${i}`, name: `党员${i}`, graded: true }));
const BENCH_CAMPAIGN: CampaignRecord = {
  campaignId: 'a-00000000000be4c4',
  unitId: BENCH_UNIT.id,
  name: '基准测试民主评议',
  year: 2026,
  kind: 'party-members',
  state: 'open',
  round: 1,
  subjects: BENCH_SUBJECTS,
  groups: [{ id: 'g1', name: '党员', weightPct: 100, ballots: 1_000_000 }],
  indicators: [{ id: 'i1', name: '总体评价', weightPct: 100 }],
  scale: DEFAULT_SCALE.map((option) => ({ ...option })),
  rules: defaultRules('party-members'),
  createdAt: new Date(0).toISOString(),
  createdBy: 'bench',
  updatedAt: new Date(0).toISOString(),
};
const BENCH_CHOICES = Object.fromEntries(BENCH_SUBJECTS.map((subject, i) => [subject.id, { i1: ['优秀', '合格', '合格', '基本合格'][i % 4]! }]));
const DAY_MS = 86_400_000;
const CONCURRENCY = 16;
/** Slices per phase and round (A B B A …), as in ingestion.ts. */
const SLICES = 4;

export async function runLinks(options: LinksOptions): Promise<LinksResult> {
  const { log } = options;
  const dataDir = mkdtempSync(join(tmpdir(), 'manyi-bench-links-'));
  log(`links: starting the server process (DynamoDB Local on disk in ${dataDir}) …`);
  const server: ServerProcess = await startServerProcess({ dataDir, web: false, seed: false, windows: options.windows });
  const { ready } = server;
  const javaPid = ready.javaPid;
  log(`links: server pid ${server.pid} at ${ready.url}, DynamoDB Local (java) pid ${javaPid ?? 'not found'}, ${ready.windowCodes.length} windows`);
  const agent = new Agent({ keepAlive: true, maxSockets: 32, keepAliveMsecs: 10_000 });
  const doc = createDocumentClient({ region: 'local', endpoint: ready.dynamoEndpoint });
  const serviceRecords = createServiceRecordStore(doc, ready.tables);
  const ratings = createRatingStore(doc, ready.tables);
  const ratingLinks = createRatingLinkStore(doc, ready.tables.ops);
  const audit = createAuditLog(doc, ready.tables.audit);
  // The same keyring as the server's (the stack's root key): the same pseudonym key.
  const keyring = localThrottle(doc, ready.tables.ops, Buffer.from(ready.clientKey, 'base64')).keyring;
  // The server seals with the stack's own contact key; the bare side with a key of the same kind
  // (AES-256-GCM): the same work and the same item size.
  const sealer = createAesContactSealer(randomBytes(32).toString('base64'));
  const windows = ready.windowCodes.map((code) => ({ code, unitId: BENCH_UNIT.id, hallId: BENCH_HALL.id }));

  // The 接入系统 client of the bench unit, as POST /api/integration-clients creates it.
  const clientId = newClientId();
  const secret = newClientSecret();
  const integrationClients = createIntegrationClientStore(doc, ready.tables.ops);
  const lookups = { units: createUnitStore(doc, ready.tables.ops), windows: createWindowStore(doc, ready.tables.ops), surveys: createSurveyStore(doc, ready.tables.ops) };
  await integrationClients.create({
    clientId,
    unitId: BENCH_UNIT.id,
    name: '基准测试接入系统',
    secretHash: secretHash(secret),
    createdAt: new Date().toISOString(),
    createdBy: 'bench',
  });
  const authorization = `Bearer ${credentialOf(clientId, secret)}`;

  const errorSamples: string[] = [];
  const noteError = (error: unknown) => {
    if (errorSamples.length < 8) errorSamples.push(error instanceof Error ? `${error.name}: ${error.message}` : String(error));
  };
  let recordsStored = 0;
  let ratingsStored = 0;
  const months = new Set<string>();

  // ----- 办件 -----
  let records = 0;
  /** A fresh record (distinct projNo and mobile number), finished an hour ago, served at a window. */
  function recordInput(i: number) {
    const n = ++records;
    const finishedAt = new Date(Date.now() - 3_600_000).toISOString();
    return {
      projNo: `BENCH-${process.pid}-${n}`,
      unitId: BENCH_UNIT.id,
      windowCode: windows[i % windows.length]!.code,
      serviceItem: '不动产抵押登记',
      finishedAt,
      servedVia: 'window' as const,
      applicantType: 'person' as const,
      applicantMobile: `139${String(n % 100_000_000).padStart(8, '0')}`,
    };
  }
  type RecordInput = ReturnType<typeof recordInput>;

  /** What pushOne (push.ts) builds from a checked input: the record and its sealed contact. */
  async function buildRecord(input: RecordInput, now: Date): Promise<{ record: ServiceRecord; contact: RecordContact }> {
    const key = await derivedKey(keyring, PSEUDONYM_LABEL);
    const phoneKey = phonePseudonym(key, input.applicantMobile);
    const finished = new Date(input.finishedAt);
    const finishedAt = finished.toISOString();
    const day = chinaDay(finished);
    const { applicantMobile: _mobile, ...kept } = input;
    const fingerprint = createHash('sha256')
      .update(JSON.stringify({ ...kept, finishedAt, phoneKey }, Object.keys({ ...kept, finishedAt, phoneKey }).sort()))
      .digest('hex');
    const contactId = randomId();
    const record: ServiceRecord = {
      unitId: input.unitId,
      projNo: input.projNo,
      windowCode: input.windowCode,
      serviceItem: input.serviceItem,
      finishedAt,
      day,
      month: day.slice(0, 7),
      servedVia: input.servedVia,
      applicantType: input.applicantType,
      phoneKey,
      fingerprint,
      clientId,
      storedAt: now.toISOString(),
      expiresAt: Math.ceil((finished.getTime() + RECORD_DAYS * DAY_MS) / 1000),
      contactId,
    };
    const contact: RecordContact = {
      contactId,
      kind: 'service-record',
      unitId: input.unitId,
      projNo: input.projNo,
      sealedPhone: await sealer.seal(input.applicantMobile),
      expiresAt: Math.ceil((now.getTime() + RECORD_PHONE_DAYS * DAY_MS) / 1000),
    };
    return { record, contact };
  }
  /** The push's audit entry (push.ts). */
  const pushAudit = (now: Date, objectId: string, stored: number): AuditEntry => ({
    at: now.toISOString(),
    actor: `client:${clientId}`,
    role: 'integration',
    action: 'service-record.push',
    objectType: 'service-records',
    objectId,
    unitId: BENCH_UNIT.id,
    result: 'ok',
    detail: `stored ${stored}, unchanged 0, refused 0`,
  });
  const noteMonth = (input: RecordInput) => months.add(chinaDay(new Date(input.finishedAt)).slice(0, 7));

  // ----- 民主评议 votes -----
  const ballotBox = createBallotStore(doc, ready.tables);
  const campaigns = createCampaignStore(doc, ready.tables.ops);
  await campaigns.create(BENCH_CAMPAIGN);
  const codeKey = await derivedKey(keyring, BALLOT_CODE_LABEL);
  /** Codes issued outside the timed part: clear codes for the gateway (the voter types them), their MACs for bare. */
  const codePools: Record<LinksSide, string[]> = { gateway: [], bare: [], reads: [] };
  let ballotsCast = 0;
  async function issueBenchCodes(count: number, clear: boolean): Promise<string[]> {
    const t = performance.now();
    const codes = Array.from({ length: count }, () => codeFromBytes(randomBytes(7)));
    await ballotBox.issueCodes(codes.map((code) => ({ mac: codeMac(codeKey, code), campaignId: BENCH_CAMPAIGN.campaignId, round: 1, group: 'g1' })));
    linkIssueMs += performance.now() - t;
    return clear ? codes : codes.map((code) => codeMac(codeKey, code));
  }
  const castUrl = new URL('/api/public/ballots', ready.url);

  const pushUrl = new URL('/api/service-records', ready.url);
  const rateUrl = new URL('/api/public/rating-links/ratings', ready.url);

  // ----- links -----
  /** Links issued before a phase, with the index of their window: tokens for the gateway, token hashes for bare. */
  const pools: Record<LinksSide, { key: string; window: number }[]> = { gateway: [], bare: [], reads: [] };
  let linkIssueMs = 0;
  async function issueLinks(count: number): Promise<string[]> {
    const t = performance.now();
    const tokens: string[] = new Array(count);
    let next = 0;
    const worker = async () => {
      for (let i = next++; i < count; i = next++) {
        const window = windows[i % windows.length]!;
        const finishedAt = new Date(Date.now() - 3_600_000).toISOString();
        const day = chinaDay(new Date(finishedAt));
        // The link a push with issueLink=true issues for a record served at a window.
        const link = await issueServiceRecordLink(
          { ratingLinks },
          { unitId: BENCH_UNIT.id, projNo: `LINK-${process.pid}-${randomId()}`, windowCode: window.code, serviceItem: LINK_SERVICE_ITEM, finishedAt, day, month: day.slice(0, 7), servedVia: 'window', applicantType: 'person', fingerprint: '', clientId, storedAt: finishedAt, expiresAt: 0 },
          false,
        );
        tokens[i] = link!.url.slice(link!.url.lastIndexOf('/') + 1);
      }
    };
    await Promise.all(Array.from({ length: 32 }, worker));
    linkIssueMs += performance.now() - t;
    return tokens;
  }
  const tokenHash = (token: string) => createHash('sha256').update(token).digest('hex');
  const ratingBody = (i: number) => {
    const level = LEVELS[i % LEVELS.length]!;
    return { level, indicators: { efficiency: level, competence: level, attitude: level } };
  };

  const drivers: Record<LinksMeasure, Partial<Record<LinksSide, Driver>>> = {
    cast: {},
    push: {
      gateway: {
        items: 1,
        async send(i) {
          const input = recordInput(i);
          const res = await post(agent, pushUrl, JSON.stringify(input), { authorization });
          if (res.status !== 201) {
            noteError(new Error(`push HTTP ${res.status}: ${res.body.slice(0, 200)}`));
            return 0;
          }
          noteMonth(input);
          recordsStored++;
          return 1;
        },
      },
      bare: {
        items: 1,
        async send(i) {
          const input = recordInput(i);
          const now = new Date();
          const { record, contact } = await buildRecord(input, now);
          const outcome = await serviceRecords.store(record, contact);
          if (!outcome.stored) throw new Error(`bare push: ${input.projNo} was there already`);
          await audit.append(pushAudit(now, input.projNo, 1));
          noteMonth(input);
          recordsStored++;
          return 1;
        },
      },
    },
    push25: {
      gateway: {
        items: options.batch,
        async send(i) {
          const inputs = Array.from({ length: options.batch }, (_, k) => recordInput(i * options.batch + k));
          const res = await post(agent, pushUrl, JSON.stringify({ records: inputs }), { authorization });
          if (res.status !== 200) {
            noteError(new Error(`batch push HTTP ${res.status}: ${res.body.slice(0, 200)}`));
            return 0;
          }
          const stored = (JSON.parse(res.body) as { stored: number }).stored;
          if (stored !== inputs.length) noteError(new Error(`batch push stored ${stored} of ${inputs.length}: ${res.body.slice(0, 200)}`));
          for (const input of inputs) noteMonth(input);
          recordsStored += stored;
          return stored;
        },
      },
      bare: {
        items: options.batch,
        async send(i) {
          const inputs = Array.from({ length: options.batch }, (_, k) => recordInput(i * options.batch + k));
          const now = new Date();
          // As push.ts: 16 records in flight, then one audit entry for the batch.
          let next = 0;
          let stored = 0;
          const worker = async () => {
            for (let k = next++; k < inputs.length; k = next++) {
              const { record, contact } = await buildRecord(inputs[k]!, now);
              if ((await serviceRecords.store(record, contact)).stored) stored++;
            }
          };
          await Promise.all(Array.from({ length: Math.min(16, inputs.length) }, worker));
          await audit.append(pushAudit(now, `batch of ${inputs.length}`, stored));
          for (const input of inputs) noteMonth(input);
          recordsStored += stored;
          return stored;
        },
      },
    },
    rate: {
      gateway: {
        items: 1,
        async send(i) {
          const link = pools.gateway.pop();
          if (!link) throw new Error('no link left in the gateway pool');
          // As the resident page /r/{token} sends it: the lookup's answer echoed (what the link rates).
          const rates = { windowCode: windows[link.window]!.code, serviceItem: LINK_SERVICE_ITEM };
          const res = await post(agent, rateUrl, JSON.stringify({ token: link.key, ...ratingBody(i), rates }), {});
          if (res.status !== 201) {
            noteError(new Error(`link rating HTTP ${res.status}: ${res.body.slice(0, 200)}`));
            return 0;
          }
          ratingsStored++;
          return 1;
        },
      },
      bare: {
        items: 1,
        // What submitLinkRating → submitRating sends for a link of a bench window (no serviceItems,
        // so no serviceItem; the national survey; channel and trust service-record).
        async send(i, pool = pools.bare) {
          const link = pool.pop();
          if (!link) throw new Error('no link left in the bare pool');
          const now = new Date();
          const body = ratingBody(i);
          // The link's window: the rating counts for the window the link names.
          const window = windows[link.window]!;
          const rating: StoredRating = {
            id: randomId(),
            windowCode: window.code,
            unitId: window.unitId,
            hallId: window.hallId,
            day: chinaDay(now),
            level: body.level,
            indicators: body.indicators,
            surveyId: NATIONAL_SURVEY.surveyId,
            surveyVersion: NATIONAL_SURVEY.version,
            channel: 'service-record',
            trust: 'service-record',
            hasContact: false,
          };
          // A 差评 opens its case in the same transaction, as submitRating does (issue 15).
          const opening = caseOpening(rating.level, rating.day);
          await ratings.store({ rating, link: { tokenHash: link.key, now, rates: { windowCode: window.code, serviceItem: LINK_SERVICE_ITEM } }, ...(opening ? { opensCase: opening } : {}), now });
          ratingsStored++;
          return 1;
        },
      },
    },
  };
  drivers.cast = {
    gateway: {
      items: 1,
      async send() {
        const code = codePools.gateway.pop();
        if (!code) throw new Error('no code left in the gateway pool');
        // As the /v page sends it: the lookup's campaign and group echoed (decision 0027).
        const res = await post(agent, castUrl, JSON.stringify({ code, choices: BENCH_CHOICES, ballot: { campaignId: BENCH_CAMPAIGN.campaignId, group: 'g1' } }), {});
        if (res.status !== 201) {
          noteError(new Error(`cast HTTP ${res.status}: ${res.body.slice(0, 200)}`));
          return 0;
        }
        ballotsCast++;
        return 1;
      },
    },
    bare: {
      items: 1,
      // The vote's one transaction (ballots.ts cast): the code burned, the campaign checked, the
      // client's count of unknown codes checked (as the gateway's vote does, for its client), the ballot put.
      async send() {
        const mac = codePools.bare.pop();
        if (!mac) throw new Error('no code left in the bare pool');
        const admission = { counter: throttleCounterKey('ballot-code|bench-client', DEFAULT_THROTTLE_POLICY.clientWindowSeconds, new Date()), limit: DEFAULT_THROTTLE_POLICY.codeFailuresPerClient };
        await ballotBox.cast(mac, { campaignId: BENCH_CAMPAIGN.campaignId, round: 1 }, { group: 'g1', choices: BENCH_CHOICES }, { key: randomBytes(16).toString('hex'), shard: randomInt(BALLOT_SHARDS) }, admission);
        ballotsCast++;
        return 1;
      },
    },
  };
  if (options.reads) {
    // The handler's reads first, in its order, then the bare side's writes.
    const pushBare = drivers.push.bare!;
    drivers.push.reads = {
      items: 1,
      async send(i) {
        const client = await integrationClients.get(clientId);
        if (!client) throw new Error('the bench client is missing');
        await lookups.units.get(BENCH_UNIT.id);
        await lookups.windows.get(windows[i % windows.length]!.code);
        return pushBare.send(i);
      },
    };
    const rateBare = drivers.rate.bare!;
    drivers.rate.reads = {
      items: 1,
      async send(i) {
        const link = pools.reads.pop();
        if (!link) throw new Error('no link left in the reads pool');
        if (!(await ratingLinks.get(link.key))) throw new Error('link missing');
        const code = windows[link.window]!.code;
        const window = await lookups.windows.get(code);
        await lookups.windows.get(code);
        await lookups.surveys.currentForUnits(window?.unitPath ?? [BENCH_UNIT.id]);
        return rateBare.send(i, [link]);
      },
    };
  }
  async function fillPools(count: number, sides: LinksSide[], measure: LinksMeasure = 'rate'): Promise<void> {
    if (measure === 'cast') {
      for (const side of sides) codePools[side] = await issueBenchCodes(count, side === 'gateway');
      return;
    }
    for (const side of sides) pools[side] = (await issueLinks(count)).map((token, i) => ({ key: side === 'gateway' ? token : tokenHash(token), window: i % windows.length }));
  }

  async function phase(measure: LinksMeasure, side: LinksSide, requests: number, round: number): Promise<LinksRun> {
    const serverBefore = await server.cpuMs();
    const javaBefore = javaPid ? processCpuMs(javaPid) : Number.NaN;
    const machineBefore = machineCpu();
    const selfBefore = process.cpuUsage();
    const result = await closedLoop(drivers[measure][side]!, CONCURRENCY, requests, noteError);
    const selfUsage = process.cpuUsage(selfBefore);
    const machineAfter = machineCpu();
    const serverMs = (await server.cpuMs()) - serverBefore;
    const javaMs = javaPid ? processCpuMs(javaPid) - javaBefore : Number.NaN;
    const selfMs = (selfUsage.user + selfUsage.system) / 1000;
    const othersMs = Math.max(0, machineAfter.busyMs - machineBefore.busyMs - serverMs - javaMs - selfMs);
    const per = (ms: number) => ms / Math.max(1, result.ok);
    const busy = (ms: number) => ms / result.elapsedMs;
    const run: LinksRun = {
      measure,
      side,
      round,
      requests: result.requests,
      ok: result.ok,
      errors: result.errors,
      elapsedMs: result.elapsedMs,
      throughput: (result.ok / result.elapsedMs) * 1000,
      latency: summarize(result.latencies),
      serverCpuMsPerItem: per(serverMs),
      javaCpuMsPerItem: per(javaMs),
      loadGenCpuMsPerItem: per(selfMs),
      cpuBusy: { server: busy(serverMs), java: busy(javaMs), loadGen: busy(selfMs), others: busy(othersMs) },
    };
    samples.set(run, result.latencies);
    return run;
  }
  function combine(a: LinksRun, b: LinksRun): LinksRun {
    const ok = a.ok + b.ok;
    const elapsedMs = a.elapsedMs + b.elapsedMs;
    const perItem = (key: 'serverCpuMsPerItem' | 'javaCpuMsPerItem' | 'loadGenCpuMsPerItem') => (a[key] * a.ok + b[key] * b.ok) / Math.max(1, ok);
    const busy = (key: keyof LinksRun['cpuBusy']) => (a.cpuBusy[key] * a.elapsedMs + b.cpuBusy[key] * b.elapsedMs) / elapsedMs;
    const pooled = [...(samples.get(a) ?? []), ...(samples.get(b) ?? [])];
    const run: LinksRun = {
      measure: a.measure,
      side: a.side,
      round: a.round,
      requests: a.requests + b.requests,
      ok,
      errors: a.errors + b.errors,
      elapsedMs,
      throughput: (ok / elapsedMs) * 1000,
      latency: summarize(pooled),
      serverCpuMsPerItem: perItem('serverCpuMsPerItem'),
      javaCpuMsPerItem: perItem('javaCpuMsPerItem'),
      loadGenCpuMsPerItem: perItem('loadGenCpuMsPerItem'),
      cpuBusy: { server: busy('server'), java: busy('java'), loadGen: busy('loadGen'), others: busy('others') },
    };
    samples.set(run, pooled);
    return run;
  }
  const describe = (run: LinksRun) =>
    `  ${run.round === 0 ? 'warm-up' : `round ${run.round}`} ${LINKS_LABELS[run.measure].padEnd(30)} ${SIDE_LABELS[run.side].padEnd(12)} ` +
    `${run.throughput.toFixed(1).padStart(7)} ${UNIT_OF[run.measure]}  p50 ${run.latency.p50.toFixed(1).padStart(6)} ms  ` +
    `cpu/item server ${run.serverCpuMsPerItem.toFixed(2)} java ${run.javaCpuMsPerItem.toFixed(2)} loadgen ${run.loadGenCpuMsPerItem.toFixed(2)} ms  others ${run.cpuBusy.others.toFixed(2)} cores` +
    (run.errors ? `  ERRORS ${run.errors}` : '');

  const measures: LinksMeasure[] = (options.batch > 0 ? (['push', 'rate', 'push25', 'cast'] as const) : (['push', 'rate', 'cast'] as const)).filter(
    (measure) => !options.only || options.only.includes(measure),
  );
  /**
   * Requests per phase: for push25 the same number of records as the single pushes, but at least
   * `least` requests, so that each slice keeps 16 requests in flight for a while (a slice drains at its end).
   */
  const requestsOf = (measure: LinksMeasure, total: number, least = 192) => (measure === 'push25' ? Math.max(least, Math.round(total / options.batch)) : total);
  const sidesOf = (measure: LinksMeasure): LinksSide[] => (['gateway', 'bare', 'reads'] as const).filter((side) => drivers[measure][side] !== undefined);
  const runs: LinksRun[] = [];
  const othersLimit = options.othersLimit ?? 0.2;
  let redoBudgetMs = options.redoBudgetSeconds * 1000;
  let redone = 0;
  let contaminated = 0;

  /** One measure's round: gateway and bare in SLICES slices, A B B A …, again while disturbed and the budget lasts. */
  async function interleavedRound(measure: LinksMeasure, round: number): Promise<void> {
    const sides: LinksSide[] = round % 2 === 1 ? sidesOf(measure) : [...sidesOf(measure)].reverse();
    const requests = requestsOf(measure, options.requests);
    const perSlice = Math.ceil(requests / SLICES);
    for (;;) {
      if (measure === 'rate' || measure === 'cast') await fillPools(perSlice * SLICES, sides, measure);
      const parts = new Map<LinksSide, LinksRun>();
      for (let slice = 0; slice < SLICES; slice++) {
        for (const side of slice % 2 === 0 ? sides : [...sides].reverse()) {
          const run = await phase(measure, side, perSlice, round);
          const before = parts.get(side);
          parts.set(side, before ? combine(before, run) : run);
        }
      }
      const pair = sides.map((side) => parts.get(side)!);
      runs.push(...pair);
      for (const run of pair) log(describe(run));
      const disturbed = pair.filter((run) => run.cpuBusy.others > othersLimit);
      if (disturbed.length === 0) return;
      if (redoBudgetMs <= 0) {
        contaminated += disturbed.length;
        log(`    other processes used up to ${Math.max(...disturbed.map((run) => run.cpuBusy.others)).toFixed(2)} cores: kept (no redo budget left), results distorted`);
        return;
      }
      for (const run of pair) run.discarded = true;
      redone += pair.length;
      const waitStarted = Date.now();
      const { busy } = await waitForQuiet(redoBudgetMs, { threshold: 0.1 });
      redoBudgetMs -= Date.now() - waitStarted + pair.reduce((sum, run) => sum + run.elapsedMs, 0);
      log(`    other processes were busy during the round: discarded, running it again (machine now ${busy.toFixed(2)} cores busy)`);
    }
  }

  try {
    // Warm-up (not counted): JIT in both Node processes and the JVM, SQLite pages, sockets, the
    // handlers' first import.
    log(`links: warm-up, ${options.warmupRequests} requests per phase at c=${CONCURRENCY} …`);
    for (const measure of measures) {
      const requests = requestsOf(measure, options.warmupRequests, 48);
      if (measure === 'rate' || measure === 'cast') await fillPools(requests, sidesOf(measure), measure);
      for (const side of sidesOf(measure)) log(describe(await phase(measure, side, requests, 0)));
    }

    log(`links: measuring ${options.rounds} rounds × ${options.requests} requests per phase (push25: ${requestsOf('push25', options.requests)} requests of ${options.batch}) at c=${CONCURRENCY}, interleaved in ${SLICES} slices …`);
    for (let round = 1; round <= options.rounds; round++) {
      for (const measure of measures) await interleavedRound(measure, round);
    }

    const profiles: LinksResult['profiles'] = [];
    if (options.profilePrefix) {
      for (const measure of measures.filter((m) => m !== 'push25')) {
        const file = `${options.profilePrefix}-${measure}.cpuprofile`;
        const requests = Math.ceil(options.requests / 2);
        if (measure === 'rate' || measure === 'cast') await fillPools(requests, ['gateway'], measure);
        log(`links: profiling the server during one extra gateway phase of ${measure} (${requests} requests, not counted) …`);
        await server.profileStart();
        const run = await phase(measure, 'gateway', requests, -1);
        await server.profileStop(file);
        log(describe(run).replace('round -1', 'profiled'));
        profiles.push({ measure, summary: summarizeProfile(file) });
      }
    }

    // Every pushed record is in its month's listing; every link rating is counted once in the totals.
    let recordsListed = 0;
    for (const month of months) {
      let ExclusiveStartKey: Record<string, unknown> | undefined;
      do {
        const page = await doc.send(
          new QueryCommand({
            TableName: ready.tables.ops,
            KeyConditionExpression: 'pk = :pk',
            ExpressionAttributeValues: { ':pk': keys.serviceRecordListingPartition(BENCH_UNIT.id, month) },
            Select: 'COUNT',
            ConsistentRead: true,
            ExclusiveStartKey,
          }),
        );
        recordsListed += page.Count ?? 0;
        ExclusiveStartKey = page.LastEvaluatedKey;
      } while (ExclusiveStartKey);
    }
    let ratingsCounted = 0;
    for (const { code } of windows) {
      const { Items = [] } = await doc.send(
        new QueryCommand({ TableName: ready.tables.totals, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': keys.windowTotalsPartition(code) }, ConsistentRead: true }),
      );
      for (const item of Items) for (const level of [1, 2, 3, 4, 5]) ratingsCounted += Number(item[`c${level}`] ?? 0);
    }
    let ballotsInBox = 0;
    for await (const page of ballotBox.ballots(BENCH_CAMPAIGN.campaignId, 1)) ballotsInBox += page.length;
    const integrity = {
      recordsStored,
      recordsListed,
      ratingsStored,
      ratingsCounted,
      ballotsCast,
      ballotsInBox,
      consistent: recordsStored === recordsListed && ratingsStored === ratingsCounted && ballotsCast === ballotsInBox,
    };

    const kept = (measure: LinksMeasure, side: LinksSide) => runs.filter((run) => run.measure === measure && run.side === side && run.round > 0 && !run.discarded);
    const summaries: LinksMeasureSummary[] = measures.map((measure) => {
      const side = (name: LinksSide) => {
        const list = kept(measure, name);
        const rates = list.map((run) => run.throughput);
        return {
          median: median(rates),
          min: Math.min(...rates),
          max: Math.max(...rates),
          p50: median(list.map((run) => run.latency.p50)),
          p99: median(list.map((run) => run.latency.p99)),
          serverCpuMsPerItem: median(list.map((run) => run.serverCpuMsPerItem)),
          javaCpuMsPerItem: median(list.map((run) => run.javaCpuMsPerItem)),
        };
      };
      const rounds = [...new Set(kept(measure, 'gateway').map((run) => run.round))].sort((a, b) => a - b);
      const roundRatios = rounds.flatMap((round) => {
        const of = (name: LinksSide) => kept(measure, name).find((run) => run.round === round)?.throughput;
        const [gateway, bare] = [of('gateway'), of('bare')];
        return gateway !== undefined && bare !== undefined ? [gateway / bare] : [];
      });
      const gateway = side('gateway');
      const bare = side('bare');
      const reads = kept(measure, 'reads').length > 0 ? side('reads') : undefined;
      return {
        measure,
        label: LINKS_LABELS[measure],
        unit: UNIT_OF[measure],
        gateway,
        bare,
        ratio: gateway.median / bare.median,
        roundRatios,
        ...(reads ? { reads: { median: reads.median, min: reads.min, max: reads.max, p50: reads.p50, p99: reads.p99, javaCpuMsPerItem: reads.javaCpuMsPerItem, ratio: reads.median / bare.median } } : {}),
      };
    });
    const errors = runs.reduce((sum, run) => sum + run.errors, 0);

    const checks: LinksCheck[] = [];
    for (const s of summaries) {
      checks.push({
        target: `Links: ${s.label} at c=16 ≥ 90% of bare SDK writes in every round`,
        measured: `${s.roundRatios.map(pct).join(', ')} (median ${s.gateway.median.toFixed(1)} vs ${s.bare.median.toFixed(1)} ${s.unit} = ${pct(s.ratio)})`,
        status: s.roundRatios.length > 0 && s.roundRatios.every((ratio) => ratio >= 0.9) ? 'pass' : 'FAIL',
      });
    }
    checks.push({ target: 'Links: errors = 0', measured: String(errors), status: errors === 0 ? 'pass' : 'FAIL' });
    checks.push({
      target: 'Links: every pushed record listed, every link rating counted once in the totals, every vote in the ballot box once',
      measured: `records ${recordsListed} listed / ${recordsStored} stored; ratings ${ratingsCounted} counted / ${ratingsStored} stored; ballots ${ballotsInBox} in the box / ${ballotsCast} cast`,
      status: integrity.consistent ? 'pass' : 'FAIL',
    });
    const others = runs.filter((run) => run.round > 0 && !run.discarded).map((run) => run.cpuBusy.others);
    checks.push({
      target: 'Links: machine otherwise idle during the kept phases (other processes ≤ 0.2 cores)',
      measured: `other processes used median ${median(others).toFixed(2)}, max ${Math.max(...others).toFixed(2)} cores; ${redone} phases redone, ${contaminated} kept while busy`,
      status: contaminated === 0 ? 'pass' : 'FAIL',
    });

    return {
      config: { rounds: options.rounds, requests: options.requests, batch: options.batch, reads: options.reads ?? false, warmupRequests: options.warmupRequests, windows: options.windows, redoBudgetSeconds: options.redoBudgetSeconds, othersLimit },
      measures: summaries,
      runs,
      redone,
      contaminated,
      errors,
      errorSamples,
      integrity,
      linkIssueSeconds: Math.round(linkIssueMs / 1000),
      profiles,
      checks,
    };
  } finally {
    doc.destroy();
    agent.destroy();
    await server.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** Latency samples per run, kept out of the JSON result. */
const samples = new WeakMap<LinksRun, number[]>();

const pct = (v: number) => `${(v * 100).toFixed(1)}%`;

/** The section's Markdown for docs/performance.md. */
export function linksMarkdown(result: LinksResult): string {
  const lines: string[] = [];
  const c = result.config;
  lines.push(
    `#### 办件 pushes and token ratings (section \`links\`)`,
    '',
    `Gateway (HTTP → local gateway → handler → use case → DynamoDB Local on disk) against the same items written straight from the SDK by the data layer's own stores, closed loop at c=16; ` +
      `${c.rounds} rounds × ${c.requests} requests per phase, each round's phases interleaved in ${SLICES} slices (A B B A …); warm-up ${c.warmupRequests} requests per phase, not counted. ` +
      `Links for the ratings issued before each round, outside the timed part (${result.linkIssueSeconds} s in all).`,
    '',
    markdownTable(['target', 'measured', 'status'], result.checks.map((check) => [check.target, check.measured, check.status === 'pass' ? '✅ pass' : check.status === 'FAIL' ? '❌ FAIL' : check.status])),
    '',
    markdownTable(
      ['measure (c=16)', 'gateway, median (min–max)', 'bare, median (min–max)', 'gateway ÷ bare (median)', 'per round', 'p50 ms gateway / bare', 'p99 ms gateway / bare', 'server CPU ms/item', 'JVM CPU ms/item gateway / bare'],
      result.measures.map((s) => [
        s.label,
        `${s.gateway.median.toFixed(1)} (${s.gateway.min.toFixed(1)}–${s.gateway.max.toFixed(1)}) ${s.unit}`,
        `${s.bare.median.toFixed(1)} (${s.bare.min.toFixed(1)}–${s.bare.max.toFixed(1)}) ${s.unit}`,
        pct(s.ratio),
        s.roundRatios.map(pct).join(', '),
        `${s.gateway.p50.toFixed(1)} / ${s.bare.p50.toFixed(1)}`,
        `${s.gateway.p99.toFixed(1)} / ${s.bare.p99.toFixed(1)}`,
        s.gateway.serverCpuMsPerItem.toFixed(2),
        `${s.gateway.javaCpuMsPerItem.toFixed(2)} / ${s.bare.javaCpuMsPerItem.toFixed(2)}`,
      ]),
    ),
    '',
    ...readsLines(result),
    '<details><summary>Every round (links)</summary>',
    '',
    markdownTable(
      ['round', 'measure', 'side', 'items/s', 'requests', 'p50 ms', 'p99 ms', 'server CPU ms/item', 'JVM CPU ms/item', 'load-gen CPU ms/item', 'cores busy: server / JVM / load-gen / others', 'errors'],
      result.runs
        .filter((run) => run.round > 0)
        .map((run) => [
          run.discarded ? `${run.round} (discarded)` : run.round,
          LINKS_LABELS[run.measure],
          SIDE_LABELS[run.side],
          run.throughput.toFixed(1),
          run.requests,
          run.latency.p50.toFixed(1),
          run.latency.p99.toFixed(1),
          run.side === 'gateway' ? run.serverCpuMsPerItem.toFixed(2) : '–',
          run.javaCpuMsPerItem.toFixed(2),
          run.loadGenCpuMsPerItem.toFixed(2),
          `${run.cpuBusy.server.toFixed(2)} / ${run.cpuBusy.java.toFixed(2)} / ${run.cpuBusy.loadGen.toFixed(2)} / ${run.cpuBusy.others.toFixed(2)}`,
          run.errors,
        ]),
    ),
    '',
    '</details>',
  );
  for (const { measure, summary } of result.profiles) {
    lines.push(
      '',
      `Server CPU profile, one extra gateway phase of ${LINKS_LABELS[measure]} (busy ${summary.busyMs.toFixed(0)} ms of ${summary.wallMs.toFixed(0)} ms wall):`,
      '',
      markdownTable(['category (self time)', 'share of busy time'], summary.categories.slice(0, 8).map((cat) => [cat.category, pct(cat.share)])),
    );
  }
  if (result.errorSamples.length) lines.push('', `Error samples: ${result.errorSamples.map((e) => `\`${e}\``).join('; ')}`);
  return `${lines.join('\n')}\n`;
}

/** The diagnostic side, when it ran: how much of the gap the handler's reads explain. */
function readsLines(result: LinksResult): string[] {
  const rows = result.measures.filter((s) => s.reads);
  if (rows.length === 0) return [];
  return [
    'Diagnostic, not a target: the bare writes preceded by the reads the handler makes (same order, data layer stores, no HTTP):',
    '',
    markdownTable(
      ['measure (c=16)', 'bare + reads, median (min–max)', 'vs bare', 'gateway vs bare', 'JVM CPU ms/item bare + reads', 'p50 ms bare + reads'],
      rows.map((s) => [
        s.label,
        `${s.reads!.median.toFixed(1)} (${s.reads!.min.toFixed(1)}–${s.reads!.max.toFixed(1)}) ${s.unit}`,
        pct(s.reads!.ratio),
        pct(s.ratio),
        s.reads!.javaCpuMsPerItem.toFixed(2),
        s.reads!.p50.toFixed(1),
      ]),
    ),
    '',
  ];
}
