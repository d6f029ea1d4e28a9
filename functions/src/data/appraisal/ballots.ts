import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { GetCommand, paginateQuery, PutCommand, TransactWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { keys } from '../keys.js';
import { pool } from '../pool.js';

/**
 * Ballot codes and the ballot box of 民主评议 (decision 0027; ACCESS_PATTERNS.md AP5–AP8). A code
 * is stored only as its keyed hash, in the ops table, with its campaign, round, group and state; a
 * ballot only as its group and choices, in the ballot table, under a random key in one of
 * BALLOT_SHARDS partitions. The two share no key, no time and no order: casting is one transaction
 * that marks the code used and puts the ballot, and nothing else joins them.
 */
export const BALLOT_SHARDS = 8;

export interface BallotCode {
  campaignId: string;
  round: number;
  group: string;
  state: 'unused' | 'used';
}

export interface StoredBallot {
  group: string;
  choices: Record<string, Record<string, string>>;
}

/**
 * Why a code cannot cast: unknown (no such code, or another campaign's), already used, its campaign
 * not open, its round voted again (superseded), or the caller past its limit of unknown codes.
 */
export class CodeRefused extends Error {
  override name = 'CodeRefused';
  constructor(readonly reason: 'unknown' | 'used' | 'closed' | 'superseded' | 'throttled') {
    super(`ballot code ${reason}`);
  }
}

export interface BallotStore {
  /** Store a group's codes (their keyed hashes), each created once. */
  issueCodes(codes: readonly { mac: string; campaignId: string; round: number; group: string }[]): Promise<void>;
  code(mac: string): Promise<BallotCode | undefined>;
  /**
   * One transaction: the code from unused to used (if it is this campaign round's), the campaign
   * still open in this round, the ballot put under `key` in partition `shard`. All or nothing.
   */
  cast(
    mac: string,
    campaign: { campaignId: string; round: number },
    ballot: StoredBallot,
    placement: { key: string; shard: number },
    /** The caller's counter of unknown codes, checked in the same transaction: below `limit`, or nothing is written. */
    admission?: { counter: { pk: string; sk: string }; limit: number },
  ): Promise<void>;
  // (The code must be the campaign round's and of the ballot's group: a code of another group casts nothing.)
  /** Every ballot of a campaign round, a page at a time, partition after partition. */
  ballots(campaignId: string, round: number): AsyncIterable<StoredBallot[]>;
}

export function createBallotStore(doc: DynamoDBDocumentClient, tables: { ops: string; ballots: string }): BallotStore {
  return {
    async issueCodes(codes) {
      await pool([...codes], 16, async ({ mac, campaignId, round, group }) => {
        await doc.send(
          new PutCommand({
            TableName: tables.ops,
            Item: { ...keys.ballotCode(mac), kind: 'ballot-code', campaignId, round, group, state: 'unused' },
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
        );
      });
    },

    async code(mac) {
      const { Item } = await doc.send(new GetCommand({ TableName: tables.ops, Key: keys.ballotCode(mac), ConsistentRead: true }));
      return Item ? { campaignId: String(Item.campaignId), round: Number(Item.round), group: String(Item.group), state: Item.state === 'used' ? 'used' : 'unused' } : undefined;
    },

    async cast(mac, campaign, ballot, placement, admission) {
      try {
        await doc.send(
          new TransactWriteCommand({
            TransactItems: [
              {
                Update: {
                  TableName: tables.ops,
                  Key: keys.ballotCode(mac),
                  UpdateExpression: 'SET #state = :used',
                  ConditionExpression: '#state = :unused AND campaignId = :campaign AND #round = :round AND #group = :group',
                  ExpressionAttributeNames: { '#state': 'state', '#round': 'round', '#group': 'group' },
                  ExpressionAttributeValues: { ':used': 'used', ':unused': 'unused', ':campaign': campaign.campaignId, ':round': campaign.round, ':group': ballot.group },
                  ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
                },
              },
              {
                ConditionCheck: {
                  TableName: tables.ops,
                  Key: keys.campaign(campaign.campaignId),
                  ConditionExpression: '#state = :open AND #round = :round',
                  ExpressionAttributeNames: { '#state': 'state', '#round': 'round' },
                  ExpressionAttributeValues: { ':open': 'open', ':round': campaign.round },
                },
              },
              ...(admission
                ? [
                    {
                      ConditionCheck: {
                        TableName: tables.ops,
                        Key: admission.counter,
                        ConditionExpression: 'attribute_not_exists(n) OR n < :limit',
                        ExpressionAttributeValues: { ':limit': admission.limit },
                      },
                    },
                  ]
                : []),
              {
                Put: {
                  TableName: tables.ballots,
                  Item: { pk: keys.ballotPartition(campaign.campaignId, campaign.round, placement.shard), sk: placement.key, group: ballot.group, choices: ballot.choices },
                  ConditionExpression: 'attribute_not_exists(pk)',
                },
              },
            ],
          }),
        );
      } catch (error) {
        if (!(error instanceof TransactionCanceledException)) throw error;
        const reasons = error.CancellationReasons ?? [];
        const [code, open] = reasons;
        if (admission && reasons[2]?.Code === 'ConditionalCheckFailed') throw new CodeRefused('throttled');
        if (code?.Code === 'ConditionalCheckFailed') {
          // Used only if it is this campaign round's and group's: anything else is not a code of this ballot.
          const old = code.Item;
          const ours = old?.campaignId?.S === campaign.campaignId && old?.round?.N === String(campaign.round) && old?.group?.S === ballot.group;
          // A code of this campaign's earlier round: its round was voted again.
          const earlier = old?.campaignId?.S === campaign.campaignId && Number(old?.round?.N) < campaign.round;
          throw new CodeRefused(earlier ? 'superseded' : ours && old?.state?.S === 'used' ? 'used' : 'unknown');
        }
        if (open?.Code === 'ConditionalCheckFailed') throw new CodeRefused('closed');
        throw error;
      }
    },

    async *ballots(campaignId, round) {
      for (let shard = 0; shard < BALLOT_SHARDS; shard++) {
        const pages = paginateQuery(
          { client: doc },
          {
            TableName: tables.ballots,
            KeyConditionExpression: 'pk = :pk',
            ExpressionAttributeValues: { ':pk': keys.ballotPartition(campaignId, round, shard) },
            ProjectionExpression: '#group, choices',
            ExpressionAttributeNames: { '#group': 'group' },
            ConsistentRead: true,
          },
        );
        for await (const page of pages) {
          const items = page.Items ?? [];
          if (items.length) yield items.map((item) => ({ group: String(item.group), choices: item.choices as StoredBallot['choices'] }));
        }
      }
    },
  };
}
