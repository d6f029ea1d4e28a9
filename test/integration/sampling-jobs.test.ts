import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Principal } from '../../functions/src/auth/principal.js';
import { keys } from '../../functions/src/data/keys.js';
import { nodeDrawCrypto } from '../../functions/src/use-cases/sampling/draw-crypto.js';
import { commitRound, drawRound, freezeRound, freezeWholly, monthsBetween, roundDrawPack } from '../../functions/src/use-cases/sampling/draw-round.js';
import { createRound } from '../../functions/src/use-cases/sampling/rounds.js';
import { verifyDrawPack } from '../../shared/src/domain/sampling/draw-verify.js';
import type { RoundConfig } from '../../shared/src/contracts/sampling/rounds.js';
import { RoundConfigInput } from '../../shared/src/contracts/sampling/rounds.js';
import { createGateway } from '../../infra/local/gateway.js';
import { httpEvent, jsonHeaders } from '../support/http-events.js';
import { isolatedTables, type IsolatedTables } from '../support/isolated-tables.js';
import { call, queryPartition, type Reply } from './fixtures.js';

/**
 * Freezing and drawing are jobs (issue 13 §4; decision 0021), run here with the least progress per
 * call (a budget of 0 ms): a freeze reads four unit months per call and answers the round still
 * 已承诺 with how far it has read, until the call that has read them all fixes the frame — the
 * same frame a freeze in one call fixes; two tabs continuing the same freeze at once fix it once;
 * a job left for a day starts over. A draw stores 200 drawn entries per call: until the sample is
 * whole nothing is sent or closed, and it goes on only with the same public input.
 */
const endpoint = inject('dynamoEndpoint');
const gateway = createGateway();
let t: IsolatedTables;

const ADMIN: Principal = { username: 'root.admin', role: 'system-admin', unitId: 'p1' };
const COUNTY_ADMIN: Principal = { username: 'county.admin', role: 'unit-admin', unitId: 'c1' };
const DRAWER: Principal = { username: 'county.drawer', role: 'unit-admin', unitId: 'c1' };
const tokens = new Map<string, string>();
const STEP = { budgetMs: 0 };

async function as(principal: Principal, method: 'GET' | 'POST', path: string, body?: unknown): Promise<Reply> {
  const event = httpEvent('GET', path, {
    headers: { authorization: `Bearer ${tokens.get(principal.username)!}`, ...(body !== undefined ? jsonHeaders : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  event.requestContext.http.method = method;
  return call(gateway, event);
}

const chinaDay = (instant: Date) => instant.toLocaleDateString('sv-SE', { timeZone: 'Asia/Shanghai' });
const DAY = 86_400_000;
const today = chinaDay(new Date());
/** Six units (the county and five departments) × the months the 40-day period touches, read 4 per call. */
const UNITS = ['d1', 'd2', 'd3', 'd4', 'd5'];
const PEOPLE = 260;
const config = (n: number): RoundConfig =>
  RoundConfigInput.parse({
    name: '临江县 作业测试',
    unitId: 'c1',
    period: { from: chinaDay(new Date(Date.now() - 40 * DAY)), to: today },
    strataBy: 'unit',
    size: { mode: 'total', n },
    allocation: { method: 'proportional' },
    quarantineDays: 0,
    invitationText: '诚邀您评价：{link}',
    deadline: today,
  });
const PARTITIONS = (UNITS.length + 1) * monthsBetween(chinaDay(new Date(Date.now() - 40 * DAY)), today).length;

beforeAll(async () => {
  t = await isolatedTables(endpoint);
  t.install();
  for (const principal of [ADMIN, COUNTY_ADMIN, DRAWER]) tokens.set(principal.username, (await t.runtime.tokens.issue(principal, new Date())).token);
  expect((await as(ADMIN, 'POST', '/api/org/units', { id: 'p1', name: '江南省', parentId: null })).status).toBe(201);
  expect((await as(ADMIN, 'POST', '/api/org/units', { id: 'c1', name: '临江县', parentId: 'p1' })).status).toBe(201);
  for (const id of UNITS) expect((await as(ADMIN, 'POST', '/api/org/units', { id, name: `临江县${id}局`, parentId: 'c1' })).status).toBe(201);
  const credential = (await as(COUNTY_ADMIN, 'POST', '/api/integration-clients', { unitId: 'c1', name: '一窗受理系统' })).json.credential as string;
  // 260 people over five departments and two months; the first 30 came twice (their later 办件, in another department, counts).
  const records: Record<string, unknown>[] = [];
  for (let person = 0; person < PEOPLE; person++) {
    const mobile = `1380001${String(person).padStart(4, '0')}`;
    records.push(record(`J-${person}`, UNITS[person % UNITS.length]!, new Date(Date.now() - (person % 2 ? 35 : 3) * DAY), mobile));
    if (person < 30) records.push(record(`J-${person}-b`, UNITS[(person + 1) % UNITS.length]!, new Date(Date.now() - 1 * DAY), mobile));
  }
  for (let from = 0; from < records.length; from += 500) {
    const pushed = await call(gateway, httpEvent('POST', '/api/service-records', { headers: { authorization: `Bearer ${credential}`, ...jsonHeaders }, body: JSON.stringify({ records: records.slice(from, from + 500) }) }));
    expect(pushed.json.stored).toBe(records.slice(from, from + 500).length);
  }
});

afterAll(() => t?.close());

function record(projNo: string, unitId: string, finished: Date, applicantMobile: string) {
  return { projNo, unitId, serviceItem: '营业执照设立登记', finishedAt: finished.toISOString(), servedVia: 'window', applicantType: 'person', applicantMobile };
}

async function committedRound(n: number): Promise<string> {
  const round = await createRound(t.runtime, COUNTY_ADMIN, config(n));
  expect((await commitRound(t.runtime, COUNTY_ADMIN, round.roundId)).state).toBe('committed');
  return round.roundId;
}

describe('freezing, a job', () => {
  it('reads four unit months per call, shows how far it has read, and fixes the frame a one-call freeze fixes', async () => {
    const roundId = await committedRound(250);
    const seen: number[] = [];
    let view = await freezeRound(t.runtime, COUNTY_ADMIN, roundId, STEP);
    while (view.state === 'committed') {
      expect(view.freezing?.partitions).toBe(PARTITIONS);
      seen.push(view.freezing!.staged);
      // The page reloaded in between shows the same progress.
      expect((await as(COUNTY_ADMIN, 'GET', `/api/sampling-rounds/${roundId}`)).json.freezing).toEqual(view.freezing);
      view = await freezeRound(t.runtime, COUNTY_ADMIN, roundId, STEP);
    }
    expect(seen).toEqual(Array.from({ length: Math.ceil(PARTITIONS / 4) - 1 }, (_, i) => Math.min((i + 1) * 4, PARTITIONS)));
    expect(view.state).toBe('frozen');
    expect(view.freezing).toBeUndefined();
    expect(view.frame).toEqual({ matched: PEOPLE + 30, withoutMobile: 0, people: PEOPLE, quarantined: 0, N: PEOPLE });

    // The same configuration frozen in one call: the same counts and N_h (entry ids differ by round).
    const once = await committedRound(250);
    const whole = await freezeRound(t.runtime, COUNTY_ADMIN, once, { budgetMs: 60_000 });
    expect(whole.state).toBe('frozen');
    expect(whole.frame).toEqual(view.frame);
    expect(whole.strata).toEqual(view.strata);
    // Each department: 46 people whose only 办件 is there, and 6 whose later 办件 moved them there.
    expect(view.strata!.map((stratum) => [stratum.key, stratum.N])).toEqual(UNITS.map((unit) => [unit, 52]));

    // Audited as it went: one line per call.
    const audit = await t.runtime.audit.listDay(today, { limit: 1000 });
    expect(audit.entries.filter((entry) => entry.objectId === roundId && entry.action === 'round.freeze' && entry.result === 'ok')).toHaveLength(seen.length + 1);
  });

  it('fixes the frame once when two tabs continue the same freeze at once', async () => {
    const roundId = await committedRound(100);
    // From the very first call: two jobs start at once, and only one call may write the frame.
    let views: Awaited<ReturnType<typeof freezeRound>>[] = [];
    for (let calls = 0; (calls === 0 || views.every((view) => view.state === 'committed')) && calls < 20; calls++) {
      const settled = await Promise.allSettled([freezeRound(t.runtime, COUNTY_ADMIN, roundId, STEP), freezeRound(t.runtime, COUNTY_ADMIN, roundId, STEP)]);
      // A call that loses the race to the last step is a 409 (the round is frozen now), never a 500.
      for (const result of settled) if (result.status === 'rejected') expect((result.reason as { statusCode?: number }).statusCode, String(result.reason)).toBe(409);
      views = settled.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
    }
    const round = (await t.runtime.rounds.get(roundId))!;
    expect(round.state).toBe('frozen');
    expect(round.frame?.N).toBe(PEOPLE);
    // The frame's chunks are the frame its hash was made of: draw, close and verify the pack.
    await drawRound(t.runtime, DRAWER, roundId, 'two-tabs', { budgetMs: 60_000 });
    expect((await as(ADMIN, 'POST', `/api/sampling-rounds/${roundId}/close`)).status).toBe(200);
    const pack = await roundDrawPack(t.runtime, COUNTY_ADMIN, roundId);
    expect(pack.frame).toHaveLength(PEOPLE);
    expect(verifyDrawPack(pack, nodeDrawCrypto).filter((check) => !check.ok)).toEqual([]);
    // The frame fixed, the stages of the job that merged are gone (pseudonyms and contact ids are not kept for their TTL).
    const { jobId } = (await t.runtime.rounds.get(roundId))!.freezing!;
    expect(await queryPartition(t.doc, t.tables.ops, keys.roundStagePartition(roundId, jobId))).toEqual([]);
  });

  it('reads a unit month staged twice as its marker’s writer wrote it, never a mix of two reads', async () => {
    const roundId = await committedRound(10);
    const person = (phoneKey: string) => ({ phoneKey, stratum: 'd1', unitId: 'd1', contactId: `c-${phoneKey}`, finishedAt: new Date().toISOString(), projNo: `P-${phoneKey}` });
    const month = { unitId: 'd1', month: today.slice(0, 7) };
    await t.runtime.rounds.writeStage(roundId, 'job1', month, { matched: 3, withoutMobile: 1, candidates: [person('a'), person('b')] }, 0);
    await t.runtime.rounds.writeStage(roundId, 'job1', month, { matched: 2, withoutMobile: 0, candidates: [person('c')] }, 0);
    const stages = [];
    for await (const stage of t.runtime.rounds.readStages(roundId, 'job1')) stages.push(stage);
    expect(stages.reduce((sum, stage) => sum + stage.matched, 0)).toBe(2);
    expect(stages.flatMap((stage) => stage.candidates.map((candidate) => candidate.phoneKey))).toEqual(['c']);
    // Left out when the call merging read the month itself.
    const without = [];
    for await (const stage of t.runtime.rounds.readStages(roundId, 'job1', new Set([`d1#${month.month}`]))) without.push(...stage.candidates);
    expect(without).toEqual([]);
    await t.runtime.rounds.deleteStages(roundId, 'job1');
    expect(await queryPartition(t.doc, t.tables.ops, keys.roundStagePartition(roundId, 'job1'))).toEqual([]);
  });

  it('merges only under the lease: a call while another merges answers the progress, and the frame waits for the holder', async () => {
    const roundId = await committedRound(100);
    let view = await freezeRound(t.runtime, COUNTY_ADMIN, roundId, STEP);
    while (view.freezing && view.freezing.staged + 4 < view.freezing.partitions) view = await freezeRound(t.runtime, COUNTY_ADMIN, roundId, STEP);
    expect(await t.runtime.rounds.leaseMerge(roundId, 'another-call', new Date(), 60_000)).toBe(true);
    view = await freezeRound(t.runtime, COUNTY_ADMIN, roundId, STEP);
    expect(view.state).toBe('committed');
    expect(view.freezing).toEqual({ staged: PARTITIONS, partitions: PARTITIONS });
    // The holder died: after its lease, the next call merges.
    expect(await t.runtime.rounds.leaseMerge(roundId, 'another-call', new Date(Date.now() - 120_000), 60_000)).toBe(false);
    await t.runtime.rounds.leaseMerge(roundId, 'expired', new Date(Date.now() + 120_000), -180_000);
    expect((await freezeRound(t.runtime, COUNTY_ADMIN, roundId, STEP)).state).toBe('frozen');
  });

  it('starts over when the job was left for a day: the frame is never made of reads days apart', async () => {
    const roundId = await committedRound(100);
    const first = await freezeRound(t.runtime, COUNTY_ADMIN, roundId, STEP);
    expect(first.freezing?.staged).toBe(4);
    const second = await freezeRound(t.runtime, COUNTY_ADMIN, roundId, STEP);
    expect(second.freezing?.staged).toBe(8);
    const stored = (await t.runtime.rounds.get(roundId))!;
    await t.runtime.rounds.transition(roundId, ['committed'], { freezing: { ...stored.freezing!, startedAt: new Date(Date.now() - 2 * DAY).toISOString() } });
    const again = await freezeRound(t.runtime, COUNTY_ADMIN, roundId, STEP);
    expect(again.freezing?.staged).toBe(4);
    expect((await t.runtime.rounds.get(roundId))!.freezing!.jobId).not.toBe(stored.freezing!.jobId);
    expect((await freezeWholly(t.runtime, COUNTY_ADMIN, roundId, STEP)).frame?.N).toBe(PEOPLE);
  });

  it('refuses a freeze outside 已承诺 (409) and a committee member (403) before reading anything', async () => {
    const roundId = (await createRound(t.runtime, COUNTY_ADMIN, config(10))).roundId;
    expect((await as(COUNTY_ADMIN, 'POST', `/api/sampling-rounds/${roundId}/freeze`)).status).toBe(409);
  });
});

describe('drawing, a job', () => {
  it('stores 200 drawn entries per call; sending and closing wait for the whole sample; it goes on only with the same public input', async () => {
    const roundId = await committedRound(250);
    await freezeWholly(t.runtime, COUNTY_ADMIN, roundId);
    const first = await drawRound(t.runtime, DRAWER, roundId, '8341', STEP);
    expect(first).toMatchObject({ state: 'drawn', drawn: 250, sampleWritten: 200, publicInput: '8341' });
    expect(await t.runtime.rounds.readSample(roundId)).toHaveLength(200);

    const send = await as(COUNTY_ADMIN, 'POST', `/api/sampling-rounds/${roundId}/send`);
    expect(send.status).toBe(409);
    expect(send.json.error.issues[0].field).toBe('state');
    expect(send.json.error.message).toContain('200 of 250');
    expect((await as(ADMIN, 'POST', `/api/sampling-rounds/${roundId}/close`)).status).toBe(409);

    const other = await as(DRAWER, 'POST', `/api/sampling-rounds/${roundId}/draw`, { publicInput: '9999' });
    expect(other.status).toBe(409);
    expect(other.json.error.issues[0].field).toBe('publicInput');
    expect(other.json.error.message).toContain('"8341"');

    const rest = await as(DRAWER, 'POST', `/api/sampling-rounds/${roundId}/draw`, { publicInput: '8341' });
    expect(rest.status).toBe(200);
    expect(rest.json).toMatchObject({ state: 'drawn', drawn: 250, sampleWritten: 250 });
    expect(await t.runtime.rounds.readSample(roundId)).toHaveLength(250);
    expect((await as(DRAWER, 'POST', `/api/sampling-rounds/${roundId}/draw`, { publicInput: '8341' })).status).toBe(409);

    // The whole sample is the draw's: the pack verifies after the close.
    expect((await as(COUNTY_ADMIN, 'POST', `/api/sampling-rounds/${roundId}/send`)).status).toBe(200);
    expect((await as(ADMIN, 'POST', `/api/sampling-rounds/${roundId}/close`)).status).toBe(200);
    const pack = await roundDrawPack(t.runtime, COUNTY_ADMIN, roundId);
    expect(pack.sample).toHaveLength(250);
    expect(verifyDrawPack(pack, nodeDrawCrypto).filter((check) => !check.ok)).toEqual([]);
  });

  it('never overwrites a stored sample item: a late repeat of a step leaves the invitation as it is', async () => {
    const roundId = await committedRound(5);
    await freezeWholly(t.runtime, COUNTY_ADMIN, roundId);
    await drawRound(t.runtime, DRAWER, roundId, '', STEP);
    const [item] = await queryPartition(t.doc, t.tables.ops, keys.roundSamplePartition(roundId));
    await t.doc.send(new PutCommand({ TableName: t.tables.ops, Item: { ...item, state: 'sent' } }));
    await t.runtime.rounds.writeSample(roundId, await t.runtime.rounds.readSample(roundId));
    const after = await queryPartition(t.doc, t.tables.ops, keys.roundSamplePartition(roundId));
    expect(after.find((other) => other.sk === item!.sk)?.state).toBe('sent');
    expect(after.filter((other) => other.state === 'drawn')).toHaveLength(4);
  });
});
