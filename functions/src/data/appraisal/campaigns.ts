import { gunzipSync, gzipSync } from 'node:zlib';
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { TransactWriteCommand, GetCommand, paginateQuery, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { TallyDetail } from '#shared/domain/appraisal/tally.js';
import type { CampaignKind, CampaignState, SubjectType } from '#shared/domain/appraisal/campaign.js';
import type { TallyRules } from '#shared/domain/appraisal/pack.js';
import { batchGetItems } from '../batch-get.js';
import { keys } from '../keys.js';
import { StateMismatch, updateIfState } from '../state-update.js';

/**
 * 民主评议 campaigns (issue 14 §1; ACCESS_PATTERNS.md AP1–AP3). The campaign is one item whose
 * `state` every step moves by a conditional update, and a listing item per unit. Subjects carry
 * the name they had when the campaign was configured: the ballot, the tally pack and the results
 * show who was appraised then, whatever the staff list says later.
 */
export interface CampaignRecord {
  campaignId: string;
  unitId: string;
  name: string;
  year: number;
  kind: CampaignKind;
  state: CampaignState;
  round: number;
  subjects: { id: string; type: SubjectType; refId: string; name: string; graded: boolean }[];
  groups: { id: string; name: string; weightPct: number; ballots: number }[];
  indicators: { id: string; name: string; weightPct: number }[];
  scale: { option: string; score: number | null }[];
  rules: TallyRules;
  createdAt: string;
  createdBy: string;
  updatedAt: string;
  /** Codes issued per group id, at 开放 (and re-issue). */
  issued?: Record<string, number>;
  openedAt?: string;
  openedBy?: string;
  closedAt?: string;
  closedBy?: string;
  countedAt?: string;
  countedBy?: string;
  publishedAt?: string;
  publishedBy?: string;
  /** The earlier rounds, voted again (重新投票): each stays as it was, its ballots, tally and grades kept under its round. */
  superseded?: SupersededRound[];
}

/** A round voted again: how far it got, why it is superseded, by whom and when. */
export interface SupersededRound {
  round: number;
  /** The state it was in: 已截止, 已计票 or 已评定. */
  state: CampaignState;
  issued: Record<string, number>;
  /** Ballots returned per group, when it was counted. */
  returned?: Record<string, number>;
  /** Whether its count was void, and why (returned-exceeds-issued:{group}, quorum:{group}), when counted. */
  void?: boolean;
  reasons?: string[];
  /** Why it is voted again, in the administrator's words. */
  reason: string;
  at: string;
  by: string;
}

/** 组织评定: the committee's grade of one subject, with the reason when it differs from the proposal. */
export interface FinalGrade {
  subjectId: string;
  grade: string;
  reason?: string;
  by: string;
  at: string;
}

/** A counted round: the tally of its ballot box and when it was counted. */
export interface StoredTally {
  countedAt: string;
  detail: TallyDetail;
}

/** The campaign was not in one of the states a step starts from (or does not exist). */
export class CampaignStateError extends Error {
  override name = 'CampaignStateError';
  constructor(readonly current: CampaignState | undefined) {
    super(current ? `campaign is ${current}` : 'no such campaign');
  }
}

export interface CampaignStore {
  create(campaign: CampaignRecord): Promise<void>;
  get(campaignId: string): Promise<CampaignRecord | undefined>;
  listUnit(unitId: string): Promise<CampaignRecord[]>;
  /** Keep a round's tally (written once, when the round is counted). */
  putTally(campaignId: string, round: number, tally: StoredTally): Promise<void>;
  getTally(campaignId: string, round: number): Promise<StoredTally | undefined>;
  /** Record a subject's final grade, if the campaign is still counted or graded (not published): else CampaignStateError. */
  putGrade(campaignId: string, round: number, grade: FinalGrade): Promise<void>;
  grades(campaignId: string, round: number): Promise<FinalGrade[]>;
  /** Set `patch` (and updatedAt), remove `remove`, if the campaign is in one of `from`; the campaign as it is now. */
  transition(campaignId: string, from: readonly CampaignState[], patch: Partial<CampaignRecord>, remove?: readonly (keyof CampaignRecord)[]): Promise<CampaignRecord>;
}

function strip(item: Record<string, unknown>): CampaignRecord {
  const { pk: _pk, sk: _sk, kind: _kind, campaignKind, ...rest } = item;
  return { ...rest, kind: campaignKind } as unknown as CampaignRecord;
}

/** `kind` names the item type in the table (as everywhere); the campaign's kind is stored as `campaignKind`. */
function item(campaign: Partial<CampaignRecord>): Record<string, unknown> {
  const { kind, ...rest } = campaign;
  return { ...rest, ...(kind ? { campaignKind: kind } : {}) };
}

export function createCampaignStore(doc: DynamoDBDocumentClient, table: string): CampaignStore {
  const store: CampaignStore = {
    async create(campaign) {
      await doc.send(
        new TransactWriteCommand({
          TransactItems: [
            { Put: { TableName: table, Item: { ...keys.campaign(campaign.campaignId), kind: 'campaign', ...item(campaign) }, ConditionExpression: 'attribute_not_exists(pk)' } },
            { Put: { TableName: table, Item: { ...keys.campaignListing(campaign.unitId, campaign.campaignId), kind: 'campaign-listing', campaignId: campaign.campaignId } } },
          ],
        }),
      );
    },

    async get(campaignId) {
      const { Item } = await doc.send(new GetCommand({ TableName: table, Key: keys.campaign(campaignId), ConsistentRead: true }));
      return Item ? strip(Item) : undefined;
    },

    async putGrade(campaignId, round, grade) {
      try {
        await doc.send(
          new TransactWriteCommand({
            TransactItems: [
              {
                ConditionCheck: {
                  TableName: table,
                  Key: keys.campaign(campaignId),
                  ConditionExpression: '#state IN (:tallied, :graded) AND #round = :round',
                  ExpressionAttributeNames: { '#state': 'state', '#round': 'round' },
                  ExpressionAttributeValues: { ':tallied': 'tallied', ':graded': 'graded', ':round': round },
                },
              },
              { Put: { TableName: table, Item: { ...keys.campaignGrade(campaignId, round, grade.subjectId), kind: 'campaign-grade', ...grade } } },
            ],
          }),
        );
      } catch (error) {
        if (error instanceof TransactionCanceledException && error.CancellationReasons?.[0]?.Code === 'ConditionalCheckFailed') {
          throw new CampaignStateError((await store.get(campaignId))?.state);
        }
        throw error;
      }
    },

    async grades(campaignId, round) {
      const { pk, prefix } = keys.campaignGradesOfRound(campaignId, round);
      const found: FinalGrade[] = [];
      const pages = paginateQuery(
        { client: doc },
        { TableName: table, KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)', ExpressionAttributeValues: { ':pk': pk, ':prefix': prefix }, ConsistentRead: true },
      );
      for await (const page of pages) {
        for (const item of page.Items ?? []) {
          const { subjectId, grade, reason, by, at } = item as Record<string, string>;
          found.push({ subjectId: subjectId!, grade: grade!, ...(reason ? { reason } : {}), by: by!, at: at! });
        }
      }
      return found;
    },

    async putTally(campaignId, round, tally) {
      const detail = gzipSync(JSON.stringify(tally.detail));
      await doc.send(new PutCommand({ TableName: table, Item: { ...keys.campaignTally(campaignId, round), kind: 'campaign-tally', countedAt: tally.countedAt, detail } }));
    },

    async getTally(campaignId, round) {
      const { Item } = await doc.send(new GetCommand({ TableName: table, Key: keys.campaignTally(campaignId, round), ConsistentRead: true }));
      if (!Item) return undefined;
      return { countedAt: String(Item.countedAt), detail: JSON.parse(gunzipSync(Item.detail as Uint8Array).toString('utf8')) as TallyDetail };
    },

    async listUnit(unitId) {
      const ids: string[] = [];
      const pages = paginateQuery(
        { client: doc },
        {
          TableName: table,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': keys.campaignListingPartition(unitId) },
          ProjectionExpression: 'campaignId',
          ConsistentRead: true,
        },
      );
      for await (const page of pages) for (const listed of page.Items ?? []) ids.push(String(listed.campaignId));
      const found = await batchGetItems(doc, table, ids.map((id) => keys.campaign(id)), { consistent: true });
      return found.map(strip);
    },

    async transition(campaignId, from, patch, remove = []) {
      try {
        const updated = await updateIfState(
          doc,
          table,
          keys.campaign(campaignId),
          from,
          item({ ...patch, updatedAt: patch.updatedAt ?? new Date().toISOString() }),
          async () => (await store.get(campaignId))?.state,
          remove,
        );
        return strip(updated);
      } catch (error) {
        if (error instanceof StateMismatch) throw new CampaignStateError(error.current as CampaignState | undefined);
        throw error;
      }
    },
  };
  return store;
}
