import * as z from 'zod';
import { UnitId } from '../org-units.js';
import { text } from '../text.js';

/**
 * 接入系统: a unit's business system that pushes 办件 (issue 13 §1). A unit administrator creates
 * one for a unit subtree; its secret is shown once and stored only as a hash; it can be rotated
 * (a new secret, the old one stops at once) and revoked (for good). Every use is audited.
 * The credential is sent as `Authorization: Bearer mc1.{clientId}.{secret}`.
 */
export const ClientId = z
  .string()
  .regex(/^c-[0-9a-f]{16}$/, 'must be a client id (c- and 16 hex digits)')
  .meta({ description: '接入系统 id', example: 'c-3f9a1c0d7e5b2a48' });

export const ClientParams = z.strictObject({ clientId: ClientId }).meta({ id: 'IntegrationClientParams' });

export const CreateIntegrationClientInput = z
  .strictObject({
    unitId: UnitId.meta({ description: 'The client may push 办件 of this unit and every unit below it' }),
    name: text({ min: 1, max: 60 }).meta({ description: 'What the system is, e.g. 不动产登记业务系统', example: '不动产登记业务系统' }),
  })
  .meta({ id: 'CreateIntegrationClientInput' });
export type CreateIntegrationClientInput = z.infer<typeof CreateIntegrationClientInput>;

export const IntegrationClient = z
  .object({
    clientId: z.string(),
    unitId: z.string(),
    name: z.string(),
    createdAt: z.string(),
    createdBy: z.string(),
    rotatedAt: z.string().optional(),
    revokedAt: z.string().optional(),
    state: z.enum(['active', 'revoked']),
  })
  .meta({ id: 'IntegrationClient' });
export type IntegrationClient = z.infer<typeof IntegrationClient>;

export const IntegrationClientList = z.object({ clients: z.array(IntegrationClient) }).meta({ id: 'IntegrationClientList' });
export type IntegrationClientList = z.infer<typeof IntegrationClientList>;

export const IntegrationClientListQuery = z.strictObject({ unitId: UnitId }).meta({ id: 'IntegrationClientListQuery' });

/** The one time a secret is shown: at creation and at each rotation. */
export const IntegrationClientCredential = z
  .object({
    client: IntegrationClient,
    credential: z.string().meta({ description: 'Send as `Authorization: Bearer <credential>`. Shown once: only its hash is kept.' }),
  })
  .meta({ id: 'IntegrationClientCredential' });
export type IntegrationClientCredential = z.infer<typeof IntegrationClientCredential>;
