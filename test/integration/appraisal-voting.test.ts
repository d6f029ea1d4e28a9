import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Principal } from '../../functions/src/auth/principal.js';
import { createGateway } from '../../infra/local/gateway.js';
import { CODE_LENGTH } from '../../shared/src/domain/appraisal/ballot-code.js';
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
    expect(JSON.stringify(campaign.json)).not.toMatch(/[0-9A-HJKMNP-TV-Z]{5}-?[0-9A-HJKMNP-TV-Z]{5}/);
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
});
