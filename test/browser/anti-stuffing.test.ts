import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { demoWindows, loginToken, windowCounts } from '../support/api-client.js';
import { JS_MODES, adminLogin, desktopContext, launchChromium, phoneContext } from '../support/browser.js';
import { daysFrom } from '../support/clock.js';

/**
 * Anti-stuffing as a resident and a staff member meet it (issue 11, item 2; decision 0015): a phone
 * that rated a window a moment ago gets a friendly page and its second rating is not counted; a
 * browser signed in as staff or administrator cannot rate. JavaScript on and off.
 */
const baseUrl = inject('baseUrl');
let browser: Browser;
let token: string;
let windows: Awaited<ReturnType<typeof demoWindows>>;

beforeAll(async () => {
  browser = await launchChromium();
  token = await loginToken(baseUrl);
  // Demo windows 9 and 11: no other resident test rates them (resident-rating 0–3, service items 5–7 and 10).
  windows = await demoWindows(baseUrl, token);
});
afterAll(async () => {
  await browser?.close();
});

const overall = (page: Page) => page.getByRole('group', { name: /满意吗/ });

async function rate(page: Page, code: string, level: string): Promise<void> {
  await page.goto(`${baseUrl}/w/${code}`);
  await overall(page).getByRole('radio', { name: level, exact: true }).check();
  await Promise.all([page.waitForURL(/\/(thanks|recent)$/), page.getByRole('button', { name: /提交/ }).click()]);
}

describe.each(JS_MODES)('anti-stuffing $name', ({ javaScriptEnabled }) => {
  it('counts one rating of a window per phone within the interval and tells the resident kindly', async () => {
    const window = windows[javaScriptEnabled ? 9 : 11]!;
    const { from, to } = daysFrom(59);
    const before = await windowCounts(baseUrl, token, window.code, from, to);
    const context = await phoneContext(browser, javaScriptEnabled);
    const page = await context.newPage();

    await rate(page, window.code, '非常满意');
    expect(page.url()).toMatch(/\/thanks$/);
    await rate(page, window.code, '非常满意');

    expect(page.url()).toMatch(/\/recent$/);
    await expect(page.getByTestId('rated-recently').innerText()).resolves.toBe('您刚刚已评价过本窗口');
    const after = await windowCounts(baseUrl, token, window.code, from, to);
    expect(after.n).toBe(before.n + 1);
    // A second phone (its own cookie) is a second resident.
    const other = await phoneContext(browser, javaScriptEnabled);
    const otherPage = await other.newPage();
    await rate(otherPage, window.code, '满意');
    expect(otherPage.url()).toMatch(/\/thanks$/);
    expect((await windowCounts(baseUrl, token, window.code, from, to)).n).toBe(before.n + 2);
    await other.close();
    await context.close();
  });

  it('refuses a rating from a browser signed in as an administrator and counts nothing', async () => {
    const window = windows[javaScriptEnabled ? 9 : 11]!;
    const { from, to } = daysFrom(59);
    const before = await windowCounts(baseUrl, token, window.code, from, to);
    const context = await desktopContext(browser, javaScriptEnabled);
    const page = await context.newPage();
    await adminLogin(page, baseUrl);

    await page.goto(`${baseUrl}/w/${window.code}`);
    await overall(page).getByRole('radio', { name: '非常满意', exact: true }).check();
    await Promise.all([page.waitForLoadState('load'), page.getByRole('button', { name: /提交/ }).click()]);
    await page.getByText(/不能进行评价/).first().waitFor();

    expect(page.url()).not.toMatch(/\/thanks$/);
    expect((await windowCounts(baseUrl, token, window.code, from, to)).n).toBe(before.n);
    await context.close();
  });
});
