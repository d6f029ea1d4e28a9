import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { GetCommand, paginateQuery, PutCommand, TransactWriteCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { RoundState } from '#shared/domain/sampling/round-state.js';
import type { FrameRecord } from '#shared/domain/sampling/frame.js';
import { batchGetItems } from './batch-get.js';
import { keys } from './keys.js';
import { pool } from './pool.js';

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
  frozenAt?: string;
  frozenBy?: string;
  publicInput?: string;
  allocation?: { method: string; total: number; priors?: Record<string, number> };
  drawnAt?: string;
  drawnBy?: string;
  drawn?: number;
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
  writeFrame(roundId: string, entries: readonly StoredFrameEntry[]): Promise<number>;
  readFrame(roundId: string, chunks: number): Promise<StoredFrameEntry[]>;
  /** On close: the frame's lines keep stratum, entry id and unit; the contact and the pseudonym go. Same chunks. */
  stripFrame(roundId: string, chunks: number): Promise<void>;
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

const RECORD_FIELDS = ['unitId', 'projNo', 'windowCode', 'serviceItem', 'servedVia', 'applicantType', 'day', 'finishedAt', 'phoneKey', 'contactId', 'storedAt'] as const;
const RECORD_PROJECTION = RECORD_FIELDS.map((_, index) => `#f${index}`).join(', ');
const RECORD_NAMES = Object.fromEntries(RECORD_FIELDS.map((field, index) => [`#f${index}`, field]));

function strip(item: Record<string, unknown>): RoundRecord {
  const { pk: _pk, sk: _sk, kind: _kind, ...round } = item;
  return round as unknown as RoundRecord;
}

export function createRoundStore(doc: DynamoDBDocumentClient, table: string): RoundStore {
  /** Many items, each its own PutItem (the routes hold no BatchWriteItem grant), 16 in flight. */
  async function putAll(items: Record<string, unknown>[]): Promise<void> {
    await pool(items, PARALLEL_PUTS, async (Item) => {
      await doc.send(new PutCommand({ TableName: table, Item }));
    });
  }

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
      const fields = Object.entries({ ...patch, updatedAt: patch.updatedAt ?? new Date().toISOString() }).filter(([, value]) => value !== undefined);
      const names: Record<string, string> = { '#state': 'state' };
      const values: Record<string, unknown> = {};
      from.forEach((state, index) => (values[`:from${index}`] = state));
      const sets = fields.map(([field, value], index) => {
        names[`#u${index}`] = field;
        values[`:u${index}`] = value;
        return `#u${index} = :u${index}`;
      });
      try {
        const { Attributes } = await doc.send(
          new UpdateCommand({
            TableName: table,
            Key: keys.round(roundId),
            UpdateExpression: `SET ${sets.join(', ')}`,
            ConditionExpression: `attribute_exists(pk) AND #state IN (${from.map((_, index) => `:from${index}`).join(', ')})`,
            ExpressionAttributeNames: names,
            ExpressionAttributeValues: values,
            ReturnValues: 'ALL_NEW',
            ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          }),
        );
        return strip(Attributes!);
      } catch (error) {
        if (error instanceof Error && error.name === 'ConditionalCheckFailedException') {
          // ALL_OLD comes back in DynamoDB's attribute-value form ({ state: { S: 'sending' } }).
          const old = (error as { Item?: Record<string, { S?: string } | undefined> }).Item;
          throw new RoundStateError(old ? (old.state?.S as RoundState | undefined) : (await store.get(roundId))?.state);
        }
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
      const chunks: string[] = [];
      let current = '';
      let bytes = 0;
      for (const entry of entries) {
        const text = line(entry);
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

    async writeSample(roundId, entries) {
      await putAll(entries.map((entry) => ({ ...keys.roundSample(roundId, entry.stratum, entry.entryId), kind: 'round-sample', ...entry, state: 'drawn' })));
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
