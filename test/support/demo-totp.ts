import { mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { TOTP } from 'otpauth';
import { DEMO_ACCOUNTS } from '../../infra/local/seed.js';

/**
 * TOTP codes for tests that log in to a running local stack. The server accepts each 30-second
 * step once per account, in increasing order (RFC 6238 §5.2), and counts a refused code towards
 * the lockout — so tests must never guess. Every login of a demo account against one stack goes
 * through `withDemoCode`, which hands out the next unused step (the current one or the next, both
 * inside the server's ±1 step window) and waits for the clock when both are used; a lock directory
 * keeps two logins of the same account from reaching the server out of order.
 */

const PERIOD_MS = 30_000;

export function totpCode(secret: string, offsetSteps = 0, now = Date.now()): string {
  return new TOTP({ secret, algorithm: 'SHA1', digits: 6, period: 30 }).generate({ timestamp: now + offsetSteps * PERIOD_MS });
}

export function demoSecret(username: string): string | undefined {
  return DEMO_ACCOUNTS.find((account) => account.username === username)?.totpSecret;
}

/** Per stack (host:port) and account: the state files shared by every test process of one run. */
export function stateFile(baseUrl: string, username: string, kind: 'step' | 'lock' | 'session'): string {
  const host = new URL(baseUrl).host.replace(/[^A-Za-z0-9]/g, '_');
  return join(tmpdir(), `manyi-test-totp-${host}-${username}.${kind}`);
}

async function lock(path: string): Promise<() => void> {
  for (;;) {
    try {
      mkdirSync(path);
      return () => rmSync(path, { recursive: true, force: true });
    } catch {
      // A lock older than a minute belongs to a process that died mid-login.
      try {
        if (Date.now() - statSync(path).mtimeMs > 60_000) rmSync(path, { recursive: true, force: true });
      } catch {
        // gone meanwhile
      }
      await sleep(100);
    }
  }
}

/**
 * Calls `submit` with a code of `username`'s demo secret that the server has not seen, waiting
 * for the next 30-second step if the current and next one are used already.
 */
export async function withDemoCode<T>(baseUrl: string, username: string, submit: (code: string) => Promise<T>): Promise<T> {
  const secret = demoSecret(username);
  if (!secret) throw new Error(`${username} is not a demo account with a fixed TOTP secret`);
  return withTotpCode(baseUrl, username, secret, submit);
}

/** The same for any account whose secret the test knows (see enrollTotp). */
export async function withTotpCode<T>(baseUrl: string, username: string, secret: string, submit: (code: string) => Promise<T>): Promise<T> {
  const release = await lock(stateFile(baseUrl, username, 'lock'));
  try {
    const path = stateFile(baseUrl, username, 'step');
    let last = -1;
    try {
      last = Number(readFileSync(path, 'utf8')) || -1;
    } catch {
      // first login of this account against this stack
    }
    let current = Math.floor(Date.now() / PERIOD_MS);
    // Both usable steps (current, next) used: wait until `last` is the current step.
    if (last > current) {
      await sleep(last * PERIOD_MS - Date.now() + 200);
      current = Math.floor(Date.now() / PERIOD_MS);
    }
    const step = Math.max(current, last + 1);
    writeFileSync(path, String(step));
    return await submit(totpCode(secret, 0, step * PERIOD_MS));
  } finally {
    release();
  }
}

/**
 * Enrol a TOTP factor for an account that has none yet, through the API as its owner would: the
 * password step gives an enrollment-only token, which starts and confirms the enrollment. Returns
 * the secret; log in later through `withTotpCode(baseUrl, username, secret, …)`.
 */
export async function enrollTotp(baseUrl: string, username: string, password: string): Promise<string> {
  const post = async (path: string, body: unknown, token?: string) => {
    const response = await fetch(`${baseUrl}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: response.status, json: (await response.json().catch(() => undefined)) as any };
  };
  const login = await post('/api/auth/login', { username, password });
  if (login.status !== 200 || !login.json.mfaEnrollmentRequired) throw new Error(`${username}: expected an enrollment-only login, got ${login.status}`);
  const started = await post('/api/auth/totp/enrollment', undefined, login.json.token);
  if (started.status !== 200) throw new Error(`${username}: enrollment start answered ${started.status}`);
  const secret = started.json.secret as string;
  // Through the step allocator: the confirmed step counts as used, like a login's.
  const confirmed = await withTotpCode(baseUrl, username, secret, (code) => post('/api/auth/totp/enrollment/confirm', { code }, login.json.token));
  if (confirmed.status !== 200) throw new Error(`${username}: enrollment confirm answered ${confirmed.status}`);
  return secret;
}
