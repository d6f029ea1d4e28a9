import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ScanCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createGateway } from '../../infra/local/gateway.js';
import { seedWriter } from '../../infra/local/seed.js';
import { startDynamoDbLocal } from '../../infra/local/dynamodb-local.js';
import { freePort } from '../../infra/local/ports.js';
import { NATIONAL_SURVEY } from '../../shared/src/domain/national-survey.js';
import { isolatedTables } from '../support/isolated-tables.js';
import { createStreamPoller } from '../../infra/local/stream-poller.js';
import { totalsChangeOf } from '../../functions/src/data/rollups/stream-records.js';
import { applyTotalsChanges } from '../../functions/src/use-cases/rollups/apply-totals-changes.js';
import { httpEvent, jsonHeaders } from '../support/http-events.js';
import { markdownTable } from './stats.js';
import { seededRandom } from './dynamo.js';

/**
 * Section `cost` of `npm run bench` (issue 16, docs/cost.md): what one rating costs in DynamoDB,
 * measured, not guessed. DynamoDB Local reports the capacity every request consumes by the same
 * rules as AWS (ReturnConsumedCapacity: 1 write unit per KB of the larger of the item before and
 * after, twice for a transaction; a read unit per 4 KB, half for an eventually consistent read).
 * A county's month in miniature — 20 windows, 5 staff and 8 service items each, 2,000 ratings over
 * 10 days with the mix a window sees (a third name who served them, most choose a service item,
 * 差评 with reasons, some comments) — goes through the same handlers the API runs: the resident
 * page's card read and the rating. Then the rollups' consumer catches up, alone. Each phase's read
 * and write units are summed per table, and divided by the ratings.
 *
 * Knobs: BENCH_COST_RATINGS=2000.
 */

export interface CostPhase {
  /** Read and write request units per rating, per table. */
  perRating: Record<string, { read: number; write: number }>;
  requests: number;
}

export interface CostResult {
  ratings: number;
  windows: number;
  days: number;
  card: CostPhase;
  rating: CostPhase;
  /** Quiet hours: every change its own stream batch (a county at night: one rating a minute). */
  rollupsQuiet: CostPhase & { batches: number };
  /** Busy hours: batches of up to 1,000 changes (a province at its peak fills a batch in seconds). */
  rollupsBusy: CostPhase & { batches: number };
  /**
   * Mean stored size (bytes, as DynamoDB counts them: names and values) of each kind of item a
   * rating writes. DynamoDB Local under-reports the capacity of a TransactWriteItems (one item per
   * table), so the transaction's units are computed from these: 2 × ⌈size / 1 KB⌉ per item.
   */
  sizes: Record<string, number>;
}

const WINDOWS = 20;
const DAYS = 10;

/** Every command asks for its consumed capacity; the totals go to the current phase. */
function meter(doc: DynamoDBDocumentClient) {
  let phase: Record<string, { read: number; write: number }> = {};
  let requests = 0;
  doc.middlewareStack.add(
    (next) => async (args) => {
      const input = args.input as Record<string, unknown>;
      input.ReturnConsumedCapacity = 'TOTAL';
      requests++;
      const result = await next(args);
      const output = result.output as { ConsumedCapacity?: unknown };
      const consumed = ([] as { TableName?: string; CapacityUnits?: number; ReadCapacityUnits?: number; WriteCapacityUnits?: number }[]).concat((output.ConsumedCapacity ?? []) as never);
      const name = String((args as { commandName?: string }).commandName ?? '');
      for (const entry of consumed) {
        const table = String(entry.TableName ?? '?').replace(/^t[0-9a-f]{8}-/, '');
        const into = (phase[table] ??= { read: 0, write: 0 });
        // A write command's units are write units, a read command's read units (DynamoDB Local fills CapacityUnits only).
        const units = entry.CapacityUnits ?? 0;
        if (entry.WriteCapacityUnits !== undefined || entry.ReadCapacityUnits !== undefined) {
          into.read += entry.ReadCapacityUnits ?? 0;
          into.write += entry.WriteCapacityUnits ?? 0;
        } else if (/Get|Query|Scan/.test(name) || isRead(input)) into.read += units;
        else into.write += units;
      }
      return result;
    },
    { step: 'initialize', name: 'benchCapacityMeter' },
  );
  return {
    start() {
      phase = {};
      requests = 0;
    },
    stop(ratings: number): CostPhase {
      return { perRating: Object.fromEntries(Object.entries(phase).map(([table, units]) => [table, { read: units.read / ratings, write: units.write / ratings }])), requests };
    },
  };
}

function isRead(input: Record<string, unknown>): boolean {
  return 'KeyConditionExpression' in input || ('Key' in input && !('UpdateExpression' in input) && !('Item' in input) && !('ConditionExpression' in input)) || 'RequestItems' in input && !Object.values(input.RequestItems as object).some((v) => Array.isArray(v));
}


export async function runCost(options: { ratings?: number; log: (line: string) => void }): Promise<CostResult> {
  const { log } = options;
  const ratings = options.ratings ?? 2000;
  const dataDir = mkdtempSync(join(tmpdir(), 'manyi-bench-cost-'));
  const db = await startDynamoDbLocal({ port: await freePort(), dataDir, log: () => {} });
  try {
    const t = await isolatedTables(db.endpoint);
    t.install();
    const gateway = createGateway();
    const writer = seedWriter(t.runtime);
    await writer.putUnit({ id: 'cost-unit', name: '成本县政务服务中心', parentId: null, path: ['cost-unit'] });
    await writer.putHall({ id: 'cost-hall', unitId: 'cost-unit', name: '大厅', address: '一号' });
    const items = ['社保卡补办', '医保报销', '不动产登记', '营业执照', '公积金提取', '户籍迁移', '出入境证件', '税务登记'];
    const codes: string[] = [];
    for (let w = 0; w < WINDOWS; w++) {
      const staff = Array.from({ length: 5 }, (_, s) => `cost-s${w}-${s}`);
      for (const [s, id] of staff.entries()) await writer.putStaff({ id, unitId: 'cost-unit', staffNo: `C${w}${s}`, name: `人员${w}-${s}`, post: '受理员', duties: '受理', pledge: '一次告知', partyMember: false });
      const code = `cost${String(w).padStart(4, '0')}`;
      codes.push(code);
      await writer.putWindow({ code, unitId: 'cost-unit', hallId: 'cost-hall', name: `${w + 1}号窗口`, active: true, staffOnDutyIds: staff, staffIds: staff, surveyId: NATIONAL_SURVEY.surveyId, surveyVersion: NATIONAL_SURVEY.version, serviceItems: items.map((name, i) => ({ code: `I${i}`, name })) });
    }
    await t.rollups.drain();
    const capacity = meter(t.doc);
    const next = seededRandom(42);
    const plan = Array.from({ length: ratings }, (_, i) => {
      const level = next() < 0.85 ? 5 - Math.floor(next() * 2) : 1 + Math.floor(next() * 3);
      const code = codes[Math.floor(next() * codes.length)]!;
      const w = Number(code.slice(4));
      return {
        day: `2026-10-${String(1 + Math.floor((i * DAYS) / ratings)).padStart(2, '0')}`,
        body: {
          windowCode: code,
          level,
          ...(level <= 2 ? { reasons: ['SLOW'] } : {}),
          ...(next() < 0.35 ? { staffId: `cost-s${w}-${Math.floor(next() * 5)}` } : {}),
          ...(next() < 0.7 ? { serviceItem: items[Math.floor(next() * items.length)]! } : {}),
          ...(next() < 0.15 ? { comment: '窗口服务很好，办理很快。' } : {}),
        },
      };
    });

    log(`cost: ${ratings} ratings over ${WINDOWS} windows and ${DAYS} days, each with the card read the resident page makes first`);
    const cardUnits: CostPhase[] = [];
    capacity.start();
    for (const { day, body } of plan) {
      t.runtime.now = () => new Date(`${day}T04:00:00Z`);
      const card = await gateway.invoke(httpEvent('GET', `/api/public/windows/${body.windowCode}`));
      if (card.statusCode !== 200) throw new Error(`cost: card ${card.statusCode}`);
    }
    cardUnits.push(capacity.stop(ratings));
    const rate = async (part: typeof plan) => {
      for (const { day, body } of part) {
        t.runtime.now = () => new Date(`${day}T04:00:00Z`);
        const reply = await gateway.invoke(httpEvent('POST', '/api/public/ratings', { body: JSON.stringify(body), headers: { ...jsonHeaders, 'idempotency-key': randomUUID() } }));
        if (reply.statusCode !== 201) throw new Error(`cost: rating ${reply.statusCode} ${reply.body}`);
      }
    };
    const consumer = (batchSize: number) => createStreamPoller({ endpoint: db.endpoint, table: t.tables.totals, batchSize, apply: (records) => applyTotalsChanges(t.runtime, records.map(totalsChangeOf)) });
    const half = Math.floor(ratings / 2);
    // First half: rated, then consumed one change per batch (quiet hours).
    capacity.start();
    await rate(plan.slice(0, half));
    const rating = capacity.stop(half);
    const quiet = consumer(1);
    capacity.start();
    await quiet.drain();
    const rollupsQuiet = { ...capacity.stop(half), batches: half };
    await quiet.stop();
    // Second half: a consumer of batches of 1,000 first passes over the first half (all taken, not
    // measured), then consumes the second half as a busy hour's batches.
    const busy = consumer(1000);
    await busy.drain();
    await rate(plan.slice(half));
    capacity.start();
    await busy.drain();
    const rollupsBusy = { ...capacity.stop(ratings - half), batches: Math.ceil((ratings - half) / 1000) };
    await busy.stop();
    const sizes = await itemSizes(t.doc, t.tables);
    t.close();
    return { ratings, windows: WINDOWS, days: DAYS, card: cardUnits[0]!, rating, rollupsQuiet, rollupsBusy, sizes };
  } finally {
    await db.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** DynamoDB's item size: UTF-8 lengths of names and string values, numbers ≈ their digits / 2 + 1. */
function sizeOf(item: Record<string, unknown>): number {
  let size = 0;
  for (const [name, value] of Object.entries(item)) {
    size += Buffer.byteLength(name);
    if (typeof value === 'number') size += Math.ceil(String(Math.abs(value)).replace('.', '').length / 2) + 1;
    else if (typeof value === 'string') size += Buffer.byteLength(value);
    else if (typeof value === 'boolean') size += 1;
    else size += Buffer.byteLength(JSON.stringify(value));
  }
  return size;
}

async function itemSizes(doc: DynamoDBDocumentClient, tables: { ops: string; totals: string }): Promise<Record<string, number>> {
  const kinds = new Map<string, number[]>();
  const add = (kind: string, item: Record<string, unknown>) => (kinds.get(kind) ?? kinds.set(kind, []).get(kind)!).push(sizeOf(item));
  for (const table of [tables.ops, tables.totals]) {
    let ExclusiveStartKey: Record<string, unknown> | undefined;
    do {
      const page = await doc.send(new ScanCommand({ TableName: table, ExclusiveStartKey }));
      for (const item of page.Items ?? []) {
        const pk = String(item.pk);
        const sk = String(item.sk);
        if (pk.startsWith('RATINGS#')) add('rating', item);
        else if (pk.startsWith('IDEMPOTENCY#')) add('idempotency claim', item);
        else if (pk.startsWith('CASE#') && sk === 'META') add('case (差评)', item);
        else if (pk.startsWith('TOTALS#WINDOW#')) add(sk.startsWith('DAY#') ? 'window-day totals' : 'window-month rollup', item);
        else if (pk.startsWith('TOTALS#UNIT#')) add(`unit-${sk.split('#')[0]!.toLowerCase()} rollup`, item);
      }
      ExclusiveStartKey = page.LastEvaluatedKey;
    } while (ExclusiveStartKey);
  }
  return Object.fromEntries([...kinds].map(([kind, sizes]) => [kind, Math.round(sizes.reduce((a, b) => a + b, 0) / sizes.length)]));
}

export function costMarkdown(result: CostResult): string {
  const rows: (string | number)[][] = [];
  for (const [label, phase] of [
    ['card (resident page)', result.card],
    ['rating', result.rating],
    ['rollups, one change per batch (quiet)', result.rollupsQuiet],
    [`rollups, batches of 1,000 (busy: ${result.rollupsBusy.batches} batches)`, result.rollupsBusy],
  ] as const) {
    for (const [table, units] of Object.entries(phase.perRating).sort()) rows.push([label, table, units.read.toFixed(2), units.write.toFixed(2)]);
  }
  return [
    `Capacity one rating consumes, measured with ReturnConsumedCapacity on DynamoDB Local (${result.ratings} ratings, ${result.windows} windows, ${result.days} days):`,
    '',
    markdownTable(['phase', 'table', 'read units / rating', 'write units / rating'], rows),
    '',
    'Mean stored size of each kind of item (bytes; the rating transaction\'s units are computed from them, see docs/cost.md):',
    '',
    markdownTable(['item', 'bytes'], Object.entries(result.sizes).sort().map(([kind, bytes]) => [kind, bytes])),
  ].join('\n');
}
