import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDocumentClient } from '../../functions/src/data/client.js';
import { keys } from '../../functions/src/data/keys.js';
import { LOCAL_ACCOUNT_CACHE_MS } from '../../functions/src/auth/account-principals.js';
import { freePort } from '../../infra/local/ports.js';
import { startLocalStack, type LocalStack } from '../../infra/local/stack.js';
import { DEMO_ROUND_NAMES } from '../../infra/local/seed-sampling.js';
import { DEMO_CALLBACK_PHONE, DEMO_NAMED_CASES, LATE_CASES, LATE_UNITS } from '../../infra/local/seed-cases.js';
import { addDays, chinaDay } from '../../shared/src/domain/china-time.js';
import { demoSecret, totpCode, withDemoCode } from '../support/demo-totp.js';

/**
 * The local stack as `npm start` runs it (without the web app): its own DynamoDB Local persisted
 * under a data folder, the demo county seeded once, the API on a real socket. Then a restart on the
 * same folder must find the same data and must not seed again.
 */

const DEMO_LOGIN = { username: 'admin', password: 'Manyi-demo-2026' };

const dataDir = mkdtempSync(join(tmpdir(), 'manyi-stack-'));
let stack: LocalStack | undefined;

beforeAll(async () => {
  process.env.MANYI_QUIET = '1';
  dynamoPort = await freePort();
});

afterAll(async () => {
  await stack?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

/** `npm start` keeps DynamoDB Local on one port (DYNAMODB_PORT, 8000 by default); so do these restarts. */
let dynamoPort: number;

/** What the stack printed while starting (npm start shows these lines). */
const logged: string[] = [];

async function start(options: { dynamoPort?: number } = { dynamoPort }): Promise<LocalStack> {
  return startLocalStack({ port: await freePort(), web: false, dataDir, log: (line) => logged.push(line), ...options });
}

async function api(path: string, init: { token?: string; body?: unknown } = {}): Promise<{ status: number; json: any }> {
  const response = await fetch(`${stack!.url}${path}`, {
    method: init.body === undefined ? 'GET' : 'POST',
    headers: {
      ...(init.token ? { authorization: `Bearer ${init.token}` } : {}),
      ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
  });
  const text = await response.text();
  return { status: response.status, json: text ? JSON.parse(text) : undefined };
}

/** Ratings of every listed window over the last 60 days (and a margin), summed from the report. */
async function ratingsReported(token: string): Promise<{ windows: number; n: number }> {
  const { json } = await api('/api/windows', { token });
  const today = chinaDay(new Date());
  let n = 0;
  for (const window of json.windows as { code: string }[]) {
    const query = new URLSearchParams({ window: window.code, from: addDays(today, -61), to: today });
    const report = await api(`/api/results/satisfaction?${query}`, { token });
    expect(report.status, window.code).toBe(200);
    n += report.json.n as number;
  }
  return { windows: json.windows.length, n };
}

async function seedMarker(): Promise<Record<string, unknown> | undefined> {
  const doc = createDocumentClient({ region: 'local', endpoint: stack!.dynamo.endpoint });
  try {
    const { Item } = await doc.send(new GetCommand({ TableName: stack!.tables.ops, Key: keys.seedMarker(), ConsistentRead: true }));
    return Item;
  } finally {
    doc.destroy();
  }
}

describe('the local stack (npm start)', () => {
  let firstRun: { windows: number; n: number; token: string; marker: Record<string, unknown> | undefined };

  it('seeds the demo county: at least 12 windows, staff with pledges, and a few hundred ratings over the last 60 days', async () => {
    // Prepare
    stack = await start();

    // Act: password, then the code of the fixed demo secret (what `npm run totp -- admin` prints).
    const password = await api('/api/auth/login', { body: DEMO_LOGIN });
    const login = await withDemoCode(stack.url, 'admin', (code) => api('/api/auth/login/totp', { body: { challenge: password.json.challenge, code } }));
    const { json: list } = await api('/api/windows', { token: login.json.token });
    const card = await api(`/api/public/windows/${list.windows[0].code}`);
    const reported = await ratingsReported(login.json.token);
    const marker = await seedMarker();

    // Assess
    // DynamoDB Local cannot bind to 127.0.0.1 and takes any credentials: the start says so, with its port (finding 3.7).
    expect(logged.some((line) => line.includes(`port ${dynamoPort} of every network interface`) && line.includes('accepts any credentials'))).toBe(true);
    expect(password.json).toMatchObject({ mfaRequired: true });
    expect(login.status).toBe(200);
    expect(login.json.account.role).toBe('system-admin');
    expect(list.windows.length).toBeGreaterThanOrEqual(12);
    expect(card.status).toBe(200);
    expect(card.json.staffOnDuty.length).toBeGreaterThan(0);
    for (const person of card.json.staffOnDuty) {
      expect(person.name).not.toBe('');
      expect(person.pledge.length).toBeGreaterThan(4);
    }
    expect(reported.n).toBeGreaterThanOrEqual(100);
    expect(reported.n).toBeLessThan(1000);
    // The demo's ratings, the 实名差评 the 差评整改 seed adds for their 回访, and the late 差评 of its 问责建议 (seed-cases.ts).
    expect(Number(marker?.ratings) + DEMO_NAMED_CASES + LATE_UNITS * LATE_CASES).toBe(reported.n);
    firstRun = { ...reported, token: login.json.token, marker };
  });

  it('seeds 阳光测评: 办件, a closed round with results and an open one whose outbox has links to answer', async () => {
    const token = firstRun.token;
    const { json } = await api('/api/sampling-rounds?unitId=jn-qh-lj', { token });
    const byName = new Map((json.rounds as { name?: string; roundId: string; state: string; config: { name: string }; drawnBy: string; closedBy?: string; seed?: string }[]).map((round) => [round.config.name, round]));
    const closed = byName.get(DEMO_ROUND_NAMES.closed)!;
    const open = byName.get(DEMO_ROUND_NAMES.open)!;
    expect(closed).toMatchObject({ state: 'closed', drawnBy: 'cepingyuan', closedBy: 'admin' });
    expect(closed.seed).toMatch(/^[0-9a-f]{64}$/);
    expect(open.state).toBe('sending');
    const results = await api(`/api/sampling-rounds/${closed.roundId}/results`, { token });
    expect(results.status).toBe(200);
    expect(results.json.funnel).toMatchObject({ drawn: 60, sent: 60 });
    expect(results.json.funnel.responded).toBeGreaterThanOrEqual(30);
    expect(results.json.estimate.satisfied.ok).toBe(true);
    const outbox = await api(`/api/sampling-rounds/${open.roundId}/outbox`, { token });
    expect(outbox.json.messages).toHaveLength(30);
    const answerable = [];
    for (const message of outbox.json.messages as { link: string }[]) {
      const lookup = await api('/api/public/sampling-invitations/lookup', { body: { token: message.link.slice(message.link.lastIndexOf('/s/') + 3) } });
      if (lookup.status === 200) answerable.push(message);
    }
    expect(answerable.length).toBeGreaterThan(10);
    expect(logged.some((line) => line.includes('seeded 阳光测评'))).toBe(true);
  });

  it('seeds 差评整改: the demo’s 差评 opened their cases — open, overdue and worked ones, closed, under a deadline and appealed', async () => {
    const token = firstRun.token;
    const today = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);
    const unitId = /seeded 差评整改: \d+ cases of unit (\S+)/.exec(logged.find((line) => line.includes('seeded 差评整改')) ?? '')?.[1];
    expect(unitId).toBeTruthy();
    const queue = async (state: string) => (await api(`/api/cases?unitId=${unitId}&state=${state}&limit=200`, { token })).json.items as { caseId: string; overdue: boolean; due?: string }[];
    const [pending, closed, deadline, appealing, fixed] = await Promise.all([queue('pending'), queue('closed'), queue('deadline'), queue('appealing'), queue('fixed')]);
    expect(closed).toHaveLength(3);
    // The 实名差评: fixed, their 回访 to record, the number behind 查看联系方式 (the demo's fictitious one).
    expect(fixed).toHaveLength(DEMO_NAMED_CASES);
    const named = (await api(`/api/cases/${fixed[0]!.caseId}`, { token })).json;
    expect(named).toMatchObject({ named: true, next: ['called-back'] });
    expect(JSON.stringify(named)).not.toContain(DEMO_CALLBACK_PHONE);
    expect(deadline).toHaveLength(1);
    expect(appealing).toHaveLength(1);
    // The rest of the unit's 差评 wait for verification, the older ones overdue.
    expect(pending.some((item) => item.overdue && item.due! < today)).toBe(true);
    // The sweep at start escalated the overdue ones to the county (the unit's parent), and says so.
    const swept = /超期 sweep of \S+: \d+ units, \d+ overdue cases not yet escalated, (\d+) escalated/.exec(logged.find((line) => line.includes('超期 sweep')) ?? '');
    expect(Number(swept?.[1])).toBeGreaterThan(0);
    const escalated = (await api(`/api/cases?unitId=jn-qh-lj&escalated=true&limit=200`, { token })).json.items as { unitId: string; escalated: boolean; overdue: boolean }[];
    expect(escalated.length).toBe(Number(swept?.[1]));
    expect(escalated.every((item) => item.escalated && item.overdue)).toBe(true);
    // 问责台账: the demo's 通报 for last month, in the county's register of that month.
    const lastMonth = addDays(`${today.slice(0, 8)}01`, -1).slice(0, 7);
    const register = (await api(`/api/accountability-records?unitId=jn-qh-lj&period=${lastMonth}`, { token })).json.items as { kind: string; subjectType: string }[];
    expect(register.filter((item) => item.kind === 'notice' && item.subjectType === 'window')).toHaveLength(1);
    const worked = (await api(`/api/cases/${closed[0]!.caseId}`, { token })).json;
    expect(worked.events.map((event: { to: string }) => event.to)).toEqual(expect.arrayContaining(['closed']));
  });

  it('prints the current code of a demo account with npm run totp', () => {
    const run = spawnSync(process.execPath, ['--import', 'tsx', 'infra/local/totp.ts', 'admin'], { encoding: 'utf8' });
    const now = Date.now();
    expect(run.status).toBe(0);
    expect([totpCode(demoSecret('admin')!, 0, now), totpCode(demoSecret('admin')!, -1, now)]).toContain(run.stdout.trim());
    expect(run.stderr).toMatch(/demo-only/);
    expect(spawnSync(process.execPath, ['--import', 'tsx', 'infra/local/totp.ts', 'nobody'], { encoding: 'utf8' }).status).toBe(2);
  });

  it('keeps the data across a restart on the same data folder, without seeding it again', async () => {
    // Prepare: a data folder seeded before second factors were required has no demo factor.
    expect(firstRun, 'the first start must have succeeded').toBeDefined();
    const doc = createDocumentClient({ region: 'local', endpoint: stack!.dynamo.endpoint });
    await doc.send(new UpdateCommand({ TableName: stack!.tables.ops, Key: keys.account('admin'), UpdateExpression: 'REMOVE totpSecret' }));
    doc.destroy();
    await stack!.stop();
    stack = undefined;

    // Act
    stack = await start();
    const reported = await ratingsReported(firstRun.token);
    const marker = await seedMarker();
    const password = await api('/api/auth/login', { body: DEMO_LOGIN });

    // Assess: the same ratings, the same seed marker, and the old session still valid (same secrets).
    expect(reported).toEqual({ windows: firstRun.windows, n: firstRun.n });
    expect(marker).toEqual(firstRun.marker);
    // …and the restart gave the demo admin its fixed second factor back.
    expect(password.json).toMatchObject({ mfaRequired: true });
  });

  it('serves a stack started again in the same process from its own DynamoDB Local, not the stopped one', async () => {
    // Prepare: this time DynamoDB Local gets whatever free port startLocalStack picks.
    expect(firstRun, 'the first start must have succeeded').toBeDefined();
    await stack!.stop();
    stack = undefined;

    // Act
    stack = await start({});
    const windows = await api('/api/windows', { token: firstRun.token });

    // Assess
    expect(windows.status).toBe(200);
    expect(windows.json.windows).toHaveLength(firstRun.windows);
  });

  it('ends the session on logout: the same token is refused at once, as npm start runs it (finding 3.2)', async () => {
    expect(firstRun, 'the first start must have succeeded').toBeDefined();
    const loggedOut = await api('/api/auth/logout', { token: firstRun.token, body: {} });
    expect(loggedOut.status).toBe(200);
    // The account check caches for a few seconds per process (LOCAL_ACCOUNT_CACHE_MS); the logout cleared nothing by hand.
    await new Promise((resolve) => setTimeout(resolve, LOCAL_ACCOUNT_CACHE_MS + 100));
    expect((await api('/api/windows', { token: firstRun.token })).status).toBe(401);
  });
});
