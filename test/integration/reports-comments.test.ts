import ExcelJS from 'exceljs';
import { parse as parseCsv } from 'csv-parse/sync';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Principal } from '../../functions/src/auth/principal.js';
import { createTotalsMaintenance } from '../../functions/src/data/totals.js';
import { recountTotals } from '../../functions/src/use-cases/recount-totals.js';
import { createGateway } from '../../infra/local/gateway.js';
import { seedWriter } from '../../infra/local/seed.js';
import type { CommentsPage } from '../../shared/src/contracts/comments.js';
import { compareCommentText } from '../../shared/src/domain/comment-visibility.js';
import { NATIONAL_SURVEY } from '../../shared/src/domain/national-survey.js';
import { pinnedClock } from '../support/clock.js';
import { isolatedTables, type IsolatedTables } from '../support/isolated-tables.js';
import { request, scanAll } from './accounts-helpers.js';
import { postRating, type Reply } from './fixtures.js';

/**
 * The comments feed (评价留言, issue 11 "Comments"; docs/decisions/0013-comments-feed.md) through the
 * real handlers against DynamoDB Local, with ratings submitted through the real rating route on
 * three China-time days: what is shown (text and day only, ≥ 10 per group, hostile text as data),
 * what is not (9 comments; a small remainder of a unit), paging, access and audit, the counters
 * against a recount, and the 评价留言 sheet of the XLSX and section of the CSV.
 */

const endpoint = inject('dynamoEndpoint');
const gateway = createGateway();
let t: IsolatedTables;

const MONTH = '2026-11';
const DAYS = ['2026-11-16', '2026-11-17', '2026-11-18'] as const;
const U = { root: 'cm-root', a: 'cm-a', b: 'cm-b', far: 'cm-far' };
const W = { a1: 'cmwina01', a2: 'cmwina02', a3: 'cmwina03', b1: 'cmwinb01', b2: 'cmwinb02', far: 'cmwinf01' };

/** Residents' comments per window (day index → texts). a1: 12 with hostile ones; b1: 9, one short. */
const COMMENTS: Record<string, Record<number, string[]>> = {
  [W.a1]: {
    0: ['<script>alert(1)</script>', '=1+1', '办事很快', '材料要求没有一次说清楚'],
    1: ['+10086', '-2+3', '@SUM(1)', '办事很快'],
    2: ['=HYPERLINK("http://x","点我")', '窗口人员态度好', '排队时间太长\n希望多开窗口', 'Ärger über Wartezeit'],
  },
  [W.a2]: { 0: ['二号窗口一'], 1: ['二号窗口二', '二号窗口三'], 2: ['二号窗口四'] },
  [W.a3]: { 2: ['三号窗口一', '三号窗口二', '三号窗口三'] },
  [W.b1]: { 0: ['乙一', '乙二', '乙三'], 1: ['乙四', '乙五', '乙六'], 2: ['乙七', '乙八', '乙九'] },
  [W.b2]: { 1: ['乙二号甲', '乙二号乙'] },
  [W.far]: { 0: Array.from({ length: 10 }, (_, i) => `外县留言${i}`) },
};
/** Ratings without a comment, so that "ratings" and "comments" differ. */
const PLAIN: Record<string, number> = { [W.a1]: 3, [W.b1]: 2 };

const committee: Principal = { username: 'cm.committee', role: 'committee', unitId: U.root };
const unitAdmin: Principal = { username: 'cm.admin', role: 'unit-admin', unitId: U.a };
const staffMember: Principal = { username: 'cm.staff', role: 'staff', unitId: U.a };
const systemAdmin: Principal = { username: 'cm.sysadmin', role: 'system-admin', unitId: U.root };
const tokens: Record<string, string> = {};

const HOSTILE = ['<script>alert(1)</script>', '=1+1', '+10086', '-2+3', '@SUM(1)', '=HYPERLINK("http://x","点我")'];

function comments(query: Record<string, string>, who = 'committee'): Promise<Reply> {
  return request(gateway, 'GET', '/api/reports/comments', { token: tokens[who]!, query: { month: MONTH, ...query } });
}

function texts(...codes: string[]): string[] {
  return codes.flatMap((code) => Object.values(COMMENTS[code]!).flat());
}

/** Newest day first, by text within a day: the order the feed promises. */
function expectFeedOrder(page: CommentsPage): void {
  for (let i = 1; i < page.comments.length; i++) {
    const [a, b] = [page.comments[i - 1]!, page.comments[i]!];
    expect(a.day >= b.day, `${a.day} before ${b.day}`).toBe(true);
    if (a.day === b.day) expect(compareCommentText(a.text, b.text)).toBeLessThanOrEqual(0);
  }
}

async function auditEntries(action: string, actor: string): Promise<Record<string, unknown>[]> {
  return (await scanAll(t.doc, t.tables.audit)).filter((e) => e.action === action && e.actor === actor);
}

beforeAll(async () => {
  t = await isolatedTables(endpoint, { now: pinnedClock() });
  t.install();
  const d = seedWriter(t.runtime);
  await d.putUnit({ id: U.root, name: '临水县', parentId: null, path: [U.root] });
  await d.putUnit({ id: U.a, name: '甲局', parentId: U.root, path: [U.root, U.a] });
  await d.putUnit({ id: U.b, name: '乙局', parentId: U.root, path: [U.root, U.b] });
  await d.putUnit({ id: U.far, name: '远县', parentId: null, path: [U.far] });
  await d.putHall({ id: 'cm-hall', unitId: U.root, name: '大厅', address: '路1号' });
  const units: Record<string, string> = { [W.a1]: U.a, [W.a2]: U.a, [W.a3]: U.a, [W.b1]: U.b, [W.b2]: U.b, [W.far]: U.far };
  for (const [code, unitId] of Object.entries(units)) {
    await d.putWindow({ code, unitId, hallId: 'cm-hall', name: `窗口${code.slice(-3)}`, active: true, staffOnDutyIds: [], surveyId: NATIONAL_SURVEY.surveyId, surveyVersion: NATIONAL_SURVEY.version });
  }
  // Each day's ratings on that China-time day (noon in Beijing).
  for (const [i, day] of DAYS.entries()) {
    t.runtime.now = pinnedClock(new Date(`${day}T04:00:00.000Z`));
    for (const [code, byDay] of Object.entries(COMMENTS)) {
      for (const comment of byDay[i] ?? []) {
        const reply = await postRating(gateway, { windowCode: code, level: 4, comment });
        expect(reply.status, reply.text).toBe(201);
      }
    }
    if (i === 0) for (const [code, n] of Object.entries(PLAIN)) for (let k = 0; k < n; k++) expect((await postRating(gateway, { windowCode: code, level: 5 })).status).toBe(201);
  }
  t.runtime.now = pinnedClock();
  for (const [name, principal] of Object.entries({ committee, unitAdmin, staffMember, systemAdmin })) tokens[name] = (await t.runtime.tokens.issue(principal, new Date())).token;
}, 120_000);
afterAll(() => t?.close());

describe('the comments feed (评价留言)', () => {
  it('shows a window with ≥ 10 comments: text and China-time day only, newest first, by text within a day, hostile text as data; audited without the texts', async () => {
    const before = (await auditEntries('comments.read', committee.username)).length;
    const reply = await comments({ unit: U.root, window: W.a1 });
    expect(reply.status, reply.text).toBe(200);
    const page = reply.json as CommentsPage;
    expect(page).toMatchObject({ suppressed: false, total: 12, offset: 0, commentsK: 10, timeZone: 'Asia/Shanghai', scope: { unitId: U.root, window: { code: W.a1 } } });
    expect(page.period).toMatchObject({ from: '2026-11-01', to: '2026-11-30' });
    expect(page.cursor).toBeUndefined();
    // Exactly the day and the text: no id, level, window, staff, channel or anything else of a rating.
    for (const comment of page.comments) expect(Object.keys(comment).sort()).toEqual(['day', 'text']);
    expect(page.comments.map((c) => c.text).sort()).toEqual(texts(W.a1).sort());
    expect(page.comments.map((c) => c.day)).toEqual([...Array(4).fill(DAYS[2]), ...Array(4).fill(DAYS[1]), ...Array(4).fill(DAYS[0])]);
    expectFeedOrder(page);
    // Returned as data, exactly as typed: no escaping, no neutralising in JSON (the page and the exports do that).
    for (const hostile of HOSTILE) expect(page.comments.map((c) => c.text)).toContain(hostile);
    expect(page.comments).toContainEqual({ day: DAYS[2], text: '排队时间太长\n希望多开窗口' });

    const entries = await auditEntries('comments.read', committee.username);
    expect(entries).toHaveLength(before + 1);
    const entry = entries.find((e) => e.objectId === W.a1)!;
    expect(entry).toMatchObject({ result: 'ok', objectType: 'window', unitId: U.root, role: 'committee' });
    expect(String(entry.detail)).toContain('2026-11-01..2026-11-30');
    expect(String(entry.detail)).toContain('of 12');
    for (const text of texts(W.a1)) expect(JSON.stringify(entry)).not.toContain(text.slice(0, 6));
  });

  it('shows none of a window with 9 comments, and says that 10 are needed', async () => {
    const reply = await comments({ unit: U.root, window: W.b1 });
    expect(reply.status).toBe(200);
    const page = reply.json as CommentsPage;
    expect(page).toMatchObject({ suppressed: true, total: 0, comments: [], commentsK: 10 });
    expect(page.rule.zh).toContain('留言少于 10 条，不予显示');
    for (const text of texts(W.b1)) expect(reply.text).not.toContain(text);
    const audit = (await auditEntries('comments.read', committee.username)).find((e) => e.objectId === W.b1)!;
    expect(String(audit.detail)).toContain('none shown (fewer than 10)');
  });

  it('lists whole groups only: a unit shows what its ≥ 10 windows show, pools small windows of one unit, never a small remainder', async () => {
    // 甲局: a1 (12) is shown; a2 + a3 (4 + 3 = 7) is not, so 甲局 lists exactly window a1's comments.
    const a = (await comments({ unit: U.a })).json as CommentsPage;
    expect(a.total).toBe(12);
    expect(a.comments.map((c) => c.text).sort()).toEqual(texts(W.a1).sort());
    // 乙局: b1 (9) + b2 (2) = 11 pool within the unit; neither window alone is shown.
    const b = (await comments({ unit: U.b })).json as CommentsPage;
    expect(b.total).toBe(11);
    expect(b.comments.map((c) => c.text).sort()).toEqual(texts(W.b1, W.b2).sort());
    expect(((await comments({ unit: U.b, window: W.b2 })).json as CommentsPage).suppressed).toBe(true);
    // The county: both, never the other tree's window.
    const root = (await comments({ unit: U.root, limit: '200' })).json as CommentsPage;
    expect(root.total).toBe(23);
    expect(root.comments.map((c) => c.text).sort()).toEqual(texts(W.a1, W.b1, W.b2).sort());
    expectFeedOrder(root);
  });

  it('pages through with a cursor: the pages add up to the whole list, "N–M of total", and a forged cursor is a 400 naming cursor', async () => {
    const whole = ((await comments({ unit: U.root, limit: '200' })).json as CommentsPage).comments;
    const seen: CommentsPage['comments'] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = (await comments({ unit: U.root, limit: '5', ...(cursor ? { cursor } : {}) })).json as CommentsPage;
      expect(page.offset).toBe(seen.length);
      expect(page.total).toBe(23);
      seen.push(...page.comments);
      cursor = page.cursor;
      pages++;
    } while (cursor && pages < 10);
    expect(pages).toBe(5);
    expect(seen).toEqual(whole);

    const first = (await comments({ unit: U.root, limit: '5' })).json as CommentsPage;
    for (const forged of ['x', Buffer.from('{"d":"2026-10-01","o":0}').toString('base64url'), Buffer.from('{"d":"2026-11-18","o":-1}').toString('base64url'), Buffer.from('{"pk":"RATINGS#x"}').toString('base64url')]) {
      const reply = await comments({ unit: U.root, cursor: forged });
      expect(reply.status, forged).toBe(400);
      expect(JSON.stringify(reply.json)).toContain('cursor');
    }
    // A cursor of November is not one of December's.
    const other = await comments({ unit: U.root, month: '2026-12', cursor: first.cursor! });
    expect(other.status).toBe(400);
  });

  it('refuses staff (403), answers an out-of-scope unit or window like an unknown one (404), and audits each refusal once', async () => {
    const staff = await comments({ unit: U.a }, 'staffMember');
    expect(staff.status).toBe(403);
    expect(await auditEntries('comments.read', staffMember.username)).toEqual([expect.objectContaining({ result: 'denied' })]);

    expect((await comments({ unit: U.a, window: W.a1 }, 'unitAdmin')).status).toBe(200);
    const outside = await comments({ unit: U.b }, 'unitAdmin');
    const unknown = await comments({ unit: 'cm-nowhere' }, 'unitAdmin');
    expect(outside.status).toBe(404);
    expect(outside.json).toEqual(JSON.parse(JSON.stringify(unknown.json).split('cm-nowhere').join(U.b)));
    expect((await comments({ unit: U.a, window: W.b1 }, 'unitAdmin')).status).toBe(404);
    expect((await comments({ unit: U.root }, 'committee')).status).toBe(200);
    expect((await comments({ unit: U.far }, 'committee')).status).toBe(404);
    const refusals = (await auditEntries('comments.read', unitAdmin.username)).filter((e) => e.result !== 'ok');
    expect(refusals.map((e) => [e.objectId, e.result])).toEqual(
      expect.arrayContaining([
        [U.b, 'denied'],
        ['cm-nowhere', 'not-found'],
        [W.b1, 'denied'],
      ]),
    );
    expect(refusals).toHaveLength(3);

    // A system admin reads any tree, but must name the unit.
    expect((await comments({ unit: U.far }, 'systemAdmin')).json).toMatchObject({ total: 10 });
    const unnamed = await comments({}, 'systemAdmin');
    expect(unnamed.status).toBe(400);
    expect(JSON.stringify(unnamed.json)).toContain('unit');
  });

  it('counts comments in the window-day totals, in the rating’s transaction, equal to a recount from the raw ratings', async () => {
    const items = await scanAll(t.doc, t.tables.totals);
    const counter = (code: string, day: string) => Number(items.find((i) => i.pk === `TOTALS#WINDOW#${code}` && i.sk === `DAY#${day}#window-qr`)?.['window-qr|cm|n'] ?? 0);
    for (const [code, byDay] of Object.entries(COMMENTS)) for (const [i, day] of DAYS.entries()) expect(counter(code, day), `${code} ${day}`).toBe(byDay[i]?.length ?? 0);

    const deps = { units: t.runtime.units, windows: t.runtime.windows, ratings: t.runtime.ratings, cases: t.runtime.cases, totals: createTotalsMaintenance(t.doc, t.tables.totals) };
    const clean = await recountTotals(deps, { from: DAYS[0], to: DAYS[2], windowCodes: Object.values(W), dryRun: true });
    expect(clean.drifted).toBe(0);
    // Drop a comment counter: the recount sees it (the counter is derived data like every other).
    await t.doc.send(new UpdateCommand({ TableName: t.tables.totals, Key: { pk: `TOTALS#WINDOW#${W.a1}`, sk: `DAY#${DAYS[0]}#window-qr` }, UpdateExpression: 'REMOVE #cm', ExpressionAttributeNames: { '#cm': 'window-qr|cm|n' } }));
    const drifts: string[] = [];
    const repaired = await recountTotals(deps, { from: DAYS[0], to: DAYS[2], windowCodes: [W.a1], onDrift: (drift) => drifts.push(...drift.counters.map((c) => `${c.name} ${c.stored}→${c.recounted}`)) });
    expect(drifts).toEqual(['window-qr|cm|n 0→4']);
    expect(repaired.repaired).toBe(1);
    expect(((await comments({ unit: U.root, window: W.a1 })).json as CommentsPage).total).toBe(12);
  });
});

describe('comments in the downloads', () => {
  const download = (query: Record<string, string>) => request(gateway, 'GET', '/api/reports/satisfaction/export', { token: tokens.committee!, query: { unit: U.root, month: MONTH, ...query } });
  const bytes = (reply: Reply) => Buffer.from(reply.text, 'base64');
  const inert = (values: unknown[]) => {
    for (const value of values) if (typeof value === 'string') expect(value).not.toMatch(/^[=+\-@\t\r]/);
  };
  /** A hostile comment as the file must print it: a leading formula character behind a quote. */
  const printed = (text: string) => (/^[=+\-@\t\r]/.test(text) ? `'${text}` : text);

  it('XLSX: a 评价留言 sheet with the day and the neutralised text of every shown comment, newest first; the download audit says how many', async () => {
    const reply = await download({ format: 'xlsx' });
    expect(reply.status, reply.text.slice(0, 200)).toBe(200);
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(bytes(reply) as unknown as ArrayBuffer);
    const sheet = book.getWorksheet('评价留言')!;
    expect(sheet).toBeDefined();
    const rows: unknown[][] = [];
    sheet.eachRow((row) => rows.push((row.values as unknown[]).slice(1)));
    expect(rows[0]).toEqual(['日期（北京时间）', '留言']);
    expect(rows[2]).toEqual(['条数', '共 23 条']);
    const body = rows.slice(3);
    const feed = ((await comments({ unit: U.root, limit: '200' })).json as CommentsPage).comments;
    expect(body).toEqual(feed.map((c) => [c.day, printed(c.text)]));
    for (const hostile of HOSTILE) expect(body.map((r) => r[1])).toContain(printed(hostile));
    book.eachSheet((s) => s.eachRow((row) => inert((row.values as unknown[]).slice(1))));
    const entry = (await auditEntries('report.export', committee.username)).find((e) => String(e.detail).startsWith('xlsx'))!;
    expect(String(entry.detail)).toContain('comments=23 of 23');
    for (const text of texts(W.a1)) expect(String(entry.detail)).not.toContain(text.slice(0, 6));
  });

  it('CSV: a 【评价留言】 section with the same rows, neutralised; the 数据校验码 leaves comments out (the same for XLSX, CSV and PDF)', async () => {
    const reply = await download({ format: 'csv' });
    expect(reply.status).toBe(200);
    const records = parseCsv(bytes(reply).subarray(3), { relax_column_count: true }) as string[][];
    const start = records.findIndex((r) => r[0] === '【评价留言】');
    expect(start).toBeGreaterThan(0);
    expect(records[start + 1]).toEqual(['日期（北京时间）', '留言']);
    const feed = ((await comments({ unit: U.root, limit: '200' })).json as CommentsPage).comments;
    expect(records.slice(start + 4, start + 4 + feed.length)).toEqual(feed.map((c) => [c.day, printed(c.text)]));
    inert(records.flat());

    const hashes = new Set<string>();
    for (const format of ['xlsx', 'csv', 'pdf']) hashes.add(String((await download({ format })).headers['x-manyi-data-sha256']));
    expect(hashes.size).toBe(1);
    const pdfEntry = (await auditEntries('report.export', committee.username)).find((e) => String(e.detail).startsWith('pdf'))!;
    expect(String(pdfEntry.detail)).toContain('comments=not included');
  });

  it('a download of a window with 9 comments says so and carries none of them', async () => {
    const reply = await download({ window: W.b1, format: 'csv' });
    expect(reply.status).toBe(200);
    const text = bytes(reply).toString('utf8');
    expect(text).toContain('【评价留言】');
    expect(text).toContain('留言少于 10 条，不予显示');
    for (const comment of texts(W.b1)) expect(text).not.toContain(comment);
    const entry = (await auditEntries('report.export', committee.username)).find((e) => e.objectId === U.root && String(e.detail).includes('none (fewer than 10)'));
    expect(entry).toBeDefined();
  });
});
