import type { CreateIntegrationClientInput, IntegrationClient, IntegrationClientCredential, IntegrationClientList } from '#shared/contracts/service-records/clients.js';
import { authorize, authorizeOwned, record, type AccessDeps, type Attempt } from '../../access/index.js';
import { credentialOf, newClientId, newClientSecret, secretHash } from '../../auth/client-credentials.js';
import type { Principal } from '../../auth/principal.js';
import { ClientIdTakenError, ClientMissingError, type IntegrationClientRecord, type IntegrationClientStore } from '../../data/integration-clients.js';
import type { UnitStore } from '../../data/units.js';
import { ConflictError } from '../../errors.js';

/**
 * 接入系统 clients (issue 13 §1): system and unit administrators create them for a unit subtree in
 * their scope, see them, rotate their secret and revoke them. The credential is in the answer of
 * create and rotate only; the store keeps its hash (auth/client-credentials.ts). Every step audited.
 */
export interface ClientDeps extends AccessDeps {
  units: Pick<UnitStore, 'get'>;
  integrationClients: IntegrationClientStore;
  newClientId?: () => string;
}

export const clientView = (client: IntegrationClientRecord): IntegrationClient => ({
  clientId: client.clientId,
  unitId: client.unitId,
  name: client.name,
  createdAt: client.createdAt,
  createdBy: client.createdBy,
  ...(client.rotatedAt ? { rotatedAt: client.rotatedAt } : {}),
  ...(client.revokedAt ? { revokedAt: client.revokedAt } : {}),
  state: client.revokedAt ? 'revoked' : 'active',
});

const ID_ATTEMPTS = 3;

export async function createIntegrationClient(deps: ClientDeps, principal: Principal, input: CreateIntegrationClientInput): Promise<IntegrationClientCredential> {
  const attempt: Attempt = { action: 'integration-client.create', objectType: 'integration-client', objectId: `unit:${input.unitId}` };
  const unit = await authorize(deps, principal, 'integrations:manage', attempt, { unit: input.unitId, field: 'unitId' });
  for (let i = 0; i < ID_ATTEMPTS; i++) {
    const secret = newClientSecret();
    const client: IntegrationClientRecord = {
      clientId: (deps.newClientId ?? newClientId)(),
      unitId: unit.id,
      name: input.name,
      secretHash: secretHash(secret),
      createdAt: deps.now().toISOString(),
      createdBy: principal.username,
    };
    try {
      await deps.integrationClients.create(client);
    } catch (error) {
      if (error instanceof ClientIdTakenError) continue;
      throw error;
    }
    await record(deps, principal, { ...attempt, objectId: client.clientId }, 'ok', { unitId: unit.id, detail: client.name });
    return { client: clientView(client), credential: credentialOf(client.clientId, secret) };
  }
  throw new Error('could not find a free client id');
}

export async function listIntegrationClients(deps: ClientDeps, principal: Principal, unitId: string): Promise<IntegrationClientList> {
  const attempt: Attempt = { action: 'integration-client.list', objectType: 'unit', objectId: unitId };
  const unit = await authorize(deps, principal, 'integrations:manage', attempt, { unit: unitId, field: 'unitId' });
  const clients = await deps.integrationClients.listUnit(unit.id);
  return { clients: clients.sort((a, b) => a.createdAt.localeCompare(b.createdAt)).map(clientView) };
}

/** The client, if it exists and its unit is in the caller's scope; the same 404 otherwise. */
async function authorizeClient(deps: ClientDeps, principal: Principal, attempt: Attempt): Promise<IntegrationClientRecord> {
  const client = await deps.integrationClients.get(attempt.objectId);
  return (await authorizeOwned(deps, principal, 'integrations:manage', attempt, client, { field: 'clientId', noun: 'client' })).object;
}

export async function rotateIntegrationClient(deps: ClientDeps, principal: Principal, clientId: string): Promise<IntegrationClientCredential> {
  const attempt: Attempt = { action: 'integration-client.rotate', objectType: 'integration-client', objectId: clientId };
  const client = await authorizeClient(deps, principal, attempt);
  if (client.revokedAt) {
    await record(deps, principal, attempt, 'invalid', { unitId: client.unitId, detail: 'revoked' });
    throw new ConflictError('clientId', 'is revoked; create a new client instead');
  }
  const secret = newClientSecret();
  let rotated: IntegrationClientRecord;
  try {
    rotated = await deps.integrationClients.rotate(clientId, secretHash(secret), deps.now().toISOString());
  } catch (error) {
    if (error instanceof ClientMissingError) throw new ConflictError('clientId', 'is revoked; create a new client instead');
    throw error;
  }
  await record(deps, principal, attempt, 'ok', { unitId: client.unitId });
  return { client: clientView(rotated), credential: credentialOf(clientId, secret) };
}

export async function revokeIntegrationClient(deps: ClientDeps, principal: Principal, clientId: string): Promise<IntegrationClient> {
  const attempt: Attempt = { action: 'integration-client.revoke', objectType: 'integration-client', objectId: clientId };
  const client = await authorizeClient(deps, principal, attempt);
  const revoked = await deps.integrationClients.revoke(clientId, deps.now().toISOString());
  await record(deps, principal, attempt, 'ok', { unitId: client.unitId, ...(client.revokedAt ? { detail: 'already revoked' } : {}) });
  return clientView(revoked);
}
