import { readFileSync, writeFileSync } from 'node:fs';
import { demoCounty } from '../../infra/local/demo-county.js';
import { demoSecret, stateFile, withDemoCode } from './demo-totp.js';

/** Small helpers for tests that talk to a running local stack over HTTP. */

async function post(baseUrl: string, path: string, body: unknown): Promise<{ status: number; json: any }> {
  const response = await fetch(`${baseUrl}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: response.status, json: await response.json().catch(() => undefined) };
}

/**
 * A session token. Demo accounts (admin, pingyi) log in with password and TOTP code; their session
 * is kept for the rest of the run (one login per stack, not one per test file: each TOTP step logs
 * in once, so logins are a scarce 2 per 30 s). Other accounts log in with the password only and get
 * whatever the API answers (an enrollment-only token if their role needs a factor they lack).
 */
export async function loginToken(baseUrl: string, username = 'admin', password = 'Manyi-demo-2026'): Promise<string> {
  if (!demoSecret(username)) {
    const reply = await post(baseUrl, '/api/auth/login', { username, password });
    if (reply.status !== 200 || !reply.json?.token) throw new Error(`login failed: ${reply.status}`);
    return reply.json.token as string;
  }
  const cached = await cachedSession(baseUrl, username);
  if (cached) return cached;
  const first = await post(baseUrl, '/api/auth/login', { username, password });
  if (first.status !== 200 || !first.json?.mfaRequired) throw new Error(`login failed: ${first.status}`);
  const done = await withDemoCode(baseUrl, username, (code) => post(baseUrl, '/api/auth/login/totp', { challenge: first.json.challenge, code }));
  if (done.status !== 200) throw new Error(`login (TOTP step) failed: ${done.status} ${JSON.stringify(done.json)}`);
  writeFileSync(stateFile(baseUrl, username, 'session'), JSON.stringify({ token: done.json.token, expiresAt: done.json.expiresAt }));
  return done.json.token as string;
}

/** A kept session that the stack still accepts (a stack restarted on the same port has a new key). */
async function cachedSession(baseUrl: string, username: string): Promise<string | undefined> {
  let saved: { token: string; expiresAt: string };
  try {
    saved = JSON.parse(readFileSync(stateFile(baseUrl, username, 'session'), 'utf8'));
  } catch {
    return undefined;
  }
  if (Date.parse(saved.expiresAt) - Date.now() < 30 * 60_000) return undefined;
  const probe = await fetch(`${baseUrl}/api/windows?limit=1`, { headers: { authorization: `Bearer ${saved.token}` } });
  return probe.status === 200 ? saved.token : undefined;
}

/** The demo county's own windows (infra/local/demo-county.ts): not those other test files create on the shared stack. */
const DEMO_CODES = new Set(demoCounty().windows.map((window) => window.code));

/** The demo county's windows in the API's order (GET /api/windows), whatever other test files added meanwhile. */
export async function demoWindows(baseUrl: string, token: string): Promise<{ code: string; name: string; unitName: string }[]> {
  const response = await fetch(`${baseUrl}/api/windows`, { headers: { authorization: `Bearer ${token}` } });
  return ((await response.json()) as { windows: { code: string; name: string; unitName: string }[] }).windows.filter((window) => DEMO_CODES.has(window.code));
}

export async function windowCounts(baseUrl: string, token: string, code: string, from: string, to: string) {
  const response = await fetch(`${baseUrl}/api/results/satisfaction?window=${code}&from=${from}&to=${to}`, {
    headers: { authorization: `Bearer ${token}` },
  });
  return (await response.json()) as { n: number; counts: Record<'1' | '2' | '3' | '4' | '5', number> };
}

/**
 * One step of a 阳光测评 round through the API (commit, freeze, draw), called again while it answers
 * a job unfinished: a freeze answers 已承诺 with `freezing` until the frame is fixed, a draw answers
 * `sampleWritten` below `drawn` until the sample is stored (again with the same body: its public
 * input). The browser-test stack gives each call a 0 ms budget, so a freeze takes several calls.
 * Answers the last reply, which the caller checks.
 */
export async function advanceRound(baseUrl: string, token: string, roundId: string, step: 'commit' | 'freeze' | 'draw', body?: unknown): Promise<{ status: number; json: any; calls: number }> {
  for (let calls = 1; calls <= 100; calls++) {
    const response = await fetch(`${baseUrl}/api/sampling-rounds/${roundId}/${step}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const json = await response.json().catch(() => undefined);
    const unfinished = (step === 'freeze' && json?.state === 'committed') || (step === 'draw' && typeof json?.sampleWritten === 'number' && json.sampleWritten < json.drawn);
    if (response.status !== 200 || !unfinished) return { status: response.status, json, calls };
  }
  throw new Error(`the ${step} of ${roundId} is unfinished after 100 calls`);
}
