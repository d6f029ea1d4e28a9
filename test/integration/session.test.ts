import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Principal } from '../../functions/src/auth/principal.js';
import { PERMISSIONS } from '../../functions/src/access/permissions.js';
import { createGateway } from '../../infra/local/gateway.js';
import { seedWriter } from '../../infra/local/seed.js';
import type { Role } from '../../shared/src/contracts/auth.js';
import { isolatedTables, type IsolatedTables } from '../support/isolated-tables.js';
import { request } from './accounts-helpers.js';

/**
 * GET /api/auth/session (issue 12, the admin shell): who is signed in and what the role may do,
 * straight from the access matrix, for every role; nothing without a valid session.
 */
const endpoint = inject('dynamoEndpoint');
const gateway = createGateway();
let t: IsolatedTables;
const ROLES: Role[] = ['system-admin', 'unit-admin', 'committee', 'staff', 'auditor'];

beforeAll(async () => {
  t = await isolatedTables(endpoint);
  t.install();
  await seedWriter(t.runtime).putUnit({ id: 'ss-county', name: '试点县', parentId: null, path: ['ss-county'] });
  for (const role of ROLES) {
    await t.runtime.accounts.put({ username: `ss.${role}`, displayName: `角色 ${role}`, role, unitId: 'ss-county', passwordHash: 'x' });
  }
});
afterAll(() => t?.close());

const tokenOf = async (principal: Principal) => (await t.runtime.tokens.issue(principal, new Date())).token;

describe('GET /api/auth/session', () => {
  it.each(ROLES)('tells a %s its name, scope and exactly the actions the access matrix gives its role', async (role) => {
    const reply = await request(gateway, 'GET', '/api/auth/session', { token: await tokenOf({ username: `ss.${role}`, role, unitId: 'ss-county' }) });
    expect(reply.status, reply.text).toBe(200);
    expect(reply.json).toEqual({
      username: `ss.${role}`,
      displayName: `角色 ${role}`,
      role,
      unit: { id: 'ss-county', name: '试点县' },
      permissions: Object.entries(PERMISSIONS)
        .filter(([, rule]) => (rule.roles as readonly Role[]).includes(role))
        .map(([name]) => name),
    });
  });

  it('answers 401 without a token and with a forged one', async () => {
    expect((await request(gateway, 'GET', '/api/auth/session')).status).toBe(401);
    const forged = await request(gateway, 'GET', '/api/auth/session', { token: 'not-a-token' });
    expect(forged.status).toBe(401);
    expect(forged.json.error.issues[0].field).toBe('Authorization');
  });
});
