import { GetCommand, paginateQuery, TransactWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { keys } from './keys.js';
import { READ_CACHE_TTL_MS, ttlCache } from './read-cache.js';

/**
 * 接入系统 clients (issue 13 §1). Two items per client, written together: the record by id
 * (`CLIENT#{id}` / META, read on every push to check the credential) and its copy in the unit's
 * listing (`CLIENTSOF#{unitId}` / `CLIENT#{id}`). The secret itself is never stored: only its
 * SHA-256 (a 256-bit random secret needs no slow hash: there is nothing to guess).
 */
export interface IntegrationClientRecord {
  clientId: string;
  unitId: string;
  name: string;
  /** SHA-256 of the current secret, hex. */
  secretHash: string;
  createdAt: string;
  createdBy: string;
  rotatedAt?: string;
  revokedAt?: string;
}

export class ClientIdTakenError extends Error {
  override name = 'ClientIdTakenError';
}

export class ClientMissingError extends Error {
  override name = 'ClientMissingError';
}

export interface IntegrationClientStore {
  get(clientId: string): Promise<IntegrationClientRecord | undefined>;
  /**
   * The client as this process read it at most READ_CACHE_TTL_MS (10 s) ago, for checking a
   * credential on every push (decision 0019): rotating or revoking through this store forgets it
   * at once; elsewhere (another warm function) the change reaches it within the TTL.
   */
  getCached(clientId: string): Promise<IntegrationClientRecord | undefined>;
  /** Both items, if the id was never used; ClientIdTakenError otherwise. */
  create(client: IntegrationClientRecord): Promise<void>;
  /** A new secret hash for an active client; ClientMissingError if missing or revoked. */
  rotate(clientId: string, secretHash: string, at: string): Promise<IntegrationClientRecord>;
  /** Revoked for good (again: unchanged); ClientMissingError if missing. */
  revoke(clientId: string, at: string): Promise<IntegrationClientRecord>;
  listUnit(unitId: string): Promise<IntegrationClientRecord[]>;
}

export function toIntegrationClient(item: Record<string, unknown>): IntegrationClientRecord {
  return {
    clientId: String(item.clientId),
    unitId: String(item.unitId),
    name: String(item.name),
    secretHash: String(item.secretHash),
    createdAt: String(item.createdAt),
    createdBy: String(item.createdBy),
    ...(typeof item.rotatedAt === 'string' ? { rotatedAt: item.rotatedAt } : {}),
    ...(typeof item.revokedAt === 'string' ? { revokedAt: item.revokedAt } : {}),
  };
}

export function createIntegrationClientStore(doc: DynamoDBDocumentClient, table: string): IntegrationClientStore {
  const cancelled = (error: unknown) => error instanceof TransactionCanceledException || (error instanceof Error && error.name === 'TransactionCanceledException');

  /** Update both items of an existing client in one transaction, if `condition` holds on the record. */
  async function change(clientId: string, condition: string, set: Record<string, string>): Promise<IntegrationClientRecord> {
    const current = await store.get(clientId);
    if (!current) throw new ClientMissingError(clientId);
    const names = Object.fromEntries(Object.keys(set).map((name, index) => [`#a${index}`, name]));
    const values = Object.fromEntries(Object.values(set).map((value, index) => [`:v${index}`, value]));
    const update = `SET ${Object.keys(set)
      .map((_, index) => `#a${index} = :v${index}`)
      .join(', ')}`;
    try {
      await doc.send(
        new TransactWriteCommand({
          TransactItems: [
            { Update: { TableName: table, Key: keys.integrationClient(clientId), UpdateExpression: update, ConditionExpression: condition, ExpressionAttributeNames: names, ExpressionAttributeValues: values } },
            { Update: { TableName: table, Key: keys.integrationClientListing(current.unitId, clientId), UpdateExpression: update, ConditionExpression: 'attribute_exists(pk)', ExpressionAttributeNames: names, ExpressionAttributeValues: values } },
          ],
        }),
      );
    } catch (error) {
      if (cancelled(error)) throw new ClientMissingError(clientId);
      throw error;
    }
    return { ...current, ...set };
  }

  const cached = ttlCache<IntegrationClientRecord | undefined>(READ_CACHE_TTL_MS);
  const store: IntegrationClientStore = {
    async get(clientId) {
      const { Item } = await doc.send(new GetCommand({ TableName: table, Key: keys.integrationClient(clientId), ConsistentRead: true }));
      // A fresh read is the truth: the cached copy goes (once a new secret was seen, the old one
      // is not accepted from the cache any longer).
      cached.forget(clientId);
      return Item ? toIntegrationClient(Item) : undefined;
    },
    getCached(clientId) {
      return cached.get(clientId, () => store.get(clientId));
    },
    async create(client) {
      try {
        await doc.send(
          new TransactWriteCommand({
            TransactItems: [
              { Put: { TableName: table, Item: { ...keys.integrationClient(client.clientId), kind: 'integration-client', ...client }, ConditionExpression: 'attribute_not_exists(pk)' } },
              { Put: { TableName: table, Item: { ...keys.integrationClientListing(client.unitId, client.clientId), kind: 'integration-client-listing', ...client }, ConditionExpression: 'attribute_not_exists(pk)' } },
            ],
          }),
        );
      } catch (error) {
        if (cancelled(error)) throw new ClientIdTakenError(client.clientId);
        throw error;
      }
    },
    async rotate(clientId, secretHash, at) {
      try {
        return await change(clientId, 'attribute_exists(pk) AND attribute_not_exists(revokedAt)', { secretHash, rotatedAt: at });
      } finally {
        // After the write: a credential checked while it was under way may have cached the old record.
        cached.forget(clientId);
      }
    },
    async revoke(clientId, at) {
      try {
        const current = await store.get(clientId);
        if (current?.revokedAt) return current;
        return await change(clientId, 'attribute_exists(pk) AND attribute_not_exists(revokedAt)', { revokedAt: at });
      } finally {
        cached.forget(clientId);
      }
    },
    async listUnit(unitId) {
      const clients: IntegrationClientRecord[] = [];
      const pages = paginateQuery({ client: doc }, { TableName: table, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': keys.integrationClientListingPartition(unitId) } });
      for await (const page of pages) clients.push(...(page.Items ?? []).map(toIntegrationClient));
      return clients;
    },
  };
  return store;
}
