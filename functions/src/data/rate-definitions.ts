import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { GetCommand, QueryCommand, TransactWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { RatingLevel } from '#shared/domain/rating-level.js';
import type { UpheldAppeals } from '#shared/domain/report-definitions.js';
import { keys } from './keys.js';

/** A stored local rate definition set: which levels count as 好评 and as 满意. Never changed once stored. */
export interface StoredRateDefinition {
  id: string;
  name: string;
  goodLevels: RatingLevel[];
  satisfiedLevels: RatingLevel[];
  /** 申诉成立; absent on a set stored before the option (it counted them then, and a set never changes). */
  upheldAppeals: UpheldAppeals;
  createdAt: string;
  createdBy: string;
}

/** A definition with this id exists already (definitions are immutable: a change is a new id). */
export class RateDefinitionExistsError extends Error {
  override name = 'RateDefinitionExistsError';
}

export interface RateDefinitionStore {
  get(id: string): Promise<StoredRateDefinition | undefined>;
  /** Every stored definition, by id (a registry holds a handful). */
  list(): Promise<StoredRateDefinition[]>;
  /** Store a new definition and its listing item in one transaction; RateDefinitionExistsError if the id is taken. */
  create(definition: StoredRateDefinition): Promise<void>;
}

function toDefinition(item: Record<string, unknown>): StoredRateDefinition {
  return {
    id: String(item.id),
    name: String(item.name),
    goodLevels: (item.goodLevels as number[]).map(Number) as RatingLevel[],
    satisfiedLevels: (item.satisfiedLevels as number[]).map(Number) as RatingLevel[],
    upheldAppeals: item.upheldAppeals === 'excluded' ? 'excluded' : 'counted',
    createdAt: String(item.createdAt),
    createdBy: String(item.createdBy),
  };
}

export function createRateDefinitionStore(doc: DynamoDBDocumentClient, table: string): RateDefinitionStore {
  return {
    async get(id) {
      const { Item } = await doc.send(new GetCommand({ TableName: table, Key: keys.rateDefinition(id) }));
      return Item ? toDefinition(Item) : undefined;
    },

    async list() {
      const found: StoredRateDefinition[] = [];
      let ExclusiveStartKey: Record<string, unknown> | undefined;
      do {
        const page = await doc.send(
          new QueryCommand({
            TableName: table,
            KeyConditionExpression: 'pk = :pk',
            ExpressionAttributeValues: { ':pk': keys.rateDefinitionListingPartition() },
            ExclusiveStartKey,
          }),
        );
        found.push(...(page.Items ?? []).map(toDefinition));
        ExclusiveStartKey = page.LastEvaluatedKey;
      } while (ExclusiveStartKey);
      return found;
    },

    async create(definition) {
      const put = (key: { pk: string; sk: string }, kind: string) => ({
        Put: { TableName: table, Item: { ...key, kind, ...definition }, ConditionExpression: 'attribute_not_exists(pk)' },
      });
      try {
        await doc.send(
          new TransactWriteCommand({
            TransactItems: [put(keys.rateDefinition(definition.id), 'rate-definition'), put(keys.rateDefinitionListing(definition.id), 'rate-definition-listing')],
          }),
        );
      } catch (error) {
        if (error instanceof TransactionCanceledException && (error.CancellationReasons ?? []).some((r) => r.Code === 'ConditionalCheckFailed')) {
          throw new RateDefinitionExistsError(`rate definition ${definition.id} exists`, { cause: error });
        }
        throw error;
      }
    },
  };
}
