import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { demoWindows, loginToken, windowCounts } from '../support/api-client.js';
import { JS_MODES, adminLogin, desktopContext, launchChromium, phoneContext } from '../support/browser.js';
import { daysFrom } from '../support/clock.js';

const baseUrl = inject('baseUrl');
const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const LEVEL_NAMES = ['非常满意', '满意', '基本满意', '不满意', '非常不满意'];

let browser: Browser;
let token: string;
let windows: Awaited<ReturnType<typeof demoWindows>>;

beforeAll(async () => {
  browser = await launchChromium();
  token = await loginToken(baseUrl);
  windows = await demoWindows(baseUrl, token);
});

afterAll(async () => {
  await browser?.close();
});

/** The overall-satisfaction question (the indicator questions use the same five level names). */
const overall = (page: Page) => page.getByRole('group', { name: /满意吗/ });

/**
 * Opens one of the resident form's folded parts (a <details>) by its summary, unless it is open
 * already (with JavaScript, the 差评 reasons open when 不满意 or 非常不满意 is chosen).
 */
async function unfold(page: Page, summary: string | RegExp): Promise<void> {
  const fold = page.locator('form[data-rating-form] details').filter({ has: page.locator('summary', { hasText: summary }) });
  if ((await fold.getAttribute('open')) === null) await fold.locator('summary').click();
}

describe.each(JS_MODES)('a resident rates a window $name', ({ javaScriptEnabled }) => {
  it('shows the window card with the staff on duty and their pledge', async () => {
    const context = await phoneContext(browser, javaScriptEnabled);
    const page = await context.newPage();
    const window = windows[0]!;
    const card = (await (await fetch(`${baseUrl}/api/public/windows/${window.code}`)).json()) as {
      staffOnDuty: { name: string; pledge: string }[];
    };

    const response = await page.goto(`${baseUrl}/w/${window.code}`);

    expect(response?.status()).toBe(200);
    const text = await page.locator('body').innerText();
    expect(text).toContain(window.name);
    expect(text).toContain(window.unitName);
    for (const person of card.staffOnDuty) {
      expect(text).toContain(person.name);
      expect(text).toContain(person.pledge);
    }
    for (const level of LEVEL_NAMES) await expect(overall(page).getByRole('radio', { name: level, exact: true }).count()).resolves.toBe(1);
    await context.close();
  });

  it('submits a 差评 with a reason, lands on a thank-you page that shows no score, and the admin count moves', async () => {
    const window = windows[javaScriptEnabled ? 1 : 2]!;
    // Up to tomorrow: the rating lands in the range even if the China day changes before it is sent.
    const { from, to } = daysFrom(59);
    const before = await windowCounts(baseUrl, token, window.code, from, to);
    const context = await phoneContext(browser, javaScriptEnabled);
    const page = await context.newPage();
    await page.goto(`${baseUrl}/w/${window.code}`);

    await overall(page).getByRole('radio', { name: '非常不满意', exact: true }).check();
    await unfold(page, '请选择原因');
    await page.getByRole('checkbox', { name: '效率低' }).check();
    await unfold(page, '意见或建议');
    await page.getByRole('textbox', { name: /意见|建议/ }).fill('等了很久才办好');
    await Promise.all([page.waitForURL(/\/thanks$/), page.getByRole('button', { name: /提交/ }).click()]);

    // The site header carries the brand 满意; the receipt itself is the main region.
    const thanks = await page.locator('main').innerText();
    expect(thanks).toContain('感谢');
    for (const level of LEVEL_NAMES) expect(thanks).not.toContain(level);
    expect(page.url()).not.toMatch(/level|idempotency/i);
    const after = await windowCounts(baseUrl, token, window.code, from, to);
    expect(after.n).toBe(before.n + 1);
    expect(after.counts['1']).toBe(before.counts['1'] + 1);

    const admin = await desktopContext(browser, javaScriptEnabled);
    const adminPage = await admin.newPage();
    await adminLogin(adminPage, baseUrl);
    await adminPage.goto(`${baseUrl}/admin?window=${window.code}&from=${from}&to=${to}`);
    await expect(adminPage.getByTestId('count-1').innerText()).resolves.toContain(String(after.counts['1']));
    await expect(adminPage.getByTestId('n').innerText()).resolves.toContain(String(after.n));
    const adminText = await adminPage.locator('body').innerText();
    expect(adminText).toContain('好评率');
    expect(adminText).toContain('满意率');
    expect(adminText).toMatch(/95%/);
    expect(adminText).toContain('基本满意');
    await context.close();
    await admin.close();
  });

  it('keeps what the resident entered and names the problem when the phone is given without consent', async () => {
    const window = windows[3]!;
    const { from, to } = daysFrom(59);
    const before = await windowCounts(baseUrl, token, window.code, from, to);
    const context = await phoneContext(browser, javaScriptEnabled);
    const page = await context.newPage();
    await page.goto(`${baseUrl}/w/${window.code}`);

    await overall(page).getByRole('radio', { name: '满意', exact: true }).check();
    await unfold(page, '电话回访');
    await page.getByRole('textbox', { name: /电话|手机/ }).fill('13800138000');
    await page.getByRole('button', { name: /提交/ }).click();
    await page.waitForLoadState('load');

    expect(await page.getByText('留下电话需勾选同意回访').count()).toBeGreaterThan(0);
    expect(page.url()).not.toMatch(/\/thanks$/);
    await expect(overall(page).getByRole('radio', { name: '满意', exact: true }).isChecked()).resolves.toBe(true);
    const after = await windowCounts(baseUrl, token, window.code, from, to);
    expect(after.n).toBe(before.n);
    await context.close();
  });

  it('switches to English and back', async () => {
    const context = await phoneContext(browser, javaScriptEnabled);
    const page = await context.newPage();
    await page.goto(`${baseUrl}/w/${windows[0]!.code}?lang=en`);
    expect(await page.locator('body').innerText()).toContain('Very satisfied');
    expect(await page.getAttribute('html', 'lang')).toMatch(/^en/);
    await page.goto(`${baseUrl}/w/${windows[0]!.code}?lang=zh`);
    expect(await page.locator('body').innerText()).toContain('非常满意');
    expect(await page.getAttribute('html', 'lang')).toBe('zh-CN');
    await context.close();
  });

  it('answers an unknown window code with a friendly 404', async () => {
    const context = await phoneContext(browser, javaScriptEnabled);
    const page = await context.newPage();
    const response = await page.goto(`${baseUrl}/w/nosuchwindow`);
    expect(response?.status()).toBe(404);
    expect(await page.locator('body').innerText()).toContain('未找到');
    await context.close();
  });
});

describe('the resident page', () => {
  it('has no serious or critical accessibility issues (axe-core)', async () => {
    // The page's CSP rightly forbids inline scripts; the test bypasses it only to inject axe.
    const context = await browser.newContext({ bypassCSP: true, viewport: { width: 390, height: 844 }, locale: 'zh-CN' });
    const page = await context.newPage();
    await page.goto(`${baseUrl}/w/${windows[0]!.code}`);
    await page.addScriptTag({ content: axeSource });
    const violations = await page.evaluate(async () => {
      const axe = (window as unknown as { axe: { run: (ctx: Document) => Promise<{ violations: { id: string; impact: string; help: string }[] }> } }).axe;
      const result = await axe.run(document);
      return result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id}: ${v.help}`);
    });
    expect(violations).toEqual([]);
    await context.close();
  });

  it('works with no JavaScript at all: the HTML references none that it needs, and the form posts natively', async () => {
    const html = await (await fetch(`${baseUrl}/w/${windows[0]!.code}`)).text();
    expect(html).toMatch(/<form[^>]+method="post"/i);
    expect(Buffer.byteLength(html)).toBeLessThan(15 * 1024);
  });
});
