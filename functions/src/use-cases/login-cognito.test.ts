import { describe, expect, it } from 'vitest';
import type { AuditEntry } from '../data/audit.js';
import type { CognitoSignIn, SignInResult } from '../data/cognito-sign-in.js';
import { accountPrincipals } from '../auth/account-principals.js';
import { cognitoChallenge, login, loginSecondFactor, readCognitoChallenge, type LoginDeps } from './login.js';

/**
 * AWS mode: Cognito decides the password and the TOTP code; the use case must carry Cognito's
 * challenge session to the second step, answer with the right fields, and audit every step.
 * The pool is an in-memory stand-in of the adapter's two calls (Cognito has no local edition).
 */
const SESSION = 'AYABeC2m' + 'x'.repeat(900) + '.part2';
const NOW = new Date('2026-12-04T08:00:00Z');

function pool(options: { challenge?: string } = {}) {
  const calls: string[] = [];
  const cognito: CognitoSignIn = {
    async signIn(username, password): Promise<SignInResult> {
      calls.push(`signIn ${username}`);
      if (password !== 'right-password') return { kind: 'refused' };
      return { kind: 'challenge', challenge: options.challenge ?? 'SOFTWARE_TOKEN_MFA', session: SESSION };
    },
    async answerTotp(username, session, code): Promise<SignInResult> {
      calls.push(`answerTotp ${username} ${session === SESSION ? 'same-session' : 'other-session'} ${code}`);
      if (session !== SESSION) return { kind: 'expired' };
      if (code !== '123456') return { kind: 'refused' };
      return { kind: 'signed-in', idToken: `id-token-of-${username}`, expiresInSeconds: 3600 };
    },
    async beginTotpSetup(session) {
      calls.push(`beginTotpSetup ${session === SESSION ? 'same-session' : 'other-session'}`);
      return { kind: 'setup', secret: 'JBSWY3DPEHPK3PXP', session: 'SETUP-SESSION' };
    },
    async finishTotpSetup(username, session, code): Promise<SignInResult> {
      calls.push(`finishTotpSetup ${username} ${session} ${code}`);
      if (session !== 'SETUP-SESSION') return { kind: 'expired' };
      return code === '654321' ? { kind: 'signed-in', idToken: `id-token-of-${username}`, expiresInSeconds: 3600 } : { kind: 'refused' };
    },
  };
  // Role and scope from our accounts (the record), not from the Cognito token.
  const records = new Map([['评议员甲', { username: '评议员甲', displayName: '评议员甲', role: 'committee' as const, unitId: 'county', passwordHash: 'cognito' }]]);
  const verifier = accountPrincipals({ verify: async (token) => ({ username: token.replace('id-token-of-', '') }) }, { get: async (username) => records.get(username) });
  const entries: AuditEntry[] = [];
  const audit = { append: async (entry: AuditEntry) => void entries.push(entry) };
  const deps: LoginDeps = { mode: 'cognito', cognito, verifier, now: () => NOW };
  const local = { audit } as unknown as Parameters<typeof login>[2] & {};
  return { deps, local, calls, entries };
}

describe('login in AWS mode (Cognito with required TOTP)', () => {
  it('answers the password step with a challenge that carries the username and Cognito session, then signs in with the code', async () => {
    const { deps, local, calls, entries } = pool();
    const first = await login(deps, { username: '评议员甲', password: 'right-password' }, local);
    expect(first).toMatchObject({ mfaRequired: true, expiresAt: '2026-12-04T08:03:00.000Z' });
    const challenge = (first as { challenge: string }).challenge;
    expect(challenge.length).toBeLessThanOrEqual(4096);
    expect(readCognitoChallenge(challenge)).toEqual({ username: '评议员甲', session: SESSION, step: 'verify' });

    const second = await loginSecondFactor(deps, { challenge, code: '123456' }, local);
    expect(second).toMatchObject({ token: 'id-token-of-评议员甲', account: { role: 'committee', unitId: 'county' } });
    expect(calls).toEqual(['signIn 评议员甲', 'answerTotp 评议员甲 same-session 123456']);
    expect(entries.map((e) => `${e.action} ${e.result}`)).toEqual(['login.password ok', 'login ok']);
    expect(JSON.stringify(entries)).not.toContain('right-password');
  });

  it('names the field of each refusal and audits it', async () => {
    const { deps, local, entries } = pool();
    await expect(login(deps, { username: 'x', password: 'wrong' }, local)).rejects.toMatchObject({ statusCode: 401, issues: [{ field: 'password' }] });
    const challenge = cognitoChallenge('x', SESSION);
    await expect(loginSecondFactor(deps, { challenge, code: '000000' }, local)).rejects.toMatchObject({ statusCode: 401, issues: [{ field: 'code' }] });
    await expect(loginSecondFactor(deps, { challenge: cognitoChallenge('x', 'stale'), code: '123456' }, local)).rejects.toMatchObject({ issues: [{ field: 'challenge' }] });
    await expect(loginSecondFactor(deps, { challenge: 'not-a-cognito-challenge', code: '123456' }, local)).rejects.toMatchObject({ issues: [{ field: 'challenge' }] });
    expect(entries.map((e) => `${e.action} ${e.result}`)).toEqual(['login.failed denied', 'login.totp-failed denied', 'login.totp-failed denied']);
  });

  it('refuses a Cognito user who has no Manyi account, naming the password field, and audits it', async () => {
    const { deps, local, entries } = pool();
    const first = await login(deps, { username: '陌生人', password: 'right-password' }, local);
    const challenge = (first as { challenge: string }).challenge;
    await expect(loginSecondFactor(deps, { challenge, code: '123456' }, local)).rejects.toMatchObject({ statusCode: 401, issues: [{ field: 'password' }] });
    expect(entries.at(-1)).toMatchObject({ action: 'login.failed', result: 'denied', actor: '陌生人' });
  });

  it('sets up TOTP on a first login (MFA_SETUP): hands out the new secret, and its first code signs in', async () => {
    const { deps, local, calls, entries } = pool({ challenge: 'MFA_SETUP' });
    const first = (await login(deps, { username: '评议员甲', password: 'right-password' }, local)) as { challenge: string; setup?: { secret: string; uri: string } };
    expect(first.setup).toMatchObject({ secret: 'JBSWY3DPEHPK3PXP', uri: expect.stringMatching(/^otpauth:\/\/totp\/.*secret=JBSWY3DPEHPK3PXP/) });
    expect(readCognitoChallenge(first.challenge)).toEqual({ username: '评议员甲', session: 'SETUP-SESSION', step: 'setup' });
    await expect(loginSecondFactor(deps, { challenge: first.challenge, code: '000000' }, local)).rejects.toMatchObject({ issues: [{ field: 'code' }] });
    await expect(loginSecondFactor(deps, { challenge: first.challenge, code: '654321' }, local)).resolves.toMatchObject({ token: 'id-token-of-评议员甲' });
    expect(calls).toEqual(['signIn 评议员甲', 'beginTotpSetup same-session', 'finishTotpSetup 评议员甲 SETUP-SESSION 000000', 'finishTotpSetup 评议员甲 SETUP-SESSION 654321']);
    expect(entries.map((e) => `${e.action} ${e.result}`)).toEqual(['login.password ok', 'login.totp-failed denied', 'login ok']);
    expect(JSON.stringify(entries)).not.toContain('JBSWY3DPEHPK3PXP');
  });

  it('refuses a first-time pool step it does not drive with a message, never a 5xx', async () => {
    const { deps, local, entries } = pool({ challenge: 'NEW_PASSWORD_REQUIRED' });
    await expect(login(deps, { username: 'new', password: 'right-password' }, local)).rejects.toMatchObject({ statusCode: 401, message: expect.stringContaining('NEW_PASSWORD_REQUIRED') });
    expect(entries[0]).toMatchObject({ action: 'login.failed', result: 'denied' });
  });

  it('reads back only challenges it wrote', () => {
    expect(readCognitoChallenge(cognitoChallenge('a.b', 'S.e.s'))).toEqual({ username: 'a.b', session: 'S.e.s', step: 'verify' });
    expect(readCognitoChallenge(cognitoChallenge('a', 'S', 'setup'))).toEqual({ username: 'a', session: 'S', step: 'setup' });
    for (const bad of ['', 'cognito.', 'cognito..x', 'cognito.YQ.', 'local-jwt.abc']) expect(readCognitoChallenge(bad)).toBeUndefined();
  });
});
