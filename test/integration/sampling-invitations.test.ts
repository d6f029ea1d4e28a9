import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Principal } from '../../functions/src/auth/principal.js';
import { keys } from '../../functions/src/data/keys.js';
import { deliverInvitations } from '../../functions/src/use-cases/sampling/invitations.js';
import { nodeDrawCrypto } from '../../functions/src/use-cases/sampling/draw-crypto.js';
import { verifyDrawPack } from '../../shared/src/domain/sampling/draw-verify.js';
import { createGateway } from '../../infra/local/gateway.js';
import { httpEvent, jsonHeaders } from '../support/http-events.js';
import { isolatedTables, type IsolatedTables } from '../support/isolated-tables.js';
import { call, callerAs, queryPartition, scanTable, stringsIn, type Reply } from './fixtures.js';

/**
 * 阳光测评 invitations (issue 13 §4) through the real handlers and DynamoDB Local: a drawn round is
 * sent as a job to the local outbox (masked numbers, one link each, the invited quarantined), a
 * resident answers through a link exactly once (channel sampling, the round and the stratum, no
 * token, entry or number in the rating), reminders go to non-respondents only and not to those
 * who opted out (退订), and after the deadline nothing is sent or taken.
 */
const endpoint = inject('dynamoEndpoint');
const gateway = createGateway();
let t: IsolatedTables;

const ADMIN: Principal = { username: 'root.admin', role: 'system-admin', unitId: 'p1' };
const COUNTY_ADMIN: Principal = { username: 'county.admin', role: 'unit-admin', unitId: 'c1' };
const OTHER_ADMIN: Principal = { username: 'other.admin', role: 'unit-admin', unitId: 'c2' };
const tokens = new Map<string, string>();

const as = callerAs(gateway, tokens);

const publicPost = (path: string, body: unknown) => call(gateway, httpEvent('POST', path, { headers: jsonHeaders, body: JSON.stringify(body) }));

const DAY_MS = 86_400_000;
const chinaDay = (instant: Date) => instant.toLocaleDateString('sv-SE', { timeZone: 'Asia/Shanghai' });
const start = new Date();
const daysAgo = (days: number) => new Date(start.getTime() - days * DAY_MS);
/** The runtime's clock moved this many days from the start (bearer tokens still check the wall clock). */
const moveClock = (days: number) => (t.runtime.now = () => new Date(Date.now() + days * DAY_MS));

const PEOPLE = 30;
const N = 10;
/** A mobile number standing alone (not eleven digits inside a hex id). */
const MOBILE = /(?<![0-9A-Za-z])1[3-9]\d{9}(?![0-9A-Za-z])/;
let roundId = '';

const tokenOf = (link: string) => link.slice(link.lastIndexOf('/s/') + 3);

async function outbox(): Promise<{ at: string; kind: string; to: string; text: string; link: string }[]> {
  const reply = await as(COUNTY_ADMIN, 'GET', `/api/sampling-rounds/${roundId}/outbox`);
  expect(reply.status).toBe(200);
  expect(reply.json.sender).toBe('outbox');
  return reply.json.messages;
}

beforeAll(async () => {
  t = await isolatedTables(endpoint);
  t.install();
  for (const principal of [ADMIN, COUNTY_ADMIN, OTHER_ADMIN]) tokens.set(principal.username, (await t.runtime.tokens.issue(principal, new Date())).token);
  for (const [id, name, parentId] of [
    ['p1', '江南省', null],
    ['c1', '临江县', 'p1'],
    ['d1', '临江县市场监督管理局', 'c1'],
    ['d2', '临江县不动产登记中心', 'c1'],
    ['c2', '白沙县', 'p1'],
  ] as const) {
    expect((await as(ADMIN, 'POST', '/api/org/units', { id, name, parentId })).status).toBe(201);
  }
  const credential = (await as(COUNTY_ADMIN, 'POST', '/api/integration-clients', { unitId: 'c1', name: '一窗受理系统' })).json.credential as string;
  // Each person came twice: the later 办件 puts them in the frame, the earlier one holds their number too.
  const records = [4, 6].flatMap((days) =>
    Array.from({ length: PEOPLE }, (_, person) => ({
      projNo: `S-${days}-${person}`,
      unitId: person < 20 ? 'd1' : 'd2',
      serviceItem: '营业执照设立登记',
      finishedAt: daysAgo(days).toISOString(),
      servedVia: 'window',
      applicantType: 'person',
      applicantMobile: `1380000${String(person).padStart(4, '0')}`,
    })),
  );
  const pushed = await call(gateway, httpEvent('POST', '/api/service-records', { headers: { authorization: `Bearer ${credential}`, ...jsonHeaders }, body: JSON.stringify({ records }) }));
  expect(pushed.json.stored).toBe(2 * PEOPLE);

  const created = await as(COUNTY_ADMIN, 'POST', '/api/sampling-rounds', {
    name: '临江县 12月 阳光测评',
    unitId: 'c1',
    period: { from: chinaDay(daysAgo(10)), to: chinaDay(start) },
    strataBy: 'unit',
    size: { mode: 'total', n: N },
    allocation: { method: 'proportional' },
    invitationText: '您好，您近期在临江县办理了业务，诚邀您评价：{link} 回复TD退订',
    reminders: { count: 1, afterDays: 3 },
    deadline: chinaDay(new Date(start.getTime() + 10 * DAY_MS)),
  });
  expect(created.status).toBe(201);
  roundId = created.json.roundId;
  expect((await as(COUNTY_ADMIN, 'POST', `/api/sampling-rounds/${roundId}/commit`)).status).toBe(200);
  expect((await as(COUNTY_ADMIN, 'POST', `/api/sampling-rounds/${roundId}/freeze`)).status).toBe(200);
});

afterAll(() => t?.close());

describe('sending', () => {
  it('starts only from 已抽取, in scope', async () => {
    expect((await as(COUNTY_ADMIN, 'POST', `/api/sampling-rounds/${roundId}/send`)).status).toBe(409);
    expect((await as(ADMIN, 'POST', `/api/sampling-rounds/${roundId}/draw`, { publicInput: '8642' })).status).toBe(200);
    expect((await as(OTHER_ADMIN, 'POST', `/api/sampling-rounds/${roundId}/send`)).status).toBe(404);
    expect((await as(COUNTY_ADMIN, 'POST', `/api/sampling-rounds/${roundId}/remind`)).status).toBe(409);
  });

  it('sends one invitation per person drawn to the outbox, masked, and quarantines them — once, with two jobs at once', async () => {
    const [first, second] = await Promise.all([as(COUNTY_ADMIN, 'POST', `/api/sampling-rounds/${roundId}/send`), as(ADMIN, 'POST', `/api/sampling-rounds/${roundId}/send`)]);
    expect([first.status, second.status]).toEqual([200, 200]);
    expect(first.json.done + second.json.done).toBe(N);
    const sent = await as(COUNTY_ADMIN, 'POST', `/api/sampling-rounds/${roundId}/send`);
    expect(sent.json).toMatchObject({ job: 'send', total: N, drawn: 0, queued: 0, sent: N, failed: 0, done: 0, remaining: 0, finished: true, sender: 'outbox' });
    expect((await as(COUNTY_ADMIN, 'GET', `/api/sampling-rounds/${roundId}`)).json.state).toBe('sending');

    const messages = await outbox();
    expect(messages).toHaveLength(N);
    expect(new Set(messages.map((message) => message.link)).size).toBe(N);
    for (const message of messages) {
      expect(message.kind).toBe('invitation');
      expect(message.to).toMatch(/^138\*{4}\d{4}$/);
      expect(message.text).toContain(message.link);
      expect(message.text).toContain('回复TD退订');
      expect(tokenOf(message.link)).toMatch(/^[A-Za-z0-9_-]{22}$/);
      expect(JSON.stringify(message)).not.toMatch(MOBILE);
    }
    const month = chinaDay(t.runtime.now()).slice(0, 7);
    const quarantined = (await queryPartition(t.doc, t.tables.ops, keys.quarantinePartition(month))).filter((item) => String(item.sk).endsWith(`#${roundId}`));
    expect(quarantined).toHaveLength(N);
  });

  it('sends nothing twice: the job again hands nothing on', async () => {
    const again = await as(COUNTY_ADMIN, 'POST', `/api/sampling-rounds/${roundId}/send`);
    expect(again.status).toBe(200);
    expect(again.json).toMatchObject({ done: 0, sent: N, finished: true });
    expect(await outbox()).toHaveLength(N);
  });
});

describe('answering', () => {
  it('shows the round and its survey, takes the answer once, stores nothing of the person', async () => {
    const [first] = await outbox();
    const token = tokenOf(first!.link);
    const view = await publicPost('/api/public/sampling-invitations/lookup', { token });
    expect(view.status).toBe(200);
    expect(view.json.round).toEqual({ name: '临江县 12月 阳光测评', unitName: '临江县' });
    expect(view.json.survey.levels.length).toBe(5);

    const bad = await publicPost('/api/public/sampling-invitations/ratings', { token, level: 5, reasons: ['SLOW'] });
    expect(bad.status).toBe(400);
    expect(bad.json.error.issues[0].field).toBe('reasons');
    const windowField = await publicPost('/api/public/sampling-invitations/ratings', { token, level: 5, windowCode: 'abcd1234' });
    expect(windowField.status).toBe(400);
    expect(await queryPartition(t.doc, t.tables.ops, keys.roundRatingPartition(roundId))).toHaveLength(0);

    const answered = await publicPost('/api/public/sampling-invitations/ratings', { token, level: 2, reasons: ['SLOW'], comment: '等了很久' });
    expect(answered.status).toBe(201);
    const again = await publicPost('/api/public/sampling-invitations/ratings', { token, level: 5 });
    expect(again.status).toBe(409);
    expect((await publicPost('/api/public/sampling-invitations/lookup', { token })).status).toBe(409);

    const ratings = await queryPartition(t.doc, t.tables.ops, keys.roundRatingPartition(roundId));
    expect(ratings).toHaveLength(1);
    expect(ratings[0]).toMatchObject({ channel: 'sampling', roundId, level: 2, reasons: ['SLOW'], comment: '等了很久' });
    expect(['d1', 'd2']).toContain(ratings[0]!.stratum);
    const stored = stringsIn(ratings[0]).join('\n');
    expect(stored).not.toContain(token);
    for (const invitation of await queryPartition(t.doc, t.tables.ops, keys.roundSamplePartition(roundId))) expect(stored).not.toContain(String(invitation.entryId));
    // No unit and no day: with strata by window or service item either would narrow who answered.
    expect(Object.keys(ratings[0]!).sort()).toEqual(['channel', 'comment', 'id', 'kind', 'level', 'pk', 'reasons', 'roundId', 'sk', 'stratum', 'surveyId', 'surveyVersion']);
    const totals = await queryPartition(t.doc, t.tables.ops, keys.roundTotalsPartition(roundId));
    expect(totals).toEqual([expect.objectContaining({ sk: ratings[0]!.stratum, responded: 1, l2: 1 })]);
  });

  it('answers 404 for a token never issued and 400 for a malformed one', async () => {
    expect((await publicPost('/api/public/sampling-invitations/lookup', { token: 'AAAAAAAAAAAAAAAAAAAAAA' })).status).toBe(404);
    const malformed = await publicPost('/api/public/sampling-invitations/ratings', { token: 'short', level: 5 });
    expect(malformed.status).toBe(400);
    expect(malformed.json.error.issues[0].field).toBe('token');
  });
});

describe('reminders and 退订', () => {
  it('reminds only non-respondents who did not opt out, once the days have passed, once', async () => {
    const messages = await outbox();
    // Newest first, as above: [0] answered, [1] opts out.
    const answeredLink = messages[0]!.link;
    const optedOutLink = messages[1]!.link;
    expect((await publicPost('/api/public/sampling-invitations/opt-out', { token: tokenOf(optedOutLink) })).json).toEqual({ optedOut: true });

    const early = await as(COUNTY_ADMIN, 'POST', `/api/sampling-rounds/${roundId}/remind`);
    expect(early.json).toMatchObject({ job: 'remind', done: 0, finished: true });

    moveClock(3);
    const both = await Promise.all([as(COUNTY_ADMIN, 'POST', `/api/sampling-rounds/${roundId}/remind`), as(ADMIN, 'POST', `/api/sampling-rounds/${roundId}/remind`)]);
    expect(both.map((reply) => reply.status)).toEqual([200, 200]);
    expect(both[0]!.json.done + both[1]!.json.done).toBe(N - 2);
    const reminded = await as(COUNTY_ADMIN, 'POST', `/api/sampling-rounds/${roundId}/remind`);
    expect(reminded.json).toMatchObject({ done: 0, reminded: N - 2, responded: 1, optedOut: 1 });
    const reminders = (await outbox()).filter((message) => message.kind === 'reminder');
    expect(reminders).toHaveLength(N - 2);
    for (const reminder of reminders) {
      expect(reminder.text.startsWith('【提醒】')).toBe(true);
      expect(messages.map((message) => message.link)).not.toContain(reminder.link);
    }
    const sentTo = (list: typeof messages) => new Set(list.map((message) => message.to));
    expect(sentTo(reminders).size).toBe(N - 2);

    // A queue delivering the same reminder (and the first invitation) again sends nothing.
    const { stratum, entryId } = (await t.runtime.invitations.list(roundId)).find((invitation) => invitation.reminders === 1)!;
    await deliverInvitations(t.runtime, [
      { roundId, stratum, entryId, kind: 'reminder', reminder: 0 },
      { roundId, stratum, entryId, kind: 'invitation' },
    ]);
    expect(await outbox()).toHaveLength(N + N - 2);
    moveClock(7);
    expect((await as(COUNTY_ADMIN, 'POST', `/api/sampling-rounds/${roundId}/remind`)).json).toMatchObject({ done: 0, reminded: N - 2 });
    expect(answeredLink).toBeTruthy();
  });

  it('takes one answer per person whichever of their links is used', async () => {
    moveClock(4);
    const all = await outbox();
    const reminder = all.find((message) => message.kind === 'reminder')!;
    const invitation = all.find((message) => message.kind === 'invitation' && message.to === reminder.to)!;
    expect((await publicPost('/api/public/sampling-invitations/ratings', { token: tokenOf(reminder.link), level: 5 })).status).toBe(201);
    expect((await publicPost('/api/public/sampling-invitations/ratings', { token: tokenOf(invitation.link), level: 4 })).status).toBe(409);
    expect(await queryPartition(t.doc, t.tables.ops, keys.roundRatingPartition(roundId))).toHaveLength(2);
  });

  it('shows the funnel while the round is open, and nothing of what anyone said', async () => {
    const results = await as(COUNTY_ADMIN, 'GET', `/api/sampling-rounds/${roundId}/results`);
    expect(results.status).toBe(200);
    expect(results.json.funnel).toMatchObject({ N: PEOPLE, drawn: N, sent: N, failed: 0, delivered: null, responded: 2, optedOut: 1 });
    expect(results.json.funnel.responseRate).toBeCloseTo(2 / N, 12);
    expect(results.json.total).toMatchObject({ suppressed: 'open', n: null, counts: null });
    for (const stratum of results.json.strata) expect(stratum).toMatchObject({ suppressed: 'open', n: null, counts: null, goodRate: null });
    expect(results.json.estimate.good).toEqual({ ok: false, problem: 'open', strata: [] });
    expect(results.json.strata.map((stratum: { key: string; label: string }) => [stratum.key, stratum.label])).toEqual([
      ['d1', '临江县市场监督管理局'],
      ['d2', '临江县不动产登记中心'],
    ]);
    expect(results.json.nonResponse.zh).toContain('抽中 10 人，2 人答复');
  });
});

describe('after the deadline and the close', () => {
  it('takes no answer and sends nothing after the deadline', async () => {
    // The second reminder: the first one's person answered above.
    const open = (await outbox()).filter((message) => message.kind === 'reminder')[1]!;
    moveClock(11);
    expect((await publicPost('/api/public/sampling-invitations/lookup', { token: tokenOf(open.link) })).status).toBe(410);
    expect((await publicPost('/api/public/sampling-invitations/ratings', { token: tokenOf(open.link), level: 5 })).status).toBe(410);
    expect((await as(COUNTY_ADMIN, 'POST', `/api/sampling-rounds/${roundId}/remind`)).status).toBe(409);
    expect((await as(COUNTY_ADMIN, 'POST', `/api/sampling-rounds/${roundId}/send`)).status).toBe(409);
    expect(await queryPartition(t.doc, t.tables.ops, keys.roundRatingPartition(roundId))).toHaveLength(2);
  });

  it('takes no answer once closed, deletes the numbers of the people drawn, and no number is in the ops table', async () => {
    moveClock(1);
    const open = (await outbox()).filter((message) => message.kind === 'invitation');
    const drawn = await queryPartition(t.doc, t.tables.ops, keys.roundSamplePartition(roundId));
    const contactsBefore = await scanTable(t.doc, t.tables.contacts);
    expect(contactsBefore).toHaveLength(2 * PEOPLE);
    const before = (await as(COUNTY_ADMIN, 'GET', `/api/sampling-rounds/${roundId}/results`)).json.funnel;
    expect((await as(COUNTY_ADMIN, 'POST', `/api/sampling-rounds/${roundId}/close`)).status).toBe(200);
    // Both 办件 of each person drawn lose their number; the others keep theirs.
    const contactsAfter = await scanTable(t.doc, t.tables.contacts);
    expect(contactsAfter).toHaveLength(2 * (PEOPLE - N));
    const left = new Set(contactsAfter.map((item) => String(item.contactId)));
    for (const invitation of drawn) expect(left.has(String(invitation.contactId))).toBe(false);
    // The invitations keep stratum and entry id only; the frame's lines lose contact and pseudonym.
    for (const invitation of await queryPartition(t.doc, t.tables.ops, keys.roundSamplePartition(roundId))) {
      expect(Object.keys(invitation).sort()).toEqual(['entryId', 'kind', 'pk', 'sk', 'state', 'stratum']);
    }
    for (const chunk of await queryPartition(t.doc, t.tables.ops, `RFRAME#${roundId}`)) {
      for (const line of String(chunk.lines).split('\n').filter((row) => row !== '')) expect(line.split('\t').slice(3)).toEqual(['', '']);
    }
    // The funnel was counted onto the round; the rates show now, and two answers are too few to show any.
    const after = (await as(COUNTY_ADMIN, 'GET', `/api/sampling-rounds/${roundId}/results`)).json;
    expect(after.funnel).toEqual(before);
    expect(after.total).toMatchObject({ suppressed: 'small-group', n: null, counts: null });
    expect(after.estimate.good).toMatchObject({ ok: false, problem: 'suppressed' });
    // The pack still verifies.
    const pack = (await as(COUNTY_ADMIN, 'GET', `/api/sampling-rounds/${roundId}/draw-pack`)).json;
    expect(verifyDrawPack(pack, nodeDrawCrypto).every((check) => check.ok)).toBe(true);
    expect((await as(COUNTY_ADMIN, 'POST', `/api/sampling-rounds/${roundId}/close`)).status).toBe(409);
    moveClock(0);
    for (const message of open.slice(0, 3)) expect([409, 410]).toContain((await publicPost('/api/public/sampling-invitations/ratings', { token: tokenOf(message.link), level: 5 })).status);
    expect(await queryPartition(t.doc, t.tables.ops, keys.roundRatingPartition(roundId))).toHaveLength(2);
    for (const item of await scanTable(t.doc, t.tables.ops)) expect(stringsIn(item).join('\n')).not.toMatch(MOBILE);
  });
});
