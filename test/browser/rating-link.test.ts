import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { demoWindows, loginToken } from '../support/api-client.js';
import { JS_MODES, launchChromium, phoneContext } from '../support/browser.js';

/**
 * 一次一评 (issue 13 §1, decision 0020): a 办件 pushed with `issueLink` comes back with a one-time
 * link; the resident opens it on a phone, sees the window and the service item, rates, and lands on
 * a thanks page whose address holds no token. The same link again shows 本次办件已评价; a link whose
 * 补评 period is over shows 评价期已过. With JavaScript and without it.
 */
const baseUrl = inject('baseUrl');
let browser: Browser;
let token: string;
let credential: string;
let window: { code: string; unitId: string; name: string };
let pushed = 0;

async function api(method: string, path: string, body?: unknown, bearer = token) {
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${bearer}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: response.status, json: (await response.json()) as any };
}

/** A 办件 of the demo window pushed with a link; `daysAgo` finished that many days ago. */
async function link(daysAgo = 0): Promise<string> {
  const reply = await api(
    'POST',
    '/api/service-records?issueLink=true',
    {
      projNo: `RL-BROWSER-${Date.now()}-${++pushed}`,
      unitId: window.unitId,
      windowCode: window.code,
      serviceItem: '营业执照设立登记',
      finishedAt: new Date(Date.now() - daysAgo * 86_400_000 - 60_000).toISOString(),
      servedVia: 'window',
      applicantType: 'person',
    },
    credential,
  );
  expect(reply.status, JSON.stringify(reply.json)).toBe(201);
  const url = reply.json.records[0].ratingLink.url as string;
  expect(url).toMatch(/\/r\/[A-Za-z0-9_-]{22}$/);
  // The link names the configured public address; the test opens the same path on its own stack.
  return `${baseUrl}${new URL(url).pathname}`;
}

beforeAll(async () => {
  browser = await launchChromium();
  token = await loginToken(baseUrl);
  const first = (await demoWindows(baseUrl, token))[0]!;
  const detail = await api('GET', `/api/org/windows/${first.code}`);
  window = { code: first.code, unitId: detail.json.unitId, name: first.name };
  credential = (await api('POST', '/api/integration-clients', { unitId: window.unitId, name: '一次一评浏览器测试系统' })).json.credential;
});
afterAll(async () => {
  await browser?.close();
});

describe.each(JS_MODES)('a resident rates one 办件 through its link $name', ({ javaScriptEnabled }) => {
  it('rates once, lands on a thanks page without the token, and the same link then shows 本次办件已评价', async () => {
    const url = await link();
    const context = await phoneContext(browser, javaScriptEnabled);
    const page = await context.newPage();
    expect((await page.goto(url, { waitUntil: 'networkidle' }))?.status()).toBe(200);
    expect(await page.getByTestId('service-item').innerText()).toBe('营业执照设立登记');
    expect(await page.locator('body').innerText()).toContain(window.name);
    if (javaScriptEnabled) {
      // For a person to look at (test-results/screens/phone/rating-link.png), beside the admin screens.
      const dir = join(new URL('../../', import.meta.url).pathname, 'test-results', 'screens', 'phone');
      mkdirSync(dir, { recursive: true });
      await page.screenshot({ path: join(dir, 'rating-link.png'), fullPage: true });
    }

    await page.getByRole('radio', { name: '非常满意', exact: true }).first().check();
    await Promise.all([page.waitForURL(/\/r\/thanks$/), page.getByRole('button', { name: /提交/ }).click()]);
    await page.getByTestId('thanks').waitFor();
    expect(page.url()).not.toContain(new URL(url).pathname.slice(3));

    const again = await page.goto(url);
    expect(again?.status()).toBe(409);
    expect(await page.locator('h1').innerText()).toContain('本次办件已评价');
    expect(await page.locator('form').count()).toBe(0);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await context.close();
  });

  it('shows 评价期已过 for a 办件 finished more than 7 days ago, with no form', async () => {
    const url = await link(8);
    const context = await phoneContext(browser, javaScriptEnabled);
    const page = await context.newPage();
    const response = await page.goto(url);
    expect(response?.status()).toBe(410);
    expect(await page.locator('h1').innerText()).toContain('评价期已过');
    expect(await page.locator('form').count()).toBe(0);
    await context.close();
  });
});
