import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { AuditLog } from '../data/audit.js';
import type { IntegrationClientRecord, IntegrationClientStore } from '../data/integration-clients.js';

/**
 * 接入系统 credentials (issue 13 §1; decision 0019): `mc1.{clientId}.{secret}`, the secret 256
 * random bits in base64url. The store keeps SHA-256 of the secret only; a credential is valid
 * while its client is not revoked and the hash is the current one (a rotation or revocation ends
 * the old secret at once in the function that made it, within 10 s in every other warm one). Every refused use naming a client is audited, as every accepted use is (by
 * the route that uses it).
 */
export interface ClientPrincipal {
  clientId: string;
  /** The root of the subtree whose 办件 the client may push. */
  unitId: string;
  name: string;
}

export interface ClientVerifier {
  /** The client of a valid credential; ClientCredentialError otherwise. */
  verify(credential: string): Promise<ClientPrincipal>;
}

export class ClientCredentialError extends Error {
  override name = 'ClientCredentialError';
}

const FORMAT = /^mc1\.(c-[0-9a-f]{16})\.([A-Za-z0-9_-]{43})$/;

export const newClientId = () => `c-${randomBytes(8).toString('hex')}`;
export const newClientSecret = () => randomBytes(32).toString('base64url');
export const secretHash = (secret: string) => createHash('sha256').update(secret).digest('hex');
export const credentialOf = (clientId: string, secret: string) => `mc1.${clientId}.${secret}`;

export function createClientVerifier(deps: { integrationClients: Pick<IntegrationClientStore, 'get' | 'getCached'>; audit: Pick<AuditLog, 'append'>; now: () => Date }): ClientVerifier {
  return {
    async verify(credential) {
      const match = FORMAT.exec(credential);
      if (!match) throw new ClientCredentialError('not a client credential');
      const [, clientId, secret] = match as unknown as [string, string, string];
      const given = Buffer.from(secretHash(secret), 'hex');
      const accepts = (found: IntegrationClientRecord | undefined): boolean =>
        found !== undefined && found.revokedAt === undefined && timingSafeEqual(given, Buffer.from(found.secretHash, 'hex'));
      // The client as read within the last 10 s; a credential it does not accept is checked against a
      // fresh read before it is refused (a secret rotated in another function is good at once).
      let client = await deps.integrationClients.getCached(clientId);
      if (!accepts(client)) client = await deps.integrationClients.get(clientId);
      if (!accepts(client)) {
        const why = !client ? 'unknown client' : client.revokedAt ? 'revoked' : 'wrong or rotated-out secret';
        await deps.audit.append({
          at: deps.now().toISOString(),
          actor: `client:${clientId}`,
          role: 'integration',
          action: 'client.authenticate',
          objectType: 'integration-client',
          objectId: clientId,
          ...(client ? { unitId: client.unitId } : {}),
          result: 'denied',
          detail: why,
        });
        throw new ClientCredentialError(why);
      }
      return { clientId, unitId: client!.unitId, name: client!.name };
    },
  };
}
