import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, GetCommand, PutCommand, QueryCommand, TransactWriteCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { SurveyQuestion, SurveyVersionState } from '#shared/domain/survey-version.js';
import { keys } from './keys.js';

/** One version of a unit's own questionnaire section (问卷版本). */
export interface SurveyVersionRecord {
  surveyId: string;
  unitId: string;
  version: number;
  state: SurveyVersionState;
  title: string;
  questions: SurveyQuestion[];
  createdAt: string;
  createdBy: string;
  publishedAt?: string;
  retiredAt?: string;
  /** Counts the edits of a draft, so that publishing copies exactly the content it checked. */
  revision: number;
}

/** The version a unit's windows show: a copy of an immutable published version, one read per unit. */
export type CurrentSection = Pick<SurveyVersionRecord, 'surveyId' | 'unitId' | 'version' | 'title' | 'questions'>;

/** A conditional write found the version in another state than the use case expected. */
export class SurveyVersionStateError extends Error {
  override name = 'SurveyVersionStateError';
}

/** Another version with this number exists (two drafts started at once). */
export class SurveyVersionExistsError extends Error {
  override name = 'SurveyVersionExistsError';
}

export interface SurveyStore {
  listVersions(unitId: string): Promise<SurveyVersionRecord[]>;
  getVersion(unitId: string, version: number): Promise<SurveyVersionRecord | undefined>;
  /** Any version of any survey, for validating what a rating answered. */
  getVersionById(surveyId: string, version: number): Promise<SurveyVersionRecord | undefined>;
  createDraft(draft: SurveyVersionRecord): Promise<void>;
  updateDraft(unitId: string, version: number, content: { title: string; questions: SurveyQuestion[] }): Promise<SurveyVersionRecord>;
  /** draft → published, and the unit's windows show it, in one transaction. */
  publish(unitId: string, version: number, at: string): Promise<SurveyVersionRecord>;
  /**
   * published → retired. `next` is what the unit's windows show afterwards: another published
   * version, `null` for none, `undefined` to leave the current one (a superseded version was retired).
   */
  retire(unitId: string, version: number, at: string, next: CurrentSection | null | undefined): Promise<SurveyVersionRecord>;
  /** The current section of each unit that has one (BatchGet of one item per unit). */
  currentForUnits(unitIds: readonly string[]): Promise<Map<string, CurrentSection>>;
}

function strip(item: Record<string, unknown>): SurveyVersionRecord {
  const { pk: _pk, sk: _sk, kind: _kind, ...rest } = item;
  return rest as unknown as SurveyVersionRecord;
}

const section = (v: CurrentSection): CurrentSection => ({ surveyId: v.surveyId, unitId: v.unitId, version: v.version, title: v.title, questions: v.questions });

/** `agency-{unitId}` → unitId (see agencySurveyId). */
const unitOfSurvey = (surveyId: string) => (surveyId.startsWith('agency-') ? surveyId.slice('agency-'.length) : undefined);

export function createSurveyStore(doc: DynamoDBDocumentClient, table: string): SurveyStore {
  function isConditionFailure(error: unknown): boolean {
    if (error instanceof TransactionCanceledException) return (error.CancellationReasons ?? []).some((r) => r.Code === 'ConditionalCheckFailed');
    return error instanceof Error && error.name === 'ConditionalCheckFailedException';
  }

  async function getVersion(unitId: string, version: number) {
    const { Item } = await doc.send(new GetCommand({ TableName: table, Key: keys.surveyVersion(unitId, version), ConsistentRead: true }));
    return Item ? strip(Item) : undefined;
  }

  async function mustGet(unitId: string, version: number) {
    const found = await getVersion(unitId, version);
    if (!found) throw new SurveyVersionStateError(`survey ${unitId} v${version} vanished`);
    return found;
  }

  return {
    async listVersions(unitId) {
      const versions: SurveyVersionRecord[] = [];
      let ExclusiveStartKey: Record<string, unknown> | undefined;
      do {
        const page = await doc.send(
          new QueryCommand({
            TableName: table,
            KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
            ExpressionAttributeValues: { ':pk': keys.surveyPartition(unitId), ':prefix': 'VERSION#' },
            ScanIndexForward: false,
            ConsistentRead: true,
            ExclusiveStartKey,
          }),
        );
        versions.push(...(page.Items ?? []).map(strip));
        ExclusiveStartKey = page.LastEvaluatedKey;
      } while (ExclusiveStartKey);
      return versions;
    },

    getVersion,

    async getVersionById(surveyId, version) {
      const unitId = unitOfSurvey(surveyId);
      return unitId ? getVersion(unitId, version) : undefined;
    },

    async createDraft(draft) {
      try {
        await doc.send(
          new PutCommand({
            TableName: table,
            Item: { ...keys.surveyVersion(draft.unitId, draft.version), kind: 'survey-version', ...draft },
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
        );
      } catch (error) {
        if (isConditionFailure(error)) throw new SurveyVersionExistsError(`version ${draft.version} exists`, { cause: error });
        throw error;
      }
    },

    async updateDraft(unitId, version, content) {
      try {
        const { Attributes } = await doc.send(
          new UpdateCommand({
            TableName: table,
            Key: keys.surveyVersion(unitId, version),
            UpdateExpression: 'SET title = :title, questions = :questions ADD revision :one',
            ConditionExpression: '#state = :draft',
            ExpressionAttributeNames: { '#state': 'state' },
            ExpressionAttributeValues: { ':title': content.title, ':questions': content.questions, ':draft': 'draft', ':one': 1 },
            ReturnValues: 'ALL_NEW',
          }),
        );
        return strip(Attributes ?? {});
      } catch (error) {
        if (isConditionFailure(error)) throw new SurveyVersionStateError('not a draft', { cause: error });
        throw error;
      }
    },

    async publish(unitId, version, at) {
      const draft = await mustGet(unitId, version);
      try {
        await doc.send(
          new TransactWriteCommand({
            TransactItems: [
              {
                Update: {
                  TableName: table,
                  Key: keys.surveyVersion(unitId, version),
                  UpdateExpression: 'SET #state = :published, publishedAt = :at',
                  // The content copied below is the content read above: a draft edited in between
                  // has another revision and fails this condition.
                  ConditionExpression: '#state = :draft AND revision = :revision',
                  ExpressionAttributeNames: { '#state': 'state' },
                  ExpressionAttributeValues: { ':published': 'published', ':draft': 'draft', ':at': at, ':revision': draft.revision },
                },
              },
              { Put: { TableName: table, Item: { ...keys.surveyCurrent(unitId), kind: 'survey-current', ...section(draft) } } },
            ],
          }),
        );
      } catch (error) {
        if (isConditionFailure(error)) throw new SurveyVersionStateError('not a draft', { cause: error });
        throw error;
      }
      return { ...draft, state: 'published', publishedAt: at };
    },

    async retire(unitId, version, at, next) {
      const current = await mustGet(unitId, version);
      const items: NonNullable<ConstructorParameters<typeof TransactWriteCommand>[0]['TransactItems']> = [
        {
          Update: {
            TableName: table,
            Key: keys.surveyVersion(unitId, version),
            UpdateExpression: 'SET #state = :retired, retiredAt = :at',
            ConditionExpression: '#state = :published',
            ExpressionAttributeNames: { '#state': 'state' },
            ExpressionAttributeValues: { ':retired': 'retired', ':published': 'published', ':at': at },
          },
        },
      ];
      if (next) items.push({ Put: { TableName: table, Item: { ...keys.surveyCurrent(unitId), kind: 'survey-current', ...section(next) } } });
      // No published version left: the current item says so (a Put, so the role needs no DeleteItem).
      if (next === null) items.push({ Put: { TableName: table, Item: { ...keys.surveyCurrent(unitId), kind: 'survey-current', unitId, none: true } } });
      try {
        await doc.send(new TransactWriteCommand({ TransactItems: items }));
      } catch (error) {
        if (isConditionFailure(error)) throw new SurveyVersionStateError('not published', { cause: error });
        throw error;
      }
      return { ...current, state: 'retired', retiredAt: at };
    },

    async currentForUnits(unitIds) {
      const found = new Map<string, CurrentSection>();
      const unique = [...new Set(unitIds)];
      for (let start = 0; start < unique.length; start += 100) {
        let request: Record<string, { Keys: { pk: string; sk: string }[] }> | undefined = {
          [table]: { Keys: unique.slice(start, start + 100).map((id) => keys.surveyCurrent(id)) },
        };
        for (let attempt = 0; request && Object.keys(request).length > 0; attempt++) {
          const result = await doc.send(new BatchGetCommand({ RequestItems: request }));
          for (const item of result.Responses?.[table] ?? []) {
            if (item.none) continue;
            const { pk: _pk, sk: _sk, kind: _kind, ...rest } = item;
            found.set(String(item.unitId), rest as CurrentSection);
          }
          request = result.UnprocessedKeys as typeof request;
          if (request && Object.keys(request).length > 0) await new Promise((r) => setTimeout(r, 10 * 2 ** attempt));
        }
      }
      return found;
    },
  };
}
