import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { JS_MODES, adminLogin, desktopContext, launchChromium } from '../support/browser.js';

/**
 * Issue 12: the posters of the local stack encode the URL it serves (http://localhost:<port>), a
 * loopback address no resident's phone can open, so the poster page says so in Chinese, with and
 * without JavaScript.
 */

const baseUrl = inject('baseUrl');
let browser: Browser;

beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
});

describe.each(JS_MODES)('the poster page $name', ({ javaScriptEnabled }) => {
  it('warns that the QR codes point at this machine only, naming the address and PUBLIC_BASE_URL', async () => {
    const admin = await desktopContext(browser, javaScriptEnabled);
    const page = await admin.newPage();
    await adminLogin(page, baseUrl);

    await page.goto(`${baseUrl}/admin/posters`);
    const warning = page.getByTestId('poster-loopback');
    await warning.waitFor();
    const text = await warning.innerText();
    expect(text).toContain(`二维码指向 http://localhost:${new URL(baseUrl).port}，只能在本机打开`);
    expect(text).toContain('请设置 PUBLIC_BASE_URL 为居民可访问的地址');
    // The download forms are still there: the warning does not stop a test print.
    await page.getByRole('heading', { name: '单个窗口' }).waitFor();
    await admin.close();
  });
});
