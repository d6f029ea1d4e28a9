import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { hashPassword } from '../../functions/src/auth/password.js';
import type { Principal } from '../../functions/src/auth/principal.js';
import { sweepOverdueCases } from '../../functions/src/use-cases/cases/sweep.js';
import { createGateway } from '../../infra/local/gateway.js';
import { seedWriter } from '../../infra/local/seed.js';
import { CaseQueuePage, CaseView } from '../../shared/src/contracts/cases/cases.js';
import { LetterReceived, MailboxDirectory, MailboxSettings } from '../../shared/src/contracts/cases/mailbox.js';
import { LETTER_LIMITS } from '../../shared/src/domain/cases/mailbox.js';
import { chinaDay } from '../../shared/src/domain/china-time.js';
import { NATIONAL_SURVEY } from '../../shared/src/domain/national-survey.js';
import { isolatedTables, type IsolatedTables } from '../support/isolated-tables.js';
import { request } from './accounts-helpers.js';
import { call, callerAs } from './fixtures.js';
import { httpEvent, jsonHeaders } from '../support/http-events.js';

/**
 * The public mailbox on DynamoDB Local (issue 15 §3; decision 0029): a resident walks the unit tree,
 * writes to a unit's 投诉信箱 (naming a window and leaving a number), and the letter is a case in the
 * unit's and the window's queues — worked through its states like a 差评's, its number deleted when it
 * closes, no rating and no totals touched. A 一把手信箱 opens only once the unit names an account of
 * its own as head, and its letters are listed in that head's queue too. Five letters per client per
 * hour, counted under a keyed hash that never holds the address; the sixth is 429 and writes nothing.
 */
const endpoint = inject('dynamoEndpoint');
const gateway = createGateway();
let t: IsolatedTables;
let now = new Date();

const COUNTY: Principal = { username: 'mb.county', role: 'unit-admin', unitId: 'mb-county' };
const BUREAU: Principal = { username: 'mb.bureau', role: 'unit-admin', unitId: 'mb-bureau' };
const HEAD: Principal = { username: 'mb.head', role: 'committee', unitId: 'mb-bureau' };
const OTHER: Principal = { username: 'mb.other', role: 'unit-admin', unitId: 'mb-other' };
const CLERK: Principal = { username: 'mb.clerk', role: 'staff', unitId: 'mb-bureau' };
const tokens = new Map<string, string>();
const as = callerAs(gateway, tokens);
const PHONE = '13912345678';
const WINDOW = 'mbwin01';

const directory = (unit?: string) => request(gateway, 'GET', '/api/public/mailbox', unit ? { query: { unit } } : {});
const write = (body: Record<string, unknown>) => request(gateway, 'POST', '/api/public/mailbox/letters', { body });
const letter = (extra: Record<string, unknown> = {}) => ({ unitId: 'mb-bureau', box: 'complaint', subject: '窗口午休无人', content: '中午十二点窗口无人办理，也没有告示。', ...extra });
const queue = async (who: Principal, query: Record<string, string>) => {
  const reply = await as(who, 'GET', '/api/cases', undefined, query);
  expect(reply.status, reply.text).toBe(200);
  return CaseQueuePage.parse(reply.json);
};
const step = async (who: Principal, caseId: string, to: string, extra: Record<string, unknown> = {}) => {
  const reply = await as(who, 'POST', `/api/cases/${caseId}/transitions`, { to, note: '已核实并处理', ...extra });
  expect(reply.status, reply.text).toBe(200);
  return CaseView.parse(reply.json);
};
const scanAll = async (table: string) => (await t.doc.send(new ScanCommand({ TableName: table }))).Items ?? [];
/** Every rating (ops) and every totals item (its own table): what a letter must add nothing to. */
const ratingsAndTotals = async () => [...(await scanAll(t.tables.ops)).filter((item) => item.kind === 'rating'), ...(await scanAll(t.tables.totals))];

beforeAll(async () => {
  t = await isolatedTables(endpoint);
  t.runtime.now = () => now;
  t.install();
  const seed = seedWriter(t.runtime);
  await seed.putUnit({ id: 'mb-county', name: '信箱县', parentId: null, path: ['mb-county'] });
  await seed.putUnit({ id: 'mb-bureau', name: '信箱县人社局', parentId: 'mb-county', path: ['mb-county', 'mb-bureau'] });
  await seed.putUnit({ id: 'mb-other', name: '信箱县医保局', parentId: 'mb-county', path: ['mb-county', 'mb-other'] });
  await seed.putUnit({ id: 'mb-gone', name: '已撤并单位', parentId: 'mb-county', path: ['mb-county', 'mb-gone'], archived: true });
  await seed.putHall({ id: 'mb-hall', unitId: 'mb-bureau', name: '人社大厅', address: '人民路1号' });
  await seed.putHall({ id: 'mb-hall2', unitId: 'mb-other', name: '医保大厅', address: '人民路2号' });
  const window = { staffOnDutyIds: [], surveyId: NATIONAL_SURVEY.surveyId, surveyVersion: NATIONAL_SURVEY.version };
  await seed.putWindow({ code: WINDOW, unitId: 'mb-bureau', hallId: 'mb-hall', name: '社保综合窗口', active: true, ...window });
  await seed.putWindow({ code: 'mbwin02', unitId: 'mb-bureau', hallId: 'mb-hall', name: '停用窗口', active: false, ...window });
  await seed.putWindow({ code: 'mbwin09', unitId: 'mb-other', hallId: 'mb-hall2', name: '医保窗口', active: true, ...window });
  const passwordHash = await hashPassword('Mailbox-2026!');
  for (const who of [COUNTY, BUREAU, HEAD, OTHER, CLERK]) {
    await t.runtime.accounts.put({ ...who, displayName: who === HEAD ? '王局长' : who.username, passwordHash });
    tokens.set(who.username, (await t.runtime.tokens.issue(who, new Date())).token);
  }
});

afterAll(() => t?.close());

describe('the mailbox directory', () => {
  it('walks the unit tree from the top: ancestors, children (no archived unit), the active windows, whether the 一把手信箱 is open', async () => {
    const top = MailboxDirectory.parse((await directory()).json);
    expect(top.unit).toBeNull();
    expect(top.children.map((unit) => unit.id)).toContain('mb-county');

    const county = MailboxDirectory.parse((await directory('mb-county')).json);
    expect(county.children.map((unit) => unit.id).sort()).toEqual(['mb-bureau', 'mb-other']);

    const bureau = MailboxDirectory.parse((await directory('mb-bureau')).json);
    expect(bureau).toMatchObject({ unit: { id: 'mb-bureau', name: '信箱县人社局' }, ancestors: [{ id: 'mb-county', name: '信箱县' }], children: [], headBox: false, window: null });
    // Windows are never listed (their codes key the QR posters): only the one asked for is named back,
    // if it is an active window of the unit.
    expect(JSON.stringify(bureau)).not.toContain(WINDOW);
    const from = (window: string) => request(gateway, 'GET', '/api/public/mailbox', { query: { unit: 'mb-bureau', window } });
    expect(MailboxDirectory.parse((await from(WINDOW)).json).window).toEqual({ code: WINDOW, name: '社保综合窗口' });
    for (const other of ['mbwin02', 'mbwin09', 'nosuch1']) expect(MailboxDirectory.parse((await from(other)).json).window, other).toBeNull();

    for (const [unit, status] of [['mb-gone', 404], ['mb-nowhere', 404], ['bad/unit', 400]] as const) {
      const reply = await directory(unit);
      expect(reply.status, unit).toBe(status);
      expect(reply.json.error.message).toMatch(/^unit/);
    }
  });
});

describe('a letter to the 投诉信箱', () => {
  it('opens a case in the unit’s and the window’s queues, worked like a 差评’s; no rating, no totals; its number sealed and deleted at the close', async () => {
    const before = (await ratingsAndTotals()).length;
    const sent = await write(letter({ windowCode: WINDOW, contactPhone: PHONE, consentToCallback: true }));
    expect(sent.status, sent.text).toBe(201);
    const received = LetterReceived.parse(sent.json);
    expect(received.day).toBe(chinaDay(now));
    expect(received.due > received.day).toBe(true);

    const listed = await queue(BUREAU, { unitId: 'mb-bureau' });
    expect(listed.items).toHaveLength(1);
    const [row] = listed.items;
    expect(row).toMatchObject({ mailbox: 'complaint', windowCode: WINDOW, windowName: '社保综合窗口', state: 'pending', due: received.due });
    expect(row!.level).toBeUndefined();
    expect((await queue(BUREAU, { unitId: 'mb-bureau', window: WINDOW })).items.map((item) => item.caseId)).toEqual([row!.caseId]);

    const view = CaseView.parse((await as(BUREAU, 'GET', `/api/cases/${row!.caseId}`)).json);
    expect(view).toMatchObject({ mailbox: 'complaint', subject: '窗口午休无人', comment: '中午十二点窗口无人办理，也没有告示。', named: true, next: ['immediate', 'deadline', 'explained', 'appealing'] });
    expect(view.channel).toBeUndefined();
    // No rating and no totals: the letter is in no rate and no 差评整改 metric.
    expect((await ratingsAndTotals())).toHaveLength(before);
    // The number is in the contact store only, sealed; nowhere in the case or its queue entries.
    const contacts = await scanAll(t.tables.contacts);
    expect(contacts).toHaveLength(1);
    expect(contacts[0]).toMatchObject({ caseId: row!.caseId });
    expect(JSON.stringify(contacts)).not.toContain(PHONE);
    expect(JSON.stringify(await scanAll(t.tables.ops))).not.toContain(PHONE);
    expect((await as(BUREAU, 'POST', `/api/cases/${row!.caseId}/contact`)).json.phone).toBe(PHONE);

    await step(BUREAU, row!.caseId, 'immediate');
    await step(BUREAU, row!.caseId, 'fixed');
    await step(BUREAU, row!.caseId, 'called-back', { outcome: 'satisfied' });
    const closed = await step(BUREAU, row!.caseId, 'closed');
    expect(closed).toMatchObject({ state: 'closed', contactPurged: true });
    expect(await scanAll(t.tables.contacts)).toHaveLength(0);
    expect((await ratingsAndTotals())).toHaveLength(before);
  });

  it('refuses a window of another unit, an unknown or archived unit, a number without consent — naming the field, writing nothing', async () => {
    const cases = (await scanAll(t.tables.ops)).filter((item) => item.kind === 'case').length;
    const cases4xx: [Record<string, unknown>, number, string][] = [
      [letter({ windowCode: 'mbwin09' }), 404, 'windowCode'],
      [letter({ windowCode: 'nosuch1' }), 404, 'windowCode'],
      [letter({ unitId: 'mb-gone' }), 404, 'unitId'],
      [letter({ unitId: 'mb-nowhere' }), 404, 'unitId'],
      [letter({ contactPhone: PHONE }), 400, 'consentToCallback'],
      [letter({ content: '太慢' }), 400, 'content'],
      // A number belongs in contactPhone (sealed), never in the text the unit reads.
      [letter({ content: `请打我电话 ${PHONE.slice(0, 3)} ${PHONE.slice(3, 7)} ${PHONE.slice(7)} 联系` }), 400, 'content'],
      [letter({ subject: '身份证11010519491231002X办不了' }), 400, 'subject'],
      [letter({ box: 'mayor' }), 400, 'box'],
      // The 一把手信箱 is closed until the unit names its head.
      [letter({ box: 'head' }), 409, 'box'],
    ];
    for (const [body, status, field] of cases4xx) {
      const reply = await write(body);
      expect(reply.status, JSON.stringify(body)).toBe(status);
      expect(reply.json.error.message, JSON.stringify(body)).toMatch(new RegExp(`^${field}`));
    }
    expect((await scanAll(t.tables.ops)).filter((item) => item.kind === 'case')).toHaveLength(cases);
    expect(JSON.stringify(await scanAll(t.tables.ops))).not.toContain(PHONE.slice(3, 7) + ' ' + PHONE.slice(7));
  });

  it('opens one case for a letter sent twice under one Idempotency-Key, answering the first receipt again', async () => {
    const cases = () => scanAll(t.tables.ops).then((items) => items.filter((item) => item.kind === 'case' && item.subject === '重复提交的来信').length);
    const send = () =>
      call(gateway, httpEvent('POST', '/api/public/mailbox/letters', { headers: { ...jsonHeaders, 'idempotency-key': 'letter-key-0001' }, body: JSON.stringify(letter({ subject: '重复提交的来信' })) }));
    const first = await send();
    const again = await send();
    expect([first.status, again.status]).toEqual([201, 201]);
    expect(again.json).toEqual(first.json);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(await cases()).toBe(1);
  });

  it('lets an appeal of a letter be upheld by the county: the case ends, with no rating to exclude', async () => {
    expect((await write(letter({ subject: '恶意投诉' }))).status).toBe(201);
    const row = (await queue(BUREAU, { unitId: 'mb-bureau', state: 'pending' })).items[0]!;
    await step(BUREAU, row.caseId, 'appealing', { note: '来信所述时段窗口正常办理，有监控为证' });
    const decided = await step(COUNTY, row.caseId, 'appeal-upheld', { note: '经调取监控，申诉成立' });
    expect(decided.state).toBe('appeal-upheld');
  });
});

describe('the 一把手信箱', () => {
  it('opens when the unit names an active account of its own that reads cases; its letters reach the head’s queue too', async () => {
    const set = (who: Principal, head: string | null, unitId = 'mb-bureau') => as(who, 'PUT', '/api/case-mailbox', { unitId, head });
    // Another unit's account, a staff account, no account: one answer for all (no probing of usernames).
    for (const head of ['mb.other', 'mb.clerk', 'mb.nobody']) {
      const reply = await set(BUREAU, head);
      expect(reply.status, head).toBe(400);
      expect(reply.json.error.message).toBe('head: must be an active account of this unit itself whose role reads cases (system admin, unit admin or committee)');
    }
    // Another unit's administrator: out of scope, answered as an unknown unit (the one access rule).
    expect((await set(OTHER, 'mb.head')).status).toBe(404);
    const named = await set(BUREAU, 'mb.head');
    expect(named.status, named.text).toBe(200);
    expect(MailboxSettings.parse(named.json)).toEqual({ unitId: 'mb-bureau', head: 'mb.head', headName: '王局长' });
    expect(MailboxDirectory.parse((await directory('mb-bureau')).json).headBox).toBe(true);

    expect((await write(letter({ box: 'head', subject: '反映窗口作风问题' }))).status).toBe(201);
    const mine = await queue(HEAD, { unitId: 'mb-bureau', addressed: 'true' });
    expect(mine.items.map((item) => item.mailbox)).toEqual(['head']);
    const view = CaseView.parse((await as(HEAD, 'GET', `/api/cases/${mine.items[0]!.caseId}`)).json);
    expect(view).toMatchObject({ mailbox: 'head', addressedTo: 'mb.head', subject: '反映窗口作风问题' });
    // In the unit's queue as well (its case workers handle it); nobody else's head queue holds it.
    expect((await queue(BUREAU, { unitId: 'mb-bureau', state: 'pending' })).items.map((item) => item.caseId)).toContain(view.caseId);
    expect((await queue(BUREAU, { unitId: 'mb-bureau', addressed: 'true' })).items).toEqual([]);
    expect((await as(OTHER, 'GET', `/api/cases/${view.caseId}`)).status).toBe(404);

    // The head's account disabled: the box closes until the unit names another (no letters to a gone account).
    const account = (await t.runtime.accounts.get(HEAD.username))!;
    await t.runtime.accounts.put({ ...account, disabled: true });
    expect(MailboxDirectory.parse((await directory('mb-bureau')).json).headBox).toBe(false);
    expect((await write(letter({ box: 'head' }))).status).toBe(409);
    await t.runtime.accounts.put({ ...account, disabled: false });
    expect(MailboxDirectory.parse((await directory('mb-bureau')).json).headBox).toBe(true);

    // Closing the box: new head letters are refused; the ones received stay.
    expect(MailboxSettings.parse((await set(BUREAU, null)).json).head).toBeNull();
    expect((await write(letter({ box: 'head' }))).status).toBe(409);
    expect((await queue(HEAD, { unitId: 'mb-bureau', addressed: 'true' })).items).toHaveLength(1);
  });
});

describe('the overdue sweep and the per-client limit', () => {
  it('escalates a letter past its due day to the parent unit like any case', async () => {
    const sent = LetterReceived.parse((await write(letter({ subject: '超期来信' }))).json);
    const caseId = (await queue(BUREAU, { unitId: 'mb-bureau', state: 'pending' })).items.find((item) => item.due === sent.due)!.caseId;
    now = new Date(Date.parse(`${sent.due}T04:00:00Z`) + 3 * 86_400_000);
    try {
      const swept = await sweepOverdueCases(t.runtime);
      expect(swept.escalated).toBeGreaterThanOrEqual(1);
      expect((await queue(COUNTY, { unitId: 'mb-county', escalated: 'true' })).items.map((item) => item.caseId)).toContain(caseId);
    } finally {
      now = new Date();
    }
  });

  it(`accepts ${LETTER_LIMITS.perClient} letters per client per hour, refuses the next with 429 writing nothing, keeps no address`, async () => {
    now = new Date(Date.now() + 2 * 3600_000);
    try {
      let accepted = 0;
      let refused: Awaited<ReturnType<typeof write>> | undefined;
      for (let i = 0; i < LETTER_LIMITS.perClient + 3 && !refused; i++) {
        const reply = await write(letter({ subject: `第${i + 1}封` }));
        if (reply.status === 201) accepted++;
        else refused = reply;
      }
      // Earlier letters of this test file fell in other hours; this hour's count starts at none.
      expect(accepted).toBe(LETTER_LIMITS.perClient);
      expect(refused?.status).toBe(429);
      expect(refused?.json.error.message).toMatch(/^client/);
      const cases = (await scanAll(t.tables.ops)).filter((item) => item.kind === 'case');
      expect(cases.filter((item) => /^第\d+封$/.test(String(item.subject)))).toHaveLength(LETTER_LIMITS.perClient);
      const everything = JSON.stringify(await scanAll(t.tables.ops));
      expect(everything).not.toContain('127.0.0.1');
      now = new Date(now.getTime() + 3600_000);
      expect((await write(letter({ subject: '一小时后' }))).status).toBe(201);
    } finally {
      now = new Date();
    }
  });
});
