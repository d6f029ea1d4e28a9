import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, GetCommand, paginateQuery, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { Principal } from '../../functions/src/auth/principal.js';
import { createDocumentClient } from '../../functions/src/data/client.js';
import { createAesContactSealer } from '../../functions/src/data/contact-sealer.js';
import { createDataLayer } from '../../functions/src/data/index.js';
import { createOutboxSender } from '../../functions/src/data/sampling-invitations.js';
import { keys } from '../../functions/src/data/keys.js';
import { pool } from '../../functions/src/data/pool.js';
import { localKeyring } from '../../functions/src/throttle/keyring.js';
import { commitRound, drawWholly, freezeWholly, READS_IN_FLIGHT } from '../../functions/src/use-cases/sampling/draw-round.js';
import { sendRound } from '../../functions/src/use-cases/sampling/invitations.js';
import { createRound } from '../../functions/src/use-cases/sampling/rounds.js';
import { createTables } from '../../infra/local/create-tables.js';
import { dataTables, type DataTables } from '../../functions/src/data/tables.js';
import { startDynamoDbLocal } from '../../infra/local/dynamodb-local.js';
import { freePort } from '../../infra/local/ports.js';
import type { RoundConfig } from '../../shared/src/contracts/sampling/rounds.js';
import type { SamplingJobRun } from './sampling-job.js';
import { markdownTable, median, round } from './stats.js';

const execFileAsync = promisify(execFile);

/**
 * Section `sampling` (issue 13, Performance): the frame, hash and draw of a 阳光测评 round over
 * 200,000 办件 of 200,000 people in 50 units (strata), through the use cases on DynamoDB Local on
 * disk: commit (counts the frame), freeze (reads every 办件 listing of the period, builds, hashes
 * and stores the frame), draw (reads the frame, keys every entry, stores the sample). Against the
 * bare ceiling: the same Queries of the 办件 listings with nothing done to the items. The freeze
 * and the draw run as jobs (every call, 6 s budget each) in a process of their own
 * (sampling-job.ts), whose peak RSS is what a Lambda running them would hold. A fresh round each
 * time, same 办件.
 *
 * Then the invitations of a 10,000-person census round sent to the local outbox (measureInvitations).
 *
 * Knobs: BENCH_SAMPLING_ENTRIES=200000, BENCH_SAMPLING_STRATA=50, BENCH_SAMPLING_ROUNDS=3, BENCH_SAMPLING_N=2000, BENCH_INVITATIONS=10000.
 */
export const SAMPLING_MAX_MS = 10_000;
export const SAMPLING_MAX_RSS_MIB = 512;
/**
 * The V8 old-space limit the freeze and draw run under (BENCH_SAMPLING_HEAP_MIB): what a 512 MB
 * function gives its heap once the runtime, the SDK and buffers have their share. Without a
 * limit V8 grows the heap lazily and the peak measures its appetite, not the need.
 */
export const SAMPLING_HEAP_MIB = 384;
/** Issue 13: 10,000 invitations queued and written to the local outbox ≤ 60 s. */
export const INVITATIONS_MAX_MS = 60_000;

export interface SamplingOptions {
  entries: number;
  strata: number;
  rounds: number;
  n: number;
  /** People invited per round of the invitation measure (a census of their own day's 办件). */
  invitations: number;
  log: (line: string) => void;
}

export interface SamplingResult {
  entries: number;
  strata: number;
  n: number;
  seedMs: number;
  commitMs: number[];
  freezeMs: number[];
  drawMs: number[];
  freezeDrawMs: number[];
  bareReadMs: number[];
  /** Peak RSS of the process that ran the freeze and the draw (a process of their own). */
  peakRssMiB: number[];
  /** That process's RSS once loaded, before the first call. */
  baseRssMiB: number;
  /** The job calls one freeze and one draw took (6 s budget each). */
  calls: string;
  invitations: number;
  sendMs: number[];
  bareSendMs: number[];
  checks: { target: string; measured: string; status: 'pass' | 'FAIL' | 'info' }[];
}

const ADMIN: Principal = { username: 'bench.admin', role: 'system-admin', unitId: 'sp' };
const DRAWER: Principal = { username: 'bench.drawer', role: 'system-admin', unitId: 'sp' };
const mib = (bytes: number) => round(bytes / 1024 / 1024, 1);

export async function runSampling(options: SamplingOptions): Promise<SamplingResult> {
  const dataDir = mkdtempSync(join(tmpdir(), 'manyi-bench-sampling-'));
  const port = await freePort();
  const db = await startDynamoDbLocal({ port, dataDir, log: () => {} });
  const raw = new DynamoDBClient({ endpoint: db.endpoint, region: 'local', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  try {
    const names = await createTables(raw, 'benchsampling');
    const tables = dataTables(names);
    const doc = createDocumentClient({ region: 'local', endpoint: db.endpoint });
    const data = createDataLayer(doc, tables);
    const keyRoot = randomBytes(32);
    const deps = { ...data, now: () => new Date(), throttle: { keyring: localKeyring(keyRoot) } };

    // 50 units under one root; 办件 finished yesterday (China time), one per person, spread evenly.
    const units = Array.from({ length: options.strata }, (_, i) => `sp-u${String(i).padStart(3, '0')}`);
    await data.units.put({ id: 'sp', name: '抽样基准县', parentId: null, path: ['sp'] });
    for (const id of units) await data.units.put({ id, name: `基准单位${id}`, parentId: 'sp', path: ['sp', id] });
    const finished = new Date(Date.now() - 86_400_000);
    const day = finished.toLocaleDateString('sv-SE', { timeZone: 'Asia/Shanghai' });
    const storedAt = new Date().toISOString();
    const seedStart = performance.now();
    const batches = Array.from({ length: Math.ceil(options.entries / 25) }, (_, b) => b);
    await pool(batches, 16, async (b) => {
      const items = [];
      for (let i = b * 25; i < Math.min(options.entries, (b + 1) * 25); i++) {
        const unitId = units[i % units.length]!;
        const projNo = `B-${String(i).padStart(7, '0')}`;
        const finishedAt = new Date(finished.getTime() + (i % 3600) * 1000).toISOString();
        items.push({
          PutRequest: {
            Item: {
              ...keys.serviceRecordListing(unitId, day.slice(0, 7), finishedAt, projNo),
              kind: 'service-record-listing',
              unitId,
              projNo,
              serviceItem: '基准事项',
              servedVia: 'window',
              applicantType: 'person',
              day,
              month: day.slice(0, 7),
              finishedAt,
              phoneKey: `pk${String(i).padStart(20, '0')}`,
              contactId: `c${String(i).padStart(31, '0')}`,
              storedAt,
            },
          },
        });
      }
      let request: unknown[] | undefined = items;
      while (request && request.length > 0) {
        const written: { UnprocessedItems?: Record<string, unknown[]> } = await doc.send(new BatchWriteCommand({ RequestItems: { [tables.ops]: request as never } }));
        request = written.UnprocessedItems?.[tables.ops];
      }
    });
    const seedMs = Math.round(performance.now() - seedStart);
    options.log(`sampling: seeded ${options.entries} 办件 in ${units.length} units in ${(seedMs / 1000).toFixed(1)} s`);

    const config = {
      name: '基准测评',
      unitId: 'sp',
      period: { from: day, to: day },
      filters: {},
      strataBy: 'unit',
      size: { mode: 'total', n: options.n },
      allocation: { method: 'proportional' },
      quarantineDays: 180,
      invitationText: '诚邀您评价：{link}',
      reminders: { count: 1, afterDays: 3 },
      deadline: day,
    } as RoundConfig;

    const result: SamplingResult = {
      entries: options.entries,
      strata: units.length,
      n: options.n,
      seedMs,
      commitMs: [],
      freezeMs: [],
      drawMs: [],
      freezeDrawMs: [],
      bareReadMs: [],
      peakRssMiB: [],
      baseRssMiB: 0,
      calls: '',
      invitations: options.invitations,
      sendMs: [],
      bareSendMs: [],
      checks: [],
    };
    for (let r = 0; r < options.rounds; r++) {
      // The bare ceiling: every listing Query of the frame, items dropped.
      let t = performance.now();
      let read = 0;
      // The same Queries, as many in flight as the freeze has.
      await pool(units, READS_IN_FLIGHT, async (unitId) => {
        for await (const page of paginateQuery({ client: doc }, { TableName: tables.ops, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': keys.serviceRecordListingPartition(unitId, day.slice(0, 7)) } })) {
          read += page.Items?.length ?? 0;
        }
      });
      result.bareReadMs.push(Math.round(performance.now() - t));
      if (read !== options.entries) throw new Error(`bare read ${read} of ${options.entries}`);

      const created = await createRound(deps, ADMIN, config);
      t = performance.now();
      await commitRound(deps, ADMIN, created.roundId);
      result.commitMs.push(Math.round(performance.now() - t));

      // Freeze and draw in a process of their own, as a Lambda would run them: its peak RSS is theirs.
      const run = await jobInChild({ endpoint: db.endpoint, tables, key: keyRoot, roundId: created.roundId, publicInput: `bench-${r}` });
      if (run.N !== options.entries || run.drawn !== options.n) throw new Error(`frame ${run.N}, drawn ${run.drawn}`);
      result.freezeMs.push(run.freezeMs);
      result.drawMs.push(run.drawMs);
      result.freezeDrawMs.push(run.freezeMs + run.drawMs);
      result.peakRssMiB.push(run.maxRssMiB);
      result.baseRssMiB = run.baseRssMiB;
      result.calls = `${run.freezeCalls} freeze + ${run.drawCalls} draw`;
      options.log(
        `sampling round ${r + 1}: bare read ${result.bareReadMs.at(-1)} ms, commit ${result.commitMs.at(-1)} ms, freeze ${result.freezeMs.at(-1)} ms, draw ${result.drawMs.at(-1)} ms, peak RSS ${result.peakRssMiB.at(-1)} MiB`,
      );
    }
    await measureInvitations(doc, tables, deps, options, result);
    const worst = Math.max(...result.freezeDrawMs);
    const worstRss = Math.max(...result.peakRssMiB);
    result.checks.push({
      target: `Freeze + hash + draw of ${options.entries.toLocaleString('en')} entries in ${units.length} strata ≤ ${SAMPLING_MAX_MS / 1000} s, every round`,
      measured: `median ${median(result.freezeDrawMs)} ms, worst ${worst} ms`,
      status: worst <= SAMPLING_MAX_MS ? 'pass' : 'FAIL',
    });
    result.checks.push({
      target: `… and ≤ ${SAMPLING_MAX_RSS_MIB} MB (peak RSS of the process running them, as a Lambda would)`,
      measured: `worst ${worstRss} MiB (${result.baseRssMiB} MiB once loaded; ${result.calls} calls)`,
      status: worstRss <= SAMPLING_MAX_RSS_MIB ? 'pass' : 'FAIL',
    });
    const worstSend = Math.max(...result.sendMs);
    result.checks.push({
      target: `${options.invitations.toLocaleString('en')} invitations queued and written to the local outbox ≤ ${INVITATIONS_MAX_MS / 1000} s, every round`,
      measured: `median ${median(result.sendMs)} ms, worst ${worstSend} ms`,
      status: worstSend <= INVITATIONS_MAX_MS ? 'pass' : 'FAIL',
    });
    result.checks.push({
      target: 'Send job / bare SDK doing the same reads and writes at the same concurrency',
      measured: `${(median(result.sendMs) / median(result.bareSendMs)).toFixed(2)}× (bare ${median(result.bareSendMs)} ms)`,
      status: 'info',
    });
    result.checks.push({
      target: 'Freeze / bare read of the same 办件 listings',
      measured: `${(median(result.freezeMs) / median(result.bareReadMs)).toFixed(2)}×`,
      status: 'info',
    });
    return result;
  } finally {
    await db.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** Runs test/bench/sampling-job.ts in a child process and reads its one JSON line. */
async function jobInChild(job: { endpoint: string; tables: DataTables; key: Buffer; roundId: string; publicInput: string }): Promise<SamplingJobRun> {
  // The heap a 512 MB function leaves its code: the process must fit there, not merely peak there.
  const heap = `--max-old-space-size=${process.env.BENCH_SAMPLING_HEAP_MIB ?? SAMPLING_HEAP_MIB}`;
  const { stdout } = await execFileAsync(process.execPath, [heap, '--import', 'tsx', fileURLToPath(new URL('./sampling-job.ts', import.meta.url))], {
    env: {
      ...process.env,
      BENCH_JOB_ENDPOINT: job.endpoint,
      BENCH_JOB_TABLES: JSON.stringify(job.tables),
      BENCH_JOB_KEY: job.key.toString('hex'),
      BENCH_JOB_ADMIN: JSON.stringify(ADMIN),
      BENCH_JOB_DRAWER: JSON.stringify(DRAWER),
      BENCH_JOB_ROUND: job.roundId,
      BENCH_JOB_PUBLIC_INPUT: job.publicInput,
    },
    maxBuffer: 1024 * 1024,
  });
  return JSON.parse(stdout.trim().split('\n').at(-1)!) as SamplingJobRun;
}

export function samplingMarkdown(result: SamplingResult): string {
  return [
    `阳光测评 frame and draw: ${result.entries.toLocaleString('en')} 办件 of as many people in ${result.strata} units (strata), n = ${result.n}, through the use cases on DynamoDB Local (seeded in ${(result.seedMs / 1000).toFixed(1)} s), ${result.freezeMs.length} rounds:`,
    '',
    markdownTable(
      ['measure', 'median', 'rounds (ms)'],
      [
        ['bare DynamoDB Local: the listing Queries of the frame, items dropped', `${median(result.bareReadMs)} ms`, result.bareReadMs.join(', ')],
        ['commit (counts the frame)', `${median(result.commitMs)} ms`, result.commitMs.join(', ')],
        [`freeze job (read and stage every unit month, merge, hash, store the frame; ${result.calls} calls)`, `${median(result.freezeMs)} ms`, result.freezeMs.join(', ')],
        ['draw (read the frame, key every entry, store the sample)', `${median(result.drawMs)} ms`, result.drawMs.join(', ')],
        ['freeze + draw', `${median(result.freezeDrawMs)} ms`, result.freezeDrawMs.join(', ')],
        ['peak RSS of the process running freeze + draw (MiB)', `${median(result.peakRssMiB)}`, result.peakRssMiB.join(', ')],
        [`bare DynamoDB Local: the reads and writes of ${result.invitations.toLocaleString('en')} invitations, 16 in flight`, `${median(result.bareSendMs)} ms`, result.bareSendMs.join(', ')],
        [`send job: ${result.invitations.toLocaleString('en')} invitations to the local outbox (token, link, quarantine, state)`, `${median(result.sendMs)} ms`, result.sendMs.join(', ')],
      ],
    ),
    '',
    markdownTable(['target', 'measured', 'status'], result.checks.map((c) => [c.target, c.measured, c.status])),
  ].join('\n');
}

/**
 * The invitations of a census round over their own day of 办件 (people with sealed numbers in the
 * contact store), sent through the send job to the local outbox, until finished; a fresh round
 * each time with no quarantine, so the same people are invited again. The bare ceiling: per
 * invitation, the same two reads and four writes through the bare SDK, as many in flight.
 */
async function measureInvitations(
  doc: ReturnType<typeof createDocumentClient>,
  tables: { ops: string; contacts: string; audit: string; ballots: string },
  deps: Parameters<typeof createRound>[0] & ReturnType<typeof createDataLayer>,
  options: SamplingOptions,
  result: SamplingResult,
): Promise<void> {
  const unitId = 'sp-u000';
  const finished = new Date(Date.now() - 2 * 86_400_000);
  const day = finished.toLocaleDateString('sv-SE', { timeZone: 'Asia/Shanghai' });
  const sealer = createAesContactSealer(randomBytes(32).toString('base64'));
  const people = Array.from({ length: options.invitations }, (_, i) => i);
  const batches = Array.from({ length: Math.ceil(people.length / 25) }, (_, b) => people.slice(b * 25, (b + 1) * 25));
  await pool(batches, 16, async (batch) => {
    const listings = [];
    const contacts = [];
    for (const i of batch) {
      const projNo = `INV-${String(i).padStart(7, '0')}`;
      const finishedAt = new Date(finished.getTime() + (i % 3600) * 1000).toISOString();
      const contactId = `inv${String(i).padStart(29, '0')}`;
      listings.push({
        PutRequest: {
          Item: { ...keys.serviceRecordListing(unitId, day.slice(0, 7), finishedAt, projNo), kind: 'service-record-listing', unitId, projNo, serviceItem: '邀请基准事项', servedVia: 'window', applicantType: 'person', day, month: day.slice(0, 7), finishedAt, phoneKey: `inv${String(i).padStart(20, '0')}`, contactId, storedAt: new Date().toISOString() },
        },
      });
      contacts.push({ PutRequest: { Item: { ...keys.contact(contactId), contactId, kind: 'service-record', unitId, projNo, sealedPhone: await sealer.seal(`139${String(i).padStart(8, '0')}`), expiresAt: Math.ceil(Date.now() / 1000) + 86_400 } } });
    }
    for (const [table, items] of [[tables.ops, listings], [tables.contacts, contacts]] as const) {
      let request: unknown[] | undefined = items;
      while (request && request.length > 0) {
        const written: { UnprocessedItems?: Record<string, unknown[]> } = await doc.send(new BatchWriteCommand({ RequestItems: { [table]: request as never } }));
        request = written.UnprocessedItems?.[table];
      }
    }
  });
  const sms = createOutboxSender(doc, tables.ops, () => randomBytes(16).toString('hex'), () => new Date());
  const sendDeps = { ...deps, sealer, sms };
  const config = {
    name: '邀请基准测评',
    unitId: 'sp',
    period: { from: day, to: day },
    filters: {},
    strataBy: 'unit',
    size: { mode: 'total', n: options.invitations },
    allocation: { method: 'proportional' },
    quarantineDays: 0,
    invitationText: '诚邀您评价：{link} 回复TD退订',
    reminders: { count: 1, afterDays: 3 },
    deadline: new Date(Date.now() + 7 * 86_400_000).toLocaleDateString('sv-SE', { timeZone: 'Asia/Shanghai' }),
  } as RoundConfig;
  for (let r = 0; r < options.rounds; r++) {
    // Bare: Get the sample item and the contact, Put a link, Put an outbox message, Put a quarantine item, Update the sample item.
    let t = performance.now();
    const bareRound = `bare-${r}`;
    await pool(people, 16, async (i) => {
      const contactId = `inv${String(i).padStart(29, '0')}`;
      const sample = keys.roundSample(bareRound, unitId, `e${i}`);
      await doc.send(new GetCommand({ TableName: tables.ops, Key: sample, ConsistentRead: true }));
      await doc.send(new GetCommand({ TableName: tables.contacts, Key: keys.contact(contactId), ProjectionExpression: 'sealedPhone' }));
      await doc.send(new PutCommand({ TableName: tables.ops, Item: { ...keys.ratingLink(`${bareRound}-${i}`), kind: 'rating-link', purpose: 'sampling', roundId: bareRound, stratum: unitId, entryId: `e${i}`, openUntil: '2099-01-01T00:00:00.000Z', state: 'open' } }));
      await doc.send(new PutCommand({ TableName: tables.ops, Item: { ...keys.outboxMessage(bareRound, new Date().toISOString(), String(i)), kind: 'bare-outbox', to: '139****0000', text: '诚邀您评价', link: 'http://localhost/s/x' } }));
      await doc.send(new PutCommand({ TableName: tables.ops, Item: { ...keys.quarantine('2000-01', `inv${i}`, bareRound), kind: 'bare-quarantine' } }));
      await doc.send(new PutCommand({ TableName: tables.ops, Item: { ...sample, kind: 'bare-sample', state: 'sent' } }));
    });
    result.bareSendMs.push(Math.round(performance.now() - t));

    const created = await createRound(sendDeps, ADMIN, config);
    await commitRound(sendDeps, ADMIN, created.roundId);
    await freezeWholly(sendDeps, ADMIN, created.roundId);
    await drawWholly(sendDeps, DRAWER, created.roundId, `invite-${r}`);
    t = performance.now();
    let progress = await sendRound(sendDeps, ADMIN, created.roundId);
    while (!progress.finished) progress = await sendRound(sendDeps, ADMIN, created.roundId);
    result.sendMs.push(Math.round(performance.now() - t));
    if (progress.sent !== options.invitations) throw new Error(`sent ${progress.sent} of ${options.invitations} (failed ${progress.failed})`);
    options.log(`sampling invitations round ${r + 1}: bare ${result.bareSendMs.at(-1)} ms, send job ${result.sendMs.at(-1)} ms for ${options.invitations} invitations`);
  }
}
