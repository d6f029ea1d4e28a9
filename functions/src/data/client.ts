import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, type TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';

/** One item of a TransactWriteItems call (Put, Update, Delete or ConditionCheck), as the document client takes it. */
export type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

export interface DynamoSettings {
  region: string;
  /** DynamoDB Local's URL; unset in AWS. */
  endpoint?: string | undefined;
}

/**
 * The document client: created once per process and shared by every entity module. Locally the
 * credentials are dummies (DynamoDB Local ignores them, but the SDK insists on having some).
 */
export function createDocumentClient(settings: DynamoSettings): DynamoDBDocumentClient {
  const client = new DynamoDBClient({
    region: settings.region,
    ...(settings.endpoint
      ? { endpoint: settings.endpoint, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }
      : {}),
    maxAttempts: 3,
  });
  // The SDK's logger middleware builds a redacted copy of every response for its logger, even
  // the default no-op one (`logger?.info?.(…)` evaluates its argument): for a report's 1,000
  // Queries that copy was a fifth of the CPU time. We never log SDK responses, so it goes.
  client.middlewareStack.remove('loggerMiddleware');
  return DynamoDBDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true },
  });
}
