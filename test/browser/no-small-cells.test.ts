import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { chinaDay } from '../../shared/src/domain/china-time.js';
import { loginToken } from '../support/api-client.js';
import { JS_MODES, adminLogin, desktopContext, launchChromium, staffLogin } from '../support/browser.js';

/**
 * Numbers that harm no one (issue 11, item 1), on the pages that show counts — /admin (one
 * window's results), /admin/reports (the committee report, at every level and drilled down to each
 * window) and /me (a staff member's own page) — with JavaScript on and off. The fixture, made
 * through the API: windows with 1, 2, 3 and 4 ratings today, a staff member on duty at the first
 * and third (4 ratings), and a large window whose two small service items are, together, all 满意.
 * No page shows a group with 0 < n < 5, and no table lets one (or a uniform remainder) be
 * subtracted from its total.
 */

const baseUrl = inject('baseUrl');
const K = 5;
const today = chinaDay(new Date());
const RANGE = `from=${today}&to=${today}`;
const STAFF_LOGIN = { username: 'xiaoyang.staff', password: 'Browser-Test-2026!' };
const ITEMS = ['社保登记', '不动产登记'];

let browser: Browser;
let token: string;
// Names sort after the demo county's halls ("小" after "临"): GET /api/windows lists by hall, and other browser tests use the first windows listed.
const fixture = { root: '', unit: '', small: [] as string[], big: '' };

async function api(path: string, body?: unknown, auth: string | null = token): Promise<{ status: number; json: any }> {
  const response = await fetch(`${baseUrl}${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { 'content-type': 'application/json', ...(auth ? { authorization: `Bearer ${auth}` } : {}) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: response.status, json: (await response.json().catch(() => undefined)) as any };
}

async function created<T = any>(path: string, body: unknown): Promise<T> {
  const reply = await api(path, body);
  expect(reply.status, `${path}: ${JSON.stringify(reply.json)}`).toBeLessThan(300);
  return reply.json as T;
}

async function rate(windowCode: string, level: number, serviceItem?: string, staffId?: string): Promise<void> {
  const body = { windowCode, level, ...(level <= 2 ? { reasons: ['SLOW'] } : {}), ...(serviceItem ? { serviceItem } : {}), ...(staffId ? { staffId } : {}) };
  const reply = await api('/api/public/ratings', body, null);
  expect(reply.status, JSON.stringify(reply.json)).toBe(201);
}

beforeAll(async () => {
  browser = await launchChromium();
  token = await loginToken(baseUrl);
  fixture.root = (await created('/api/org/units', { name: '小样本测试县', parentId: null })).id;
  fixture.unit = (await created('/api/org/units', { name: '小样本测试局', parentId: fixture.root })).id;
  const staff = await created(`/api/org/units/${fixture.unit}/staff`, { staffNo: 'XY-01', name: '肖洋', post: '受理员', duties: '受理', pledge: '一次告知', partyMember: false });
  const serviceItems = ITEMS.map((name) => ({ name }));
  for (const [i, name] of ['一', '二', '三', '四'].entries()) {
    const window = await created(`/api/org/units/${fixture.unit}/windows`, { name: `小样本${name}号窗口`, serviceItems });
    fixture.small.push(window.code);
    // 肖洋 is on duty at the first and the third, and named by their residents: 1 + 3 = 4 ratings of their own.
    if (i === 0 || i === 2) await created(`/api/org/windows/${window.code}/staff`, { staffIds: [staff.id], onDutyIds: [staff.id] });
  }
  fixture.big = (await created(`/api/org/units/${fixture.unit}/windows`, { name: '小样本综合窗口', serviceItems })).code;
  await created('/api/accounts', { ...STAFF_LOGIN, displayName: '肖洋', personId: 'XY-01', role: 'staff', unitId: fixture.unit });

  // 1, 2, 3 and 4 ratings today.
  for (const [i, code] of fixture.small.entries()) {
    for (let r = 0; r <= i; r++) await rate(code, [5, 4, 1, 3][r]!, r === 0 ? ITEMS[0] : undefined, i === 0 || i === 2 ? staff.id : undefined);
  }
  // The large window: 3 × 非常满意 for 社保登记, 4 × 满意 for 不动产登记, 20 mixed without an item.
  for (let r = 0; r < 3; r++) await rate(fixture.big, 5, ITEMS[0]);
  for (let r = 0; r < 4; r++) await rate(fixture.big, 4, ITEMS[1]);
  for (const level of [5, 5, 5, 5, 5, 5, 5, 5, 4, 4, 4, 4, 4, 4, 3, 3, 3, 2, 2, 1]) await rate(fixture.big, level);
});

afterAll(async () => {
  await browser?.close();
});

// ——— What a reader of a page sees ———

const LEVELS = [5, 4, 3, 2, 1] as const;
type Counts = Record<(typeof LEVELS)[number], number>;

/** Every group size a page shows: the report's and /admin's n, and each table row's n column. */
async function shownSizes(page: Page): Promise<string[]> {
  return (await page.locator('[data-testid="n"], [data-testid="report-n"]').allInnerTexts()).map((text) => text.trim());
}

/** A shown size is "<5", "已隐藏", 0 (an empty group: it tells nothing about anybody) or a number of at least 5; never 1–4. */
function smallSizes(label: string, sizes: string[]): string[] {
  return sizes.filter((size) => /^\d+$/.test(size) && Number(size) > 0 && Number(size) < K).map((size) => `${label}: shows n = ${size}`);
}

interface Row {
  key: string;
  hidden: boolean;
  counts: Counts | null;
}

/** The rows of one breakdown table of a report page: data-key, whether hidden, the five counts as printed. */
async function tableRows(page: Page, id: string): Promise<Row[]> {
  const rows = page.locator(`table[data-testid="${id}"] tbody tr`);
  const result: Row[] = [];
  for (let i = 0; i < (await rows.count()); i++) {
    const row = rows.nth(i);
    const hidden = (await row.getAttribute('data-suppressed')) !== null;
    const cells = (await row.locator('td').allInnerTexts()).map((text) => text.trim());
    // Columns: n, then the five levels from 非常满意 to 非常不满意.
    const counts = hidden ? null : (Object.fromEntries(LEVELS.map((level, j) => [level, Number(cells[1 + j])])) as Counts);
    result.push({ key: (await row.getAttribute('data-key')) ?? '', hidden, counts });
  }
  return result;
}

/** The report's own counts table (shown only when the scope is shown). */
async function summaryCounts(page: Page): Promise<Counts | null> {
  if ((await page.getByTestId('count-5').count()) === 0) return null;
  const counts = {} as Counts;
  for (const level of LEVELS) counts[level] = Number((await page.getByTestId(`count-${level}`).innerText()).trim());
  return counts;
}

const UNIFORM_SETS = [[5], [4], [3], [2], [1], [5, 4, 3], [2, 1], [5, 4], [3, 2, 1]];
const size = (counts: Counts) => LEVELS.reduce((n, level) => n + counts[level], 0);
const within = (counts: Counts, set: number[]) => size(counts) > 0 && set.reduce((n, level) => n + counts[level as 5], 0) === size(counts);

/** Total minus the shown rows of a table: 0 or ≥ 5 ratings, and not all of one kind unless the total is. */
async function subtractable(page: Page, label: string): Promise<string[]> {
  const total = await summaryCounts(page);
  if (!total) return [];
  const problems: string[] = [];
  const families: [string, Row[]][] = [];
  for (const id of ['trend', 'by-service-item', 'by-unit']) families.push([id, await tableRows(page, id)]);
  const byUnit = families.at(-1)![1];
  // A unit with windows of its own only: its one "本级" row is the total, and its windows add up to it.
  if (byUnit.length === 0 || (byUnit.length === 1 && byUnit[0]!.key === 'self')) families.push(['by-window', await tableRows(page, 'by-window')]);
  for (const [id, rows] of families) {
    if (rows.length === 0) continue;
    const rest = { ...total };
    for (const row of rows) if (row.counts) for (const level of LEVELS) rest[level] -= row.counts[level];
    const n = size(rest);
    if (n > 0 && n < K) problems.push(`${label} ${id}: total − shown rows = ${n}`);
    for (const set of UNIFORM_SETS) if (within(rest, set) && !within(total, set)) problems.push(`${label} ${id}: the ${n} hidden ratings all in levels ${set.join(',')}`);
  }
  return problems;
}

describe.each(JS_MODES)('no page shows a group under 5 $name', ({ javaScriptEnabled }) => {
  let page: Page;
  let close: () => Promise<void>;

  beforeAll(async () => {
    const context = await desktopContext(browser, javaScriptEnabled);
    page = await context.newPage();
    close = () => context.close();
    await adminLogin(page, baseUrl);
  });
  afterAll(async () => {
    await close?.();
  });

  it('/admin: a window with 1, 2, 3 or 4 ratings shows "<5", no counts, no rate, and why', async () => {
    const problems: string[] = [];
    for (const [i, code] of fixture.small.entries()) {
      expect((await page.goto(`${baseUrl}/admin?window=${code}&${RANGE}`))?.status()).toBe(200);
      problems.push(...smallSizes(`/admin ${i + 1} ratings`, await shownSizes(page)));
      await expect(page.getByTestId('n').innerText()).resolves.toBe('<5');
      await expect(page.getByTestId('suppressed').innerText()).resolves.toContain('少于 5 条');
      expect(await page.getByTestId('count-5').count()).toBe(0);
      expect(await page.getByTestId('satisfied-rate').count()).toBe(0);
    }
    expect(problems).toEqual([]);
    // The large window is shown whole, and links to its report.
    await page.goto(`${baseUrl}/admin?window=${fixture.big}&${RANGE}`);
    await expect(page.getByTestId('n').innerText()).resolves.toBe('27');
    await expect(page.getByTestId('count-5').innerText()).resolves.toBe('11');
    expect(await page.getByTestId('window-report').getAttribute('href')).toContain(`window=${fixture.big}`);
  });

  it('/admin/reports: no cell of the county, the unit or any window is under 5, and none can be subtracted', async () => {
    const problems: string[] = [];
    const scopes = [
      `unit=${fixture.root}`,
      `unit=${fixture.unit}`,
      ...[...fixture.small, fixture.big].map((code) => `unit=${fixture.unit}&window=${code}`),
    ];
    for (const scope of scopes) {
      const url = `/admin/reports?${scope}&period=custom&${RANGE}`;
      expect((await page.goto(`${baseUrl}${url}`))?.status(), url).toBe(200);
      const sizes = await shownSizes(page);
      expect(sizes.length, url).toBeGreaterThan(0);
      problems.push(...smallSizes(url, sizes), ...(await subtractable(page, url)));
    }
    expect(problems).toEqual([]);
    // Not vacuous: the small windows are there, as "<5".
    await page.goto(`${baseUrl}/admin/reports?unit=${fixture.unit}&period=custom&${RANGE}`);
    for (const code of fixture.small) await expect(page.locator(`table[data-testid="by-window"] tr[data-key="${code}"] [data-testid="n"]`).innerText()).resolves.toMatch(/^(<5|已隐藏)$/);
  });

  it('/me: a staff member with 4 ratings of their own sees "<5", no numbers', async () => {
    const context = await desktopContext(browser, javaScriptEnabled);
    const staffPage = await context.newPage();
    await staffLogin(staffPage, baseUrl, STAFF_LOGIN.username, STAFF_LOGIN.password);
    expect((await staffPage.goto(`${baseUrl}/me?period=custom&${RANGE}`))?.status()).toBe(200);
    expect(smallSizes('/me', await shownSizes(staffPage))).toEqual([]);
    await expect(staffPage.getByTestId('me-suppressed').innerText()).resolves.toBe('样本不足5条，暂不显示');
    // The 4 that named 肖洋 are also all the named ratings of the unit's 37: printed as "<5".
    await expect(staffPage.getByTestId('attribution').innerText()).resolves.toBe('本期范围内共 37 条评价，其中 <5 条由评价人指明了工作人员；您的统计只含指明您本人的评价。');
    expect(await staffPage.getByTestId('count-5').count()).toBe(0);
    await context.close();
  });
});
