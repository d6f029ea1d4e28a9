import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { hashPassword } from '../../functions/src/auth/password.js';
import { createGateway } from '../../infra/local/gateway.js';
import { httpEvent, jsonHeaders } from '../support/http-events.js';
import { isolatedTables, type IsolatedTables } from '../support/isolated-tables.js';
import { call, type Reply } from './fixtures.js';

/**
 * POST /api/auth/login against a seeded local account. scrypt costs ~0.3 s per verification, so
 * this file logs in only a handful of times; validation failures are refused before any hashing.
 */

const ACCOUNT = { username: 'zhang.wei', displayName: '张伟', role: 'unit-admin' as const, unitId: 'lj-scjg' };
const ACCOUNT_PRINCIPAL = { username: ACCOUNT.username, role: ACCOUNT.role, unitId: ACCOUNT.unitId };
const PASSWORD = 'Correct-horse-满意-2026';

const endpoint = inject('dynamoEndpoint');
const gateway = createGateway();
let t: IsolatedTables;

beforeAll(async () => {
  t = await isolatedTables(endpoint);
  t.install();
  await t.runtime.accounts.put({ ...ACCOUNT, passwordHash: await hashPassword(PASSWORD) });
});

afterAll(() => t?.close());

function login(body: unknown): Promise<Reply> {
  return call(gateway, httpEvent('POST', '/api/auth/login', { body: JSON.stringify(body), headers: jsonHeaders }));
}

describe('POST /api/auth/login', () => {
  it('returns 200 with a bearer token the verifier accepts for the right username and password', async () => {
    // Prepare
    const before = Date.now();

    // Act
    const reply = await login({ username: ACCOUNT.username, password: PASSWORD });

    // Assess
    expect(reply.status).toBe(200);
    expect(reply.json.account).toEqual(ACCOUNT);
    expect(reply.text).not.toContain('scrypt');
    // A unit admin without a second factor yet: the token is enrollment-only (see accounts-login.test.ts).
    expect(reply.json.mfaEnrollmentRequired).toBe(true);
    await expect(t.runtime.tokens.verify(reply.json.token)).rejects.toThrow(/second factor/);
    expect(await t.runtime.tokens.verify(reply.json.token, { allowEnrollment: true })).toEqual({ ...ACCOUNT_PRINCIPAL, enrollmentOnly: true });
    const expiresAt = Date.parse(reply.json.expiresAt);
    expect(expiresAt).toBeGreaterThan(before);
    expect(expiresAt).toBeLessThanOrEqual(Date.now() + 24 * 3_600_000);
  });

  it('answers a wrong password and an unknown username with the same 401 and the same message', async () => {
    // Act
    const wrongPassword = await login({ username: ACCOUNT.username, password: `${PASSWORD}x` });
    const unknownUser = await login({ username: 'li.na', password: PASSWORD });

    // Assess
    expect(wrongPassword.status).toBe(401);
    expect(unknownUser.status).toBe(401);
    expect(wrongPassword.json).toEqual(unknownUser.json);
    expect(wrongPassword.json.error.code).toBe('UNAUTHORIZED');
    expect(wrongPassword.json.error.message).toMatch(/^password: /);
    expect(wrongPassword.json.token).toBeUndefined();
  });

  it('answers missing or empty fields with 400 naming username and password', async () => {
    // Prepare
    const cases: [unknown, string[]][] = [
      [{}, ['username', 'password']],
      [{ username: ACCOUNT.username }, ['password']],
      [{ password: PASSWORD }, ['username']],
      [{ username: '', password: PASSWORD }, ['username']],
      [{ username: ACCOUNT.username, password: '' }, ['password']],
      [{ username: 42, password: null }, ['username', 'password']],
    ];

    for (const [body, fields] of cases) {
      // Act
      const reply = await login(body);

      // Assess
      expect(reply.status, JSON.stringify(body)).toBe(400);
      expect(reply.json.error.code).toBe('VALIDATION_FAILED');
      const named: string[] = reply.json.error.issues.map((issue: { field: string }) => issue.field);
      expect([...named].sort()).toEqual([...fields].sort());
      expect(reply.json.error.message).toMatch(new RegExp(`^${named[0]}: `));
    }
  });

  it('refuses unknown fields, so a role or unit cannot be smuggled into a login', async () => {
    // Act
    const reply = await login({ username: ACCOUNT.username, password: PASSWORD, role: 'system-admin' });

    // Assess
    expect(reply.status).toBe(400);
    expect(reply.json.error.issues[0].field).toBe('role');
  });
});
