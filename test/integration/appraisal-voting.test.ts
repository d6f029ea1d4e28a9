import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Principal } from '../../functions/src/auth/principal.js';
import { createGateway } from '../../infra/local/gateway.js';
import { CODE_LENGTH } from '../../shared/src/domain/appraisal/ballot-code.js';
import { chinaDay } from '../../shared/src/domain/china-time.js';
import { httpEvent, jsonHeaders } from '../support/http-events.js';
import { isolatedTables, type IsolatedTables } from '../support/isolated-tables.js';
import { call, callerAs, type Reply } from './fixtures.js';

/**
 * Voting through the routes (issue 14 §1–2; decision 0027): 开放 answers the PDF of slips — the
 * only place the codes are in clear — and a voter's code opens the ballot, casts it once, and is
 * refused in the voter's words when used (此票码已使用), unknown (不是有效的票码; too many from one
 * client: 429) or after the close (评议已截止). Nothing printed while voting names a code.
 */
const endpoint = inject('dynamoEndpoint');
const gateway = createGateway();
let t: IsolatedTables;
const ADMIN: Principal = { username: 'root.admin', role: 'system-admin', unitId: 'p1' };
const COUNTY_ADMIN: Principal = { username: 'county.admin', role: 'unit-admin', unitId: 'c1' };
const tokens = new Map<string, string>();
const as = callerAs(gateway, tokens);
const vote = (path: string, body: unknown, sourceIp = '203.0.113.7'): Promise<Reply> => {
  const event = httpEvent('POST', path, { headers: jsonHeaders, body: JSON.stringify(body) });
  event.requestContext.http.sourceIp = sourceIp;
  return call(gateway, event);
};

const UNKNOWN_LIMIT = 4;

beforeAll(async () => {
  t = await isolatedTables(endpoint, { throttle: { codeFailuresPerClient: UNKNOWN_LIMIT } });
  t.install();
  for (const principal of [ADMIN, COUNTY_ADMIN]) tokens.set(principal.username, (await t.runtime.tokens.issue(principal, new Date())).token);
  for (const [id, name, parentId] of [
    ['p1', '江南省', null],
    ['c1', '临江县', 'p1'],
    ['d1', '临江县市场监督管理局', 'c1'],
    ['d2', '临江县税务局', 'c1'],
  ] as const) {
    expect((await as(ADMIN, 'POST', '/api/org/units', { id, name, parentId })).status).toBe(201);
  }
});

afterAll(() => t?.close());

async function pdfText(base64: string): Promise<string[]> {
  const pdf = await getDocument({ data: new Uint8Array(Buffer.from(base64, 'base64')), useSystemFonts: false, isEvalSupported: false }).promise;
  const pages: string[] = [];
  for (let n = 1; n <= pdf.numPages; n++) pages.push((await (await pdf.getPage(n)).getTextContent()).items.map((item) => ('str' in item ? item.str : '')).join(''));
  await pdf.destroy();
  return pages;
}

const config = {
  unitId: 'c1',
  name: '2026年机关作风评议',
  year: 2026,
  kind: 'conduct',
  subjects: [
    { type: 'unit', id: 'd1' },
    { type: 'unit', id: 'd2' },
  ],
  groups: [
    { name: '服务对象', weightPct: 60, ballots: 12 },
    { name: '机关干部', weightPct: 40, ballots: 3 },
  ],
};

describe('voting through the routes', () => {
  let campaignId = '';
  let codes: string[] = [];

  it('opens a campaign with the PDF of its slips, the codes nowhere else', async () => {
    const created = await as(COUNTY_ADMIN, 'POST', '/api/appraisal-campaigns', config);
    expect(created.status).toBe(201);
    campaignId = created.json.campaignId as string;
    const opened = await as(COUNTY_ADMIN, 'POST', `/api/appraisal-campaigns/${campaignId}/open`);
    expect(opened.status).toBe(200);
    expect(opened.headers['content-type']).toBe('application/pdf');
    expect(opened.headers['x-manyi-codes-issued']).toBe('15');
    const pages = await pdfText(opened.text);
    codes = pages.join('\n').match(/[0-9A-HJKMNP-TV-Z]{5}-[0-9A-HJKMNP-TV-Z]{5}/g) ?? [];
    expect(new Set(codes).size).toBe(15);
    expect(codes.every((code) => code.replace('-', '').length === CODE_LENGTH)).toBe(true);
    const campaign = await as(COUNTY_ADMIN, 'GET', `/api/appraisal-campaigns/${campaignId}`);
    expect(campaign.json).toMatchObject({ state: 'open', issued: { g1: 12, g2: 3 } });
    // None of its codes, with or without the hyphen (a regex over the code alphabet would also match
    // ten digits of the random campaign id now and then: a flaky test, not a leak).
    const shown = JSON.stringify(campaign.json);
    for (const code of codes) for (const form of [code, code.replace('-', '')]) expect(shown).not.toContain(form);
    expect((await as(COUNTY_ADMIN, 'POST', `/api/appraisal-campaigns/${campaignId}/open`)).status).toBe(409);
    // The configuration is locked once open.
    const changed = await as(COUNTY_ADMIN, 'PUT', `/api/appraisal-campaigns/${campaignId}`, { ...config, name: '改名' });
    expect(changed.status).toBe(409);
  });

  it('opens a ballot with a code, casts it once, and says 此票码已使用 after', async () => {
    const lines: string[] = [];
    const original = { log: console.log, info: console.info, warn: console.warn, error: console.error };
    for (const name of ['log', 'info', 'warn', 'error'] as const) console[name] = (...args: unknown[]) => void lines.push(args.map(String).join(' '));
    try {
      const form = await vote('/api/public/ballots/lookup', { code: codes[0]!.toLowerCase() });
      expect(form.status).toBe(200);
      expect(form.json).toMatchObject({ campaignName: '2026年机关作风评议', group: { name: expect.any(String) } });
      const subjects = (form.json.subjects as { id: string; name: string }[]).map((subject) => subject.id);
      expect(subjects).toEqual(['unit:d1', 'unit:d2']);
      const cast = await vote('/api/public/ballots', { code: codes[0], choices: { 'unit:d1': { i1: '优秀' }, 'unit:d2': { i1: '合格' } } });
      expect(cast.status).toBe(201);
      expect(cast.json).toEqual({ cast: true, message: '您的评议已提交，感谢参与' });
      expect(cast.text).not.toContain('优秀');
      const again = await vote('/api/public/ballots', { code: codes[0], choices: { 'unit:d1': { i1: '不合格' } } });
      expect(again.status).toBe(409);
      expect(again.json).toMatchObject({ error: { code: 'BALLOT_CODE_USED', message: 'code: 此票码已使用' } });
      expect((await vote('/api/public/ballots/lookup', { code: codes[0] })).status).toBe(409);
      // A ballot naming what the campaign does not have: 400 naming it, and the code still votes.
      const bad = await vote('/api/public/ballots', { code: codes[1], choices: { 'unit:d9': { i1: '优秀' } } });
      expect(bad.status).toBe(400);
      expect(JSON.stringify(bad.json)).toContain('choices.unit:d9');
      expect((await vote('/api/public/ballots', { code: codes[1], choices: { 'unit:d1': { i1: '弃权' } } })).status).toBe(201);
    } finally {
      Object.assign(console, original);
    }
    for (const code of codes) for (const line of lines) expect(line).not.toContain(code.replace('-', ''));
  });

  it('casts with the lookup echoed (no read before the write), and a wrong echo casts nothing', async () => {
    const lookup = await vote('/api/public/ballots/lookup', { code: codes[13] });
    expect(lookup.status).toBe(200);
    const echo = { campaignId: lookup.json.campaignId, group: lookup.json.group.id };
    expect(echo.group).toBe('g2');
    const choices = { 'unit:d1': { i1: '合格' } };
    // Another group's echo, another campaign's: like an unknown code, and the code still votes after.
    const wrongGroup = await vote('/api/public/ballots', { code: codes[13], choices, ballot: { ...echo, group: 'g1' } });
    expect(wrongGroup.status).toBe(404);
    const wrongCampaign = await vote('/api/public/ballots', { code: codes[13], choices, ballot: { ...echo, campaignId: 'a-0000000000000000' } });
    expect(wrongCampaign.status).toBe(404);
    expect((await vote('/api/public/ballots', { code: codes[13], choices, ballot: echo })).status).toBe(201);
    const again = await vote('/api/public/ballots', { code: codes[13], choices, ballot: echo });
    expect(again.status).toBe(409);
    // The ballot went to the code's group.
    const groups: string[] = [];
    for await (const page of t.runtime.ballotBox.ballots(campaignId, 1)) for (const ballot of page) groups.push(ballot.group);
    expect(groups.filter((group) => group === 'g2')).toHaveLength(1);
  });

  it('tells an unknown code apart from nothing, and stops a client that keeps guessing (429)', async () => {
    for (let i = 0; i < UNKNOWN_LIMIT; i++) {
      const guess = await vote('/api/public/ballots/lookup', { code: `ZZZZZ-ZZZZ${i}` }, '198.51.100.9');
      expect(guess.status).toBe(404);
      expect(guess.json).toMatchObject({ error: { code: 'BALLOT_CODE_UNKNOWN', message: 'code: 不是有效的票码，请核对后重新输入' } });
    }
    // Past the limit even a good code waits — looked up, or cast with an echo (checked in the vote's
    // transaction) or without one (read first) — and nothing is cast; another client is not affected.
    expect((await vote('/api/public/ballots/lookup', { code: codes[2] }, '198.51.100.9')).status).toBe(429);
    const echo = { campaignId, group: 'g1' };
    expect((await vote('/api/public/ballots', { code: codes[2], choices: { 'unit:d1': { i1: '优秀' } }, ballot: echo }, '198.51.100.9')).status).toBe(429);
    expect((await vote('/api/public/ballots', { code: 'ZZZZZ-ZZZZY', choices: {}, ballot: echo }, '198.51.100.9')).status).toBe(429);
    expect((await vote('/api/public/ballots', { code: codes[2], choices: { 'unit:d1': { i1: '优秀' } } }, '198.51.100.9')).status).toBe(429);
    expect((await vote('/api/public/ballots/lookup', { code: codes[2] }, '203.0.113.8')).status).toBe(200);
    // A malformed code is refused by the schema (400), a code-shaped stranger is unknown (404).
    expect((await vote('/api/public/ballots/lookup', { code: '' })).status).toBe(400);
    expect((await vote('/api/public/ballots/lookup', { code: 'x'.repeat(41) })).status).toBe(400);
  });

  it('closes: every code is then told 评议已截止, and closing twice is 409', async () => {
    const closed = await as(COUNTY_ADMIN, 'POST', `/api/appraisal-campaigns/${campaignId}/close`);
    expect(closed.status).toBe(200);
    expect(closed.json).toMatchObject({ state: 'closed', closedBy: 'county.admin' });
    const late = await vote('/api/public/ballots', { code: codes[3], choices: { 'unit:d1': { i1: '优秀' } } });
    expect(late.status).toBe(410);
    expect(late.json).toMatchObject({ error: { code: 'CAMPAIGN_CLOSED', message: 'code: 评议已截止' } });
    expect((await as(COUNTY_ADMIN, 'POST', `/api/appraisal-campaigns/${campaignId}/close`)).status).toBe(409);
  });
  it('votes again (重新投票): the void round stays, superseded with its reason; new codes open round 2; old slips cast nothing', async () => {
    // Round 1: 2 of 12 服务对象 returned, so the count is void (quorum: more than half).
    const counted = await as(COUNTY_ADMIN, 'POST', `/api/appraisal-campaigns/${campaignId}/tally`);
    expect(counted.json).toMatchObject({ round: 1, void: true, reasons: expect.arrayContaining(['quorum:g1']) });
    const missing = await as(COUNTY_ADMIN, 'POST', `/api/appraisal-campaigns/${campaignId}/revote`, {});
    expect(missing.status).toBe(400);
    expect(JSON.stringify(missing.json)).toContain('reason');
    const revoted = await as(COUNTY_ADMIN, 'POST', `/api/appraisal-campaigns/${campaignId}/revote`, { reason: '服务对象未达到法定人数，重新投票' });
    expect(revoted.status, revoted.text.slice(0, 300)).toBe(200);
    expect(revoted.headers['content-type']).toBe('application/pdf');
    expect(revoted.headers['x-manyi-codes-issued']).toBe('15');
    const pages = await pdfText(revoted.text);
    // Every slip says its round (the slip is narrow: the year, the kind and 第 2 轮).
    expect(pages[0]).toContain('2026 年度 · 机关作风评议 · 第 2 轮2026年机关作风评议');
    const fresh = pages.join('\n').match(/[0-9A-HJKMNP-TV-Z]{5}-[0-9A-HJKMNP-TV-Z]{5}/g) ?? [];
    expect(new Set(fresh).size).toBe(15);
    expect(fresh.filter((code) => codes.includes(code))).toEqual([]);
    const campaign = (await as(COUNTY_ADMIN, 'GET', `/api/appraisal-campaigns/${campaignId}`)).json;
    expect(campaign).toMatchObject({
      state: 'open',
      round: 2,
      issued: { g1: 12, g2: 3 },
      superseded: [
        { round: 1, state: 'tallied', issued: { g1: 12, g2: 3 }, returned: { g1: 2, g2: 1 }, void: true, reason: '服务对象未达到法定人数，重新投票', by: 'county.admin' },
      ],
    });
    expect(campaign.closedAt).toBeUndefined();
    expect(campaign.countedAt).toBeUndefined();
    // Round 1's slips: told their round was voted again, looked up or cast (with an echo too); not counted as guesses.
    for (const attempt of [
      () => vote('/api/public/ballots/lookup', { code: codes[4] }),
      () => vote('/api/public/ballots', { code: codes[4], choices: { 'unit:d1': { i1: '优秀' } } }),
      () => vote('/api/public/ballots', { code: codes[5], choices: { 'unit:d1': { i1: '优秀' } }, ballot: { campaignId, group: 'g1' } }),
    ]) {
      const reply = await attempt();
      expect(reply.status).toBe(410);
      expect(reply.json).toMatchObject({ error: { code: 'ROUND_SUPERSEDED', message: 'code: 此票码所属的一轮评议已作废，请使用重新发放的票码' } });
    }
    // Cast with the lookup echoed: the function now holds round 2, open, in its 10-s cache.
    expect((await vote('/api/public/ballots', { code: fresh[0], choices: { 'unit:d1': { i1: '合格' } }, ballot: { campaignId, group: 'g1' } })).status).toBe(201);
    // Each round keeps its own box, and round 1 its tally.
    const boxed = async (round: number) => {
      let n = 0;
      for await (const page of t.runtime.ballotBox.ballots(campaignId, round)) n += page.length;
      return n;
    };
    expect([await boxed(1), await boxed(2)]).toEqual([3, 1]);
    expect((await t.runtime.campaigns.getTally(campaignId, 1))?.detail.result.void).toBe(true);
    // Not again while round 2 is open; the tally is round 2's once counted.
    expect((await as(COUNTY_ADMIN, 'POST', `/api/appraisal-campaigns/${campaignId}/revote`, { reason: '再来' })).status).toBe(409);
    expect((await as(COUNTY_ADMIN, 'POST', `/api/appraisal-campaigns/${campaignId}/close`)).status).toBe(200);
    const second = await as(COUNTY_ADMIN, 'POST', `/api/appraisal-campaigns/${campaignId}/tally`);
    expect(second.json).toMatchObject({ round: 2, groups: [expect.objectContaining({ returned: 1 }), expect.objectContaining({ returned: 0 })] });
    // Voted again within the cache's 10 s: a round-3 code cast with an echo is not refused by the cached round 2.
    const third = await as(COUNTY_ADMIN, 'POST', `/api/appraisal-campaigns/${campaignId}/revote`, { reason: '第二轮服务对象仍未达到法定人数' });
    expect(third.status).toBe(200);
    const round3 = (await pdfText(third.text)).join('\n').match(/[0-9A-HJKMNP-TV-Z]{5}-[0-9A-HJKMNP-TV-Z]{5}/g)!;
    expect((await vote('/api/public/ballots', { code: round3[0], choices: { 'unit:d2': { i1: '优秀' } }, ballot: { campaignId, group: 'g1' } })).status).toBe(201);
    expect(await boxed(3)).toBe(1);
    expect((await as(COUNTY_ADMIN, 'GET', `/api/appraisal-campaigns/${campaignId}`)).json.superseded.map((round: { round: number; state: string }) => [round.round, round.state])).toEqual([
      [1, 'tallied'],
      [2, 'tallied'],
    ]);
    const { entries } = await t.runtime.audit.search({ fromDay: chinaDay(new Date()), toDay: chinaDay(new Date()), action: 'campaign.revote' });
    expect(entries.map((entry) => [entry.actor, entry.result])).toEqual(expect.arrayContaining([['county.admin', 'ok'], ['county.admin', 'invalid']]));
    expect(entries.filter((entry) => entry.result === 'ok').map((entry) => entry.detail?.split(':')[0]).sort()).toEqual(['round 1 (tallied) superseded → round 2', 'round 2 (tallied) superseded → round 3']);
  });
});
