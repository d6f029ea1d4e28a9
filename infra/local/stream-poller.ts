import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  ExpiredIteratorException,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type Shard,
  type _Record,
} from '@aws-sdk/client-dynamodb-streams';
import type { StreamRecordLike } from '../../functions/src/data/rollups/stream-records.js';

export interface StreamPollerOptions {
  /** DynamoDB Local. */
  endpoint: string;
  table: string;
  /** What Lambda's event source mapping would invoke with one shard's batch, in order. */
  apply: (records: StreamRecordLike[]) => Promise<unknown>;
  /** Records per batch; GetRecords returns at most 1,000. */
  batchSize?: number;
  /** Background polling interval (start()). */
  intervalMs?: number;
  log?: (line: string) => void;
}

export interface StreamPoller {
  /**
   * One pass over every shard, parents before children: read each to its current end and hand
   * each batch to `apply`. When `apply` throws, the shard's position stays where it was, so the
   * next pass delivers the same batch again (as Lambda retries), and the error is thrown.
   * Returns how many records were applied.
   */
  poll(): Promise<number>;
  /** Passes until one finds nothing new: everything written so far is in the rollups. */
  drain(): Promise<number>;
  /** Poll in the background every intervalMs (npm start); a failed pass is logged and retried. */
  start(): void;
  /** Read every shard again from its oldest record: a redelivery of all the stream holds. */
  rewind(): void;
  stop(): Promise<void>;
}

interface ShardState {
  parent: string | undefined;
  iterator: string | undefined;
  /** The last record applied: where a fresh iterator resumes after an expired one. */
  after: string | undefined;
  closed: boolean;
}

/**
 * The local stand-in for Lambda's DynamoDB stream event source mapping: reads DynamoDB Local's
 * stream of one table and calls the same consumer code the Lambda runs (decision 0031). One
 * poller per table; passes never overlap.
 */
export function createStreamPoller(options: StreamPollerOptions): StreamPoller {
  const config = { endpoint: options.endpoint, region: 'local', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } };
  const dynamo = new DynamoDBClient(config);
  const streams = new DynamoDBStreamsClient(config);
  const limit = Math.min(1000, Math.max(1, options.batchSize ?? 1000));
  const shards = new Map<string, ShardState>();
  let streamArn: string | undefined;
  let running: Promise<number> = Promise.resolve(0);
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;

  async function arn(): Promise<string> {
    if (streamArn) return streamArn;
    const { Table } = await dynamo.send(new DescribeTableCommand({ TableName: options.table }));
    if (!Table?.LatestStreamArn) throw new Error(`table ${options.table} has no stream`);
    return (streamArn = Table.LatestStreamArn);
  }

  async function discover(): Promise<void> {
    const StreamArn = await arn();
    let ExclusiveStartShardId: string | undefined;
    do {
      const { StreamDescription } = await streams.send(new DescribeStreamCommand({ StreamArn, ExclusiveStartShardId }));
      for (const shard of StreamDescription?.Shards ?? ([] as Shard[])) {
        if (!shard.ShardId || shards.has(shard.ShardId)) continue;
        shards.set(shard.ShardId, { parent: shard.ParentShardId, iterator: undefined, after: undefined, closed: false });
      }
      ExclusiveStartShardId = StreamDescription?.LastEvaluatedShardId;
    } while (ExclusiveStartShardId);
  }

  async function iteratorOf(shardId: string, state: ShardState): Promise<string> {
    const { ShardIterator } = await streams.send(
      new GetShardIteratorCommand({
        StreamArn: await arn(),
        ShardId: shardId,
        ...(state.after ? { ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', SequenceNumber: state.after } : { ShardIteratorType: 'TRIM_HORIZON' }),
      }),
    );
    if (!ShardIterator) throw new Error(`no iterator for shard ${shardId}`);
    return ShardIterator;
  }

  async function readShard(shardId: string, state: ShardState): Promise<number> {
    let applied = 0;
    for (;;) {
      state.iterator ??= await iteratorOf(shardId, state);
      let records: _Record[];
      let next: string | undefined;
      try {
        const page = await streams.send(new GetRecordsCommand({ ShardIterator: state.iterator, Limit: limit }));
        records = page.Records ?? [];
        next = page.NextShardIterator;
      } catch (error) {
        if (!(error instanceof ExpiredIteratorException)) throw error;
        state.iterator = undefined;
        continue;
      }
      if (records.length > 0) {
        // Throws before the position moves: the next pass reads this batch again.
        await options.apply(records as StreamRecordLike[]);
        applied += records.length;
        state.after = records.at(-1)!.dynamodb?.SequenceNumber ?? state.after;
      }
      state.iterator = next;
      if (!next) {
        state.closed = true;
        return applied;
      }
      if (records.length === 0) return applied;
    }
  }

  let discovered = 0;
  async function pass(): Promise<number> {
    // New shards appear rarely (DynamoDB rolls them every few hours): look every 10 s, and whenever none is open.
    if (Date.now() - discovered > 10_000 || ![...shards.values()].some((state) => !state.closed)) {
      await discover();
      discovered = Date.now();
    }
    let applied = 0;
    for (const [shardId, state] of shards) {
      if (state.closed) continue;
      // A child shard waits for its parent (Lambda does the same): a partition's records stay in order.
      const parent = state.parent ? shards.get(state.parent) : undefined;
      if (parent && !parent.closed) continue;
      applied += await readShard(shardId, state);
    }
    return applied;
  }

  function serial(): Promise<number> {
    const next = running.catch(() => 0).then(pass);
    running = next;
    return next;
  }

  const poller: StreamPoller = {
    poll: serial,
    async drain() {
      // A drain must see every shard there is, however recently opened.
      discovered = 0;
      let total = 0;
      for (;;) {
        const applied = await serial();
        total += applied;
        if (applied === 0) return total;
      }
    },
    start() {
      const tick = () => {
        if (stopped) return;
        // One pass every interval, backlog or not, as the event source mapping gathers a batch for
        // up to its batching window: the database serves the ratings between passes.
        serial()
          .catch((error: unknown) => options.log?.(`rollups: a stream batch failed and will be read again: ${error instanceof Error ? error.message : String(error)}`))
          .finally(() => {
            if (!stopped) timer = setTimeout(tick, options.intervalMs ?? 500);
          });
      };
      tick();
    },
    rewind() {
      for (const state of shards.values()) Object.assign(state, { iterator: undefined, after: undefined, closed: false });
      discovered = 0;
    },
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running.catch(() => 0);
      dynamo.destroy();
      streams.destroy();
    },
  };
  return poller;
}
