import { randomBytes } from 'node:crypto';
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, GetCommand, paginateQuery, PutCommand, TransactWriteCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { RoundState } from '#shared/domain/sampling/round-state.js';
import type { FrameCandidate, FrameRecord, FrameStage } from '#shared/domain/sampling/frame.js';
import { batchGetItems } from './batch-get.js';
import { keys } from './keys.js';
import { pool } from './pool.js';
import { StateMismatch, updateIfState } from './state-update.js';

/**
 * 阳光测评 rounds (issue 13 §2; ACCESS_PATTERNS.md SR6–SR10). The round is one item whose `state`
 * every step moves by a conditional update; its seed stays in that item and leaves the API only
 * once the round is closed. The frozen frame is stored as chunks of text lines (a 200,000-entry
 * frame is some 70 items, not 200,000), the sample one item per drawn entry (each will carry its
 * invitation's state), and the quarantine by month of invitation.
 */
export interface RoundRecord {
  roundId: string;
  unitId: string;
  state: RoundState;
  /** The RoundConfig (defaults filled in) as validated by the contract. */
  config: Record<string, unknown>;
  createdAt: string;
  createdBy: string;
  updatedAt: string;
  seed?: string;
  commitment?: string;
  committedAt?: string;
  committedBy?: string;
  expectedFrame?: number;
  frameHash?: string;
  frame?: { matched: number; withoutMobile: number; people: number; quarantined: number; N: number };
  strata?: { key: string; N: number; n?: number }[];
  frameChunks?: number;
  /** A freeze under way (a job, decision 0021): its stages' id, when it began, partitions read of all at its last call. */
  freezing?: { jobId: string; startedAt: string; staged: number; partitions: number };
  frozenAt?: string;
  frozenBy?: string;
  publicInput?: string;
  allocation?: { method: string; total: number; priors?: Record<string, number> };
  /** The closed round whose 满意率 are the Neyman priors in `allocation` (decision 0023). */
  priorsFrom?: string;
  drawnAt?: string;
  drawnBy?: string;
  drawn?: number;
  /** Sample entries stored so far by the draw (a job); below `drawn` the draw is under way. Absent: all (rounds drawn before the draw was a job). */
  sampleWritten?: number;
  closedAt?: string;
  closedBy?: string;
  publishedAt?: string;
  publishedBy?: string;
  /** The funnel per stratum, counted at close (the invitations then forget who answered). */
  funnel?: { key: string; drawn: number; sent: number; failed: number; responded: number; optedOut: number }[];
  /** When the close deleted the numbers of the people drawn and stripped the frame and the sample. */
  purgedAt?: string;
  cancelledAt?: string;
  cancelledBy?: string;
}

/** One frame entry as stored: what the draw publishes, and what sending needs (never a number). */
export interface StoredFrameEntry {
  stratum: string;
  entryId: string;
  unitId: string;
  contactId: string;
  phoneKey: string;
}

/** The round was not in one of the states a step starts from (or does not exist). */
export class RoundStateError extends Error {
  override name = 'RoundStateError';
  constructor(readonly current: RoundState | undefined) {
    super(current ? `round is ${current}` : 'no such round');
  }
}

export interface RoundStore {
  create(round: RoundRecord): Promise<void>;
  get(roundId: string): Promise<RoundRecord | undefined>;
  listUnit(unitId: string): Promise<RoundRecord[]>;
  /** Set `patch` (and updatedAt) if the round is in one of `from`; the round as it is now. */
  transition(roundId: string, from: readonly RoundState[], patch: Partial<RoundRecord>): Promise<RoundRecord>;
  /** 办件 of one unit finished in one China-time month (SR5), in finishing order. */
  recordsOfMonth(unitId: string, month: string): AsyncIterable<FrameRecord[]>;
  /** Pseudonyms invited by any round in these months of invitation. */
  quarantined(months: readonly string[]): Promise<Set<string>>;
  /** Store the frame in chunks; returns how many (the freeze records it). */
  writeFrame(roundId: string, entries: Iterable<StoredFrameEntry>): Promise<number>;
  readFrame(roundId: string, chunks: number): Promise<StoredFrameEntry[]>;
  /** On close: the frame's lines keep stratum, entry id and unit; the contact and the pseudonym go. Same chunks. */
  stripFrame(roundId: string, chunks: number): Promise<void>;
  /** The unit months (`unitId#month`) a freeze job has staged. */
  stagedPartitions(roundId: string, jobId: string): Promise<Set<string>>;
  /** One unit month's stage: its candidates in chunks, then its marker (a stage without a marker is never read). */
  writeStage(roundId: string, jobId: string, partition: { unitId: string; month: string }, stage: FrameStage, expiresAt: number): Promise<void>;
  /** The right to merge a freeze's stages, for `leaseMs`: only one call of the round at a time writes the frame, whatever its job. */
  leaseMerge(roundId: string, holder: string, now: Date, leaseMs: number): Promise<boolean>;
  /** Give the merge up (its holder only): a merge that failed (an empty frame, say) does not block the next call for the lease's length. */
  releaseMerge(roundId: string, holder: string): Promise<void>;
  /** A job's stages, once its frame is fixed (they hold pseudonyms and contact ids: not kept for their TTL). */
  deleteStages(roundId: string, jobId: string): Promise<void>;
  /**
   * Every staged unit month of the job, streamed: first each month's counts, then its candidates a
   * page of chunks at a time (stages only add up: decision 0021), so no more than a page of stored
   * text is held at once. Unit months (`unitId#month`) in `except` are left out.
   */
  readStages(roundId: string, jobId: string, except?: ReadonlySet<string>): AsyncIterable<FrameStage>;
  /** Sample items are created, never overwritten (a late repeat of a draw step cannot reset an invitation's state). */
  writeSample(roundId: string, entries: readonly StoredFrameEntry[]): Promise<void>;
  readSample(roundId: string): Promise<StoredFrameEntry[]>;
}

/** A chunk stays well under DynamoDB's 400 KB item limit (UTF-8 bytes; stratum keys may be Chinese). */
const CHUNK_BYTES = 300_000;
const PARALLEL_WRITES = 8;
const PARALLEL_READS = 8;
const PARALLEL_PUTS = 16;

const line = (entry: StoredFrameEntry) => `${entry.stratum}\t${entry.entryId}\t${entry.unitId}\t${entry.contactId}\t${entry.phoneKey}\n`;
function parseLines(text: string): StoredFrameEntry[] {
  const entries: StoredFrameEntry[] = [];
  for (const row of text.split('\n')) {
    if (row === '') continue;
    const [stratum, entryId, unitId, contactId, phoneKey] = row.split('\t') as [string, string, string, string, string];
    entries.push({ stratum, entryId, unitId, contactId, phoneKey });
  }
  return entries;
}

const candidateLine = (c: FrameCandidate) => `${c.phoneKey}\t${c.stratum}\t${c.unitId}\t${c.contactId}\t${c.finishedAt}\t${c.projNo}\n`;
function parseCandidates(text: string, into: FrameCandidate[]): void {
  for (const row of text.split('\n')) {
    if (row === '') continue;
    const [phoneKey, stratum, unitId, contactId, finishedAt, projNo] = row.split('\t') as [string, string, string, string, string, string];
    into.push({ phoneKey, stratum, unitId, contactId, finishedAt, projNo });
  }
}

/** Lines into chunks of at most CHUNK_BYTES (UTF-8). */
function chunked(lines: Iterable<string>): string[] {
  const chunks: string[] = [];
  let current = '';
  let bytes = 0;
  for (const text of lines) {
    const size = Buffer.byteLength(text);
    if (bytes + size > CHUNK_BYTES && current !== '') {
      chunks.push(current);
      current = '';
      bytes = 0;
    }
    current += text;
    bytes += size;
  }
  if (current !== '') chunks.push(current);
  return chunks;
}

const RECORD_FIELDS = ['unitId', 'projNo', 'windowCode', 'serviceItem', 'servedVia', 'applicantType', 'day', 'finishedAt', 'phoneKey', 'contactId', 'storedAt'] as const;
const RECORD_PROJECTION = RECORD_FIELDS.map((_, index) => `#f${index}`).join(', ');
const RECORD_NAMES = Object.fromEntries(RECORD_FIELDS.map((field, index) => [`#f${index}`, field]));

function strip(item: Record<string, unknown>): RoundRecord {
  const { pk: _pk, sk: _sk, kind: _kind, ...round } = item;
  return round as unknown as RoundRecord;
}

export function createRoundStore(doc: DynamoDBDocumentClient, table: string): RoundStore {
  async function query(pk: string, options: { projection?: string; names?: Record<string, string> } = {}): Promise<Record<string, unknown>[]> {
    const items: Record<string, unknown>[] = [];
    const pages = paginateQuery(
      { client: doc },
      {
        TableName: table,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': pk },
        ConsistentRead: true,
        ...(options.projection ? { ProjectionExpression: options.projection, ExpressionAttributeNames: options.names } : {}),
      },
    );
    for await (const page of pages) items.push(...(page.Items ?? []));
    return items;
  }

  async function queryPrefix(pk: string, prefix: string, projection?: string): Promise<Record<string, unknown>[]> {
    const items: Record<string, unknown>[] = [];
    const pages = paginateQuery(
      { client: doc },
      {
        TableName: table,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': pk, ':prefix': prefix },
        ConsistentRead: true,
        ...(projection ? { ProjectionExpression: projection } : {}),
      },
    );
    for await (const page of pages) items.push(...(page.Items ?? []));
    return items;
  }

  const store: RoundStore = {
    async create(round) {
      await doc.send(
        new TransactWriteCommand({
          TransactItems: [
            { Put: { TableName: table, Item: { ...keys.round(round.roundId), kind: 'round', ...round }, ConditionExpression: 'attribute_not_exists(pk)' } },
            { Put: { TableName: table, Item: { ...keys.roundListing(round.unitId, round.roundId), kind: 'round-listing', roundId: round.roundId } } },
          ],
        }),
      );
    },

    async get(roundId) {
      const { Item } = await doc.send(new GetCommand({ TableName: table, Key: keys.round(roundId), ConsistentRead: true }));
      return Item ? strip(Item) : undefined;
    },

    async listUnit(unitId) {
      const listed = await query(keys.roundListingPartition(unitId), { projection: 'roundId' });
      const found = await batchGetItems(doc, table, listed.map((item) => keys.round(String(item.roundId))), { consistent: true });
      return found.map(strip);
    },

    async transition(roundId, from, patch) {
      try {
        const updated = await updateIfState(doc, table, keys.round(roundId), from, { ...patch, updatedAt: patch.updatedAt ?? new Date().toISOString() }, async () => (await store.get(roundId))?.state);
        return strip(updated);
      } catch (error) {
        if (error instanceof StateMismatch) throw new RoundStateError(error.current as RoundState | undefined);
        if (error instanceof TransactionCanceledException) throw new RoundStateError(undefined);
        throw error;
      }
    },

    async *recordsOfMonth(unitId, month) {
      const pages = paginateQuery(
        { client: doc },
        {
          TableName: table,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': keys.serviceRecordListingPartition(unitId, month) },
          ProjectionExpression: RECORD_PROJECTION,
          ExpressionAttributeNames: RECORD_NAMES,
        },
      );
      for await (const page of pages) yield (page.Items ?? []) as unknown as FrameRecord[];
    },

    async quarantined(months) {
      const invited = new Set<string>();
      for (const month of months) {
        for (const item of await query(keys.quarantinePartition(month), { projection: 'phoneKey' })) invited.add(String(item.phoneKey));
      }
      return invited;
    },

    async writeFrame(roundId, entries) {
      const chunks = chunked((function* () {
        for (const entry of entries) yield line(entry);
      })());
      await pool(
        chunks.map((lines, index) => ({ lines, index })),
        PARALLEL_WRITES,
        async ({ lines, index }) => {
          await doc.send(new PutCommand({ TableName: table, Item: { ...keys.roundFrameChunk(roundId, index), kind: 'round-frame', lines } }));
        },
      );
      return chunks.length;
    },

    async readFrame(roundId, chunks) {
      // One GetItem per chunk, several in flight: a BatchGet of 70 chunks of 300 KB would pass
      // DynamoDB's 16 MB answer limit and come back in unprocessed rounds.
      const texts: string[] = new Array(chunks);
      await pool(
        Array.from({ length: chunks }, (_, index) => index),
        PARALLEL_READS,
        async (index) => {
          const { Item } = await doc.send(new GetCommand({ TableName: table, Key: keys.roundFrameChunk(roundId, index), ConsistentRead: true }));
          if (!Item) throw new Error(`frame of round ${roundId}: chunk ${index} of ${chunks} missing`);
          texts[index] = String(Item.lines);
        },
      );
      return texts.flatMap(parseLines);
    },

    async stripFrame(roundId, chunks) {
      await pool(
        Array.from({ length: chunks }, (_, index) => index),
        PARALLEL_READS,
        async (index) => {
          const { Item } = await doc.send(new GetCommand({ TableName: table, Key: keys.roundFrameChunk(roundId, index), ConsistentRead: true }));
          if (!Item) return;
          const lines = parseLines(String(Item.lines))
            .map(({ stratum, entryId, unitId }) => `${stratum}\t${entryId}\t${unitId}\t\t\n`)
            .join('');
          await doc.send(new PutCommand({ TableName: table, Item: { ...keys.roundFrameChunk(roundId, index), kind: 'round-frame', lines } }));
        },
      );
    },

    async stagedPartitions(roundId, jobId) {
      const markers = await queryPrefix(keys.roundStagePartition(roundId, jobId), 'M#', 'sk');
      return new Set(markers.map((item) => String(item.sk).slice(2)));
    },

    async writeStage(roundId, jobId, { unitId, month }, stage, expiresAt) {
      const chunks = chunked(stage.candidates.map(candidateLine));
      const writer = randomBytes(6).toString('hex');
      await pool(
        chunks.map((lines, index) => ({ lines, index })),
        PARALLEL_WRITES,
        async ({ lines, index }) => {
          await doc.send(new PutCommand({ TableName: table, Item: { ...keys.roundStageChunk(roundId, jobId, unitId, month, writer, index), kind: 'round-stage', lines, expiresAt } }));
        },
      );
      // Last: the marker names the writer whose chunks are the month (a later writer's marker replaces it whole).
      const marker = { ...keys.roundStageMarker(roundId, jobId, unitId, month), kind: 'round-stage', writer, chunks: chunks.length, matched: stage.matched, withoutMobile: stage.withoutMobile, expiresAt };
      await doc.send(new PutCommand({ TableName: table, Item: marker }));
    },

    async releaseMerge(roundId, holder) {
      try {
        await doc.send(new DeleteCommand({ TableName: table, Key: keys.roundMergeLease(roundId), ConditionExpression: 'holder = :holder', ExpressionAttributeValues: { ':holder': holder } }));
      } catch (error) {
        if (!(error instanceof Error && error.name === 'ConditionalCheckFailedException')) throw error;
      }
    },

    async deleteStages(roundId, jobId) {
      const partition = keys.roundStagePartition(roundId, jobId);
      const items = await query(partition, { projection: 'sk' });
      await pool(items, PARALLEL_WRITES, async (item) => {
        await doc.send(new DeleteCommand({ TableName: table, Key: { pk: partition, sk: item.sk } }));
      });
    },

    async leaseMerge(roundId, holder, now, leaseMs) {
      try {
        await doc.send(
          new PutCommand({
            TableName: table,
            Item: { ...keys.roundMergeLease(roundId), kind: 'round-merge-lease', holder, leaseUntil: new Date(now.getTime() + leaseMs).toISOString(), expiresAt: Math.ceil((now.getTime() + 86_400_000) / 1000) },
            ConditionExpression: 'attribute_not_exists(pk) OR leaseUntil < :now',
            ExpressionAttributeValues: { ':now': now.toISOString() },
          }),
        );
        return true;
      } catch (error) {
        if (error instanceof Error && error.name === 'ConditionalCheckFailedException') return false;
        throw error;
      }
    },

    async *readStages(roundId, jobId, except = new Set()) {
      const partition = keys.roundStagePartition(roundId, jobId);
      // A unit month staged twice (two calls at once, or a call cut short and repeated) leaves the
      // chunks of two writers: only those of the writer its marker names, up to its count, are read.
      const writtenBy = new Map<string, { writer: string; chunks: number }>();
      for (const marker of await queryPrefix(partition, 'M#')) {
        if (except.has(String(marker.sk).slice(2))) continue;
        writtenBy.set(String(marker.sk).slice(2), { writer: String(marker.writer), chunks: Number(marker.chunks) });
        yield { matched: Number(marker.matched), withoutMobile: Number(marker.withoutMobile), candidates: [] };
      }
      const pages = paginateQuery(
        { client: doc },
        { TableName: table, KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)', ExpressionAttributeValues: { ':pk': partition, ':prefix': 'D#' }, ConsistentRead: true },
      );
      for await (const page of pages) {
        const candidates: FrameCandidate[] = [];
        for (const chunk of page.Items ?? []) {
          // D#{unitId}#{month}#{writer}#{index}: the last two fields from the end (a unit id may hold '#').
          const sk = String(chunk.sk).slice(2);
          const indexCut = sk.lastIndexOf('#');
          const writerCut = sk.lastIndexOf('#', indexCut - 1);
          const month = writtenBy.get(sk.slice(0, writerCut));
          if (month && sk.slice(writerCut + 1, indexCut) === month.writer && Number(sk.slice(indexCut + 1)) < month.chunks) parseCandidates(String(chunk.lines), candidates);
        }
        yield { matched: 0, withoutMobile: 0, candidates };
      }
    },

    async writeSample(roundId, entries) {
      await pool([...entries], PARALLEL_PUTS, async (entry) => {
        try {
          await doc.send(
            new PutCommand({
              TableName: table,
              Item: { ...keys.roundSample(roundId, entry.stratum, entry.entryId), kind: 'round-sample', ...entry, state: 'drawn' },
              ConditionExpression: 'attribute_not_exists(pk)',
            }),
          );
        } catch (error) {
          if (!(error instanceof Error && error.name === 'ConditionalCheckFailedException')) throw error;
        }
      });
    },

    async readSample(roundId) {
      const items = await query(keys.roundSamplePartition(roundId));
      return items.map((item) => ({
        stratum: String(item.stratum),
        entryId: String(item.entryId),
        unitId: String(item.unitId),
        contactId: String(item.contactId),
        phoneKey: String(item.phoneKey),
      }));
    },
  };
  return store;
}
