import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { TOTP } from 'otpauth';
import { hashPassword } from '../../functions/src/auth/password.js';
import { chinaDay } from '#shared/domain/china-time.js';
import { CLIENT_HEADER, forwardedClient } from '#shared/domain/client-key.js';
import { mac128 } from '../../functions/src/throttle/index.js';
import { createGateway } from '../../infra/local/gateway.js';
import { httpEvent, jsonHeaders } from '../support/http-events.js';
import { call } from './fixtures.js';
import { isolatedTables, type IsolatedTables } from '../support/isolated-tables.js';
import { request, scanAll } from './accounts-helpers.js';

/**
 * Login hardening against DynamoDB Local: the failed-login delay (from the 5th failure within 15
 * minutes the username waits 1 s, doubling, at most 60 s; the same for unknown usernames; the
 * per-client limits are in anti-stuffing.test.ts), the TOTP second factor (enrollment, challenge, one-time codes),
 * and every attempt in the audit log. scrypt costs ~0.3 s per check, so attempts are few.
 */

const PASSWORD = 'Correct-horse-满意-2026';
const endpoint = inject('dynamoEndpoint');
const gateway = createGateway();
let t: IsolatedTables;

beforeAll(async () => {
  t = await isolatedTables(endpoint);
  t.install();
  const passwordHash = await hashPassword(PASSWORD);
  for (const username of ['wang.fang', 'li.qiang']) {
    await t.runtime.accounts.put({ username, displayName: username, role: 'unit-admin', unitId: 'lj-rs', passwordHash });
  }
});
afterAll(() => t?.close());

const login = (username: string, password: string) => request(gateway, 'POST', '/api/auth/login', { body: { username, password } });

function totpCode(secret: string, offsetSteps = 0): string {
  return new TOTP({ secret, algorithm: 'SHA1', digits: 6, period: 30 }).generate({ timestamp: Date.now() + offsetSteps * 30_000 });
}

async function auditEntries() {
  return (await scanAll(t.doc, t.tables.audit)) as { actor: string; action: string; result: string; detail?: string }[];
}

describe('lockout', () => {
  /** Each attempt from its own address (forwarded by the web server), so only the username's rule applies. */
  let address = 0;
  const loginFrom = async (username: string, password: string) => {
    const key = await t.runtime.throttle.keyring.dayKey(chinaDay(t.runtime.now()));
    const headers = { ...jsonHeaders, [CLIENT_HEADER]: forwardedClient(mac128, key, `198.18.0.${++address}`) };
    return call(gateway, httpEvent('POST', '/api/auth/login', { headers, body: JSON.stringify({ username, password }) }));
  };

  it('makes a username wait after 5 failures, refuses even the right password meanwhile, and answers an unknown username the same way', async () => {
    // A frozen clock: the 1-second wait after the 5th failure must not pass while scrypt runs.
    const wall = t.runtime.now;
    const frozen = new Date();
    t.runtime.now = () => frozen;
    try {
      // Act
      for (let i = 0; i < 5; i++) expect((await loginFrom('wang.fang', `wrong-${i}`)).status).toBe(401);
      for (let i = 0; i < 5; i++) expect((await loginFrom('nobody.here', `wrong-${i}`)).status).toBe(401);
      const lockedReal = await loginFrom('wang.fang', PASSWORD);
      const lockedUnknown = await loginFrom('nobody.here', PASSWORD);

      // Assess
      expect(lockedReal.status).toBe(429);
      expect(lockedReal.json.error.code).toBe('LOCKED_OUT');
      expect(lockedReal.json).toEqual(lockedUnknown.json);
      expect(lockedReal.json.error.issues[0].field).toBe('username');
      expect(lockedReal.json.token).toBeUndefined();
      expect((await loginFrom('li.qiang', PASSWORD)).status).toBe(200);
      // A second later the owner gets in: nobody can lock an account for long.
      t.runtime.now = () => new Date(frozen.getTime() + 1_000);
      expect((await loginFrom('wang.fang', PASSWORD)).status).toBe(200);
    } finally {
      t.runtime.now = wall;
    }
  });

  it('audits every failed login with the username tried and never the password', async () => {
    const entries = await auditEntries();
    const failed = entries.filter((e) => e.action === 'login.failed');
    expect(failed.filter((e) => e.actor === 'wang.fang')).toHaveLength(5);
    expect(failed.filter((e) => e.actor === 'nobody.here')).toHaveLength(5);
    expect(entries.filter((e) => e.action === 'login.locked')).toHaveLength(2);
    const text = JSON.stringify(entries);
    expect(text).not.toContain('wrong-');
    expect(text).not.toContain(PASSWORD);
    expect(entries.some((e) => e.action === 'login' && e.actor === 'li.qiang' && e.result === 'ok')).toBe(true);
  });
});

describe('second factor (TOTP)', () => {
  let secret = '';

  it('gives an admin role without a factor only an enrollment-only token: refused (403) outside the enrollment routes', async () => {
    // Act
    const reply = await login('li.qiang', PASSWORD);
    const token = reply.json.token as string;
    const windows = await request(gateway, 'GET', '/api/windows', { token });
    const accounts = await request(gateway, 'GET', '/api/accounts', { token });

    // Assess
    expect(reply.status).toBe(200);
    expect(reply.json.mfaEnrollmentRequired).toBe(true);
    expect(Date.parse(reply.json.expiresAt) - Date.now()).toBeLessThanOrEqual(30 * 60_000);
    await expect(t.runtime.tokens.verify(token)).rejects.toThrow(/second factor/);
    expect(await t.runtime.tokens.verify(token, { allowEnrollment: true })).toEqual({ username: 'li.qiang', role: 'unit-admin', unitId: 'lj-rs', enrollmentOnly: true });
    for (const refused of [windows, accounts]) {
      expect(refused.status).toBe(403);
      expect(refused.json.error.code).toBe('MFA_ENROLLMENT_REQUIRED');
      expect(refused.json.error.issues[0].field).toBe('Authorization');
    }
    const entries = await auditEntries();
    expect(entries.some((e) => e.action === 'login' && e.actor === 'li.qiang' && /enrollment-only/.test(e.detail ?? ''))).toBe(true);
  });

  it('enrolls: a new secret and otpauth URI, confirmed by a code from it, stored sealed', async () => {
    // Prepare
    const token = (await login('li.qiang', PASSWORD)).json.token as string;

    // Act
    const started = await request(gateway, 'POST', '/api/auth/totp/enrollment', { token });
    secret = started.json.secret;
    // Wrong for every step the server may be in while it checks (the one before now up to the one after next).
    const near = new Set([-1, 0, 1, 2].map((offset) => totpCode(secret, offset)));
    const wrongCode = ['000000', '111111', '222222', '333333', '444444'].find((candidate) => !near.has(candidate))!;
    const wrong = await request(gateway, 'POST', '/api/auth/totp/enrollment/confirm', { token, body: { code: wrongCode } });
    const confirmed = await request(gateway, 'POST', '/api/auth/totp/enrollment/confirm', { token, body: { code: totpCode(secret) } });
    const again = await request(gateway, 'POST', '/api/auth/totp/enrollment', { token });
    // Enrolling does not turn the enrollment-only token into a session: the next login asks for a code.
    const stillRefused = await request(gateway, 'GET', '/api/windows', { token });

    // Assess
    expect(started.status).toBe(200);
    expect(started.json.uri).toMatch(/^otpauth:\/\/totp\/.*li\.qiang.*secret=/);
    expect(wrong.status).toBe(400);
    expect(wrong.json.error.issues[0].field).toBe('code');
    expect(confirmed.status).toBe(200);
    expect(again.status).toBe(409);
    expect(stillRefused.status).toBe(403);
    const stored = JSON.stringify(await scanAll(t.doc, t.tables.ops));
    const auditText = JSON.stringify(await auditEntries());
    expect(stored).not.toContain(secret);
    expect(auditText).not.toContain(secret);
  });

  it('lets a challenge open one session only: a second use, even with a fresh code, is refused (finding 3.5)', async () => {
    // Prepare: an account with an enrolled factor.
    const secret = new TOTP().secret.base32;
    await t.runtime.accounts.put({ username: 'zhao.min', displayName: 'zhao.min', role: 'unit-admin', unitId: 'lj-rs', passwordHash: await hashPassword(PASSWORD), totpSecret: await t.runtime.sealer.seal(secret) });

    // Act
    const first = await login('zhao.min', PASSWORD);
    const session = await request(gateway, 'POST', '/api/auth/login/totp', { body: { challenge: first.json.challenge, code: totpCode(secret, 0) } });
    const second = await request(gateway, 'POST', '/api/auth/login/totp', { body: { challenge: first.json.challenge, code: totpCode(secret, 1) } });
    const fresh = await login('zhao.min', PASSWORD);
    const third = await request(gateway, 'POST', '/api/auth/login/totp', { body: { challenge: fresh.json.challenge, code: totpCode(secret, 1) } });

    // Assess: the fresh code was good; the reused challenge was not.
    expect(session.status).toBe(200);
    expect(second.status).toBe(401);
    expect(second.json.error.issues[0].field).toBe('challenge');
    expect(second.json.token).toBeUndefined();
    expect(third.status).toBe(200);
    expect((await auditEntries()).some((e) => e.action === 'login.totp-failed' && e.actor === 'zhao.min' && e.detail === 'challenge used before')).toBe(true);
  });

  it('asks for the code after the password, accepts it once, and refuses a replay and a forged challenge', async () => {
    // Act
    const first = await login('li.qiang', PASSWORD);
    const code = totpCode(secret, 1);
    const done = await request(gateway, 'POST', '/api/auth/login/totp', { body: { challenge: first.json.challenge, code } });
    const replay = await request(gateway, 'POST', '/api/auth/login/totp', { body: { challenge: first.json.challenge, code } });
    const forged = await request(gateway, 'POST', '/api/auth/login/totp', { body: { challenge: `${first.json.challenge}x`, code: totpCode(secret) } });
    const challengeAsBearer = await request(gateway, 'GET', '/api/windows', { token: first.json.challenge });

    // Assess
    expect(first.status).toBe(200);
    expect(first.json).toMatchObject({ mfaRequired: true });
    expect(first.json.token).toBeUndefined();
    expect(done.status).toBe(200);
    expect(await t.runtime.tokens.verify(done.json.token)).toEqual({ username: 'li.qiang', role: 'unit-admin', unitId: 'lj-rs' });
    expect(done.json.mfaEnrollmentRequired).toBeUndefined();
    expect(replay.status).toBe(401);
    expect(replay.json.error.issues[0].field).toBe('code');
    expect(forged.status).toBe(401);
    expect(forged.json.error.issues[0].field).toBe('challenge');
    expect(challengeAsBearer.status).toBe(401);
    const entries = await auditEntries();
    expect(entries.some((e) => e.action === 'login' && e.actor === 'li.qiang' && e.detail === 'password + TOTP')).toBe(true);
    expect(entries.some((e) => e.action === 'login.totp-failed' && e.actor === 'li.qiang')).toBe(true);
  });

  it('refuses a code that is not 6 digits with 400 naming code', async () => {
    const reply = await request(gateway, 'POST', '/api/auth/login/totp', { body: { challenge: 'x', code: '12345a' } });
    expect(reply.status).toBe(400);
    expect(reply.json.error.issues.map((i: { field: string }) => i.field)).toEqual(['code']);
  });
});
