import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { loginToken } from '../support/api-client.js';
import { daysFrom } from '../support/clock.js';
import { JS_MODES, adminLogin, desktopContext, launchChromium } from '../support/browser.js';

/**
 * The 评价留言 section of the committee report and its full list (/admin/reports/comments),
 * against the local stack, with JavaScript on and off: a window with 12 comments, some hostile,
 * shows them as text with their day (nothing of them becomes markup, no dialog opens, a formula
 * stays text); a window with 3 comments shows none and says why.
 */

const baseUrl = inject('baseUrl');
const HOSTILE = ['<script>alert(1)</script>', '<img src=x onerror=alert(2)>', '=1+1', '@SUM(1)'];
const PLAIN = Array.from({ length: 8 }, (_, i) => `留言测试第${i + 1}条`);
const SMALL = ['小窗口留言甲', '小窗口留言乙', '小窗口留言丙'];

let browser: Browser;
let token: string;
let unitId: string;
let big: string;
let small: string;
/** Every China day the ratings can have landed on (two if the day changed meanwhile). */
let range: { from: string; to: string };

async function api(path: string, body?: unknown, auth: string | null = token) {
  const response = await fetch(`${baseUrl}${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { 'content-type': 'application/json', ...(auth ? { authorization: `Bearer ${auth}` } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  return { status: response.status, json: (await response.json().catch(() => undefined)) as any };
}

beforeAll(async () => {
  browser = await launchChromium();
  token = await loginToken(baseUrl);
  // A tree of its own (as no-small-cells does): windows added to the demo county would shift the
  // demo windows other browser tests pick by position, and the county's drill-down.
  const root = await api('/api/org/units', { name: '留言测试县', parentId: null });
  expect(root.status, JSON.stringify(root.json)).toBe(201);
  const unit = await api('/api/org/units', { name: '留言测试局', parentId: root.json.id });
  expect(unit.status, JSON.stringify(unit.json)).toBe(201);
  unitId = unit.json.id;
  const window = async (name: string) => {
    const created = await api(`/api/org/units/${unitId}/windows`, { name });
    expect(created.status, JSON.stringify(created.json)).toBe(201);
    return created.json.code as string;
  };
  big = await window('留言一号窗口');
  small = await window('留言二号窗口');
  const started = new Date();
  for (const [code, comments] of [[big, [...HOSTILE, ...PLAIN]], [small, SMALL]] as const) {
    for (const comment of comments) {
      const rating = await api('/api/public/ratings', { windowCode: code, level: 4, comment }, null);
      expect(rating.status, JSON.stringify(rating.json)).toBe(201);
    }
  }
  range = { from: daysFrom(0, started).from, to: daysFrom(0).to };
});

afterAll(async () => {
  await browser?.close();
});

/** Nothing a resident wrote became markup. */
async function expectNoInjection(page: Page): Promise<void> {
  expect(await page.locator('img[src="x"]').count()).toBe(0);
  expect(await page.locator('[onerror], [onload]').count()).toBe(0);
  const inline = await page.locator('script:not([src])').allTextContents();
  // (SvelteKit's own data script carries the texts too, as escaped JSON: that is data, not a script of theirs.)
  expect(inline.filter((text) => /^\s*alert\(\d\)\s*$/.test(text))).toEqual([]);
  expect(await page.locator('main script').count()).toBe(0);
}

describe.each(JS_MODES)('评价留言 on the report $name', ({ javaScriptEnabled }) => {
  it('shows a window’s 12 comments as text with their day, hostile ones inert; a window with 3 shows none and says why', async () => {
    const context = await desktopContext(browser, javaScriptEnabled);
    const page = await context.newPage();
    let dialogs = 0;
    page.on('dialog', (dialog) => {
      dialogs++;
      void dialog.dismiss();
    });
    await adminLogin(page, baseUrl);
    const period = `period=custom&from=${range.from}&to=${range.to}`;

    // The unit: window 1's 12 comments (window 2's 3 are a small group and stay hidden).
    expect((await page.goto(`${baseUrl}/admin/reports?unit=${unitId}&${period}`))?.status()).toBe(200);
    const section = page.getByTestId('comments');
    await expect(section.getByRole('heading', { name: '评价留言' }).count()).resolves.toBe(1);
    await expect(section.getByTestId('comments-range').innerText()).resolves.toBe('第 1–12 条，共 12 条');
    const texts = await section.getByTestId('comment-text').allInnerTexts();
    expect(texts.sort()).toEqual([...HOSTILE, ...PLAIN].sort());
    // Each comment's China-time day (after a label only screen readers announce), nothing else.
    for (const shown of await section.getByTestId('comment-day').allInnerTexts()) {
      const day = /(\d{4}-\d{2}-\d{2})$/.exec(shown.trim())?.[1];
      expect(day !== undefined && day >= range.from && day <= range.to, shown).toBe(true);
    }
    for (const text of SMALL) expect(await section.innerText()).not.toContain(text);
    await expectNoInjection(page);

    // The full list: the same comments, the way back to the report.
    expect((await page.goto(`${baseUrl}/admin/reports/comments?unit=${unitId}&${period}`))?.status()).toBe(200);
    await expect(page.getByRole('heading', { level: 1 }).innerText()).resolves.toBe('评价留言');
    expect((await page.getByTestId('comment-text').allInnerTexts()).sort()).toEqual([...HOSTILE, ...PLAIN].sort());
    expect(await page.getByTestId('comments-back').getAttribute('href')).toContain(`unit=${unitId}`);
    await expectNoInjection(page);

    // The small window: nothing shown, and why.
    expect((await page.goto(`${baseUrl}/admin/reports?unit=${unitId}&window=${small}&${period}`))?.status()).toBe(200);
    await expect(page.getByTestId('comments-suppressed').innerText()).resolves.toBe('留言少于 10 条，不予显示。');
    expect(await page.getByTestId('comment').count()).toBe(0);
    for (const text of SMALL) expect(await page.locator('main').innerText()).not.toContain(text);

    // Opened without any query (a bookmark): the administrator's own scope, not an error.
    expect((await page.goto(`${baseUrl}/admin/reports/comments`))?.status()).toBe(200);
    expect(await page.locator('main').innerText()).not.toContain('查询条件有误');
    await expect(page.getByTestId('comments-back').getAttribute('href')).resolves.toMatch(/unit=/);

    expect(dialogs).toBe(0);
    await context.close();
  });
});
