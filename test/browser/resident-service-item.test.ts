import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createDocumentClient } from '../../functions/src/data/client.js';
import { keys } from '../../functions/src/data/keys.js';
import { READ_CACHE_TTL_MS } from '../../functions/src/data/read-cache.js';
import { demoWindows, loginToken } from '../support/api-client.js';
import { JS_MODES, launchChromium, phoneContext } from '../support/browser.js';
import { daysFrom } from '../support/clock.js';

/**
 * The resident says which 事项 they came for (optional), with JavaScript on and off; the choice is
 * counted in the window-day totals under that item (read straight from DynamoDB Local).
 */

const baseUrl = inject('baseUrl');
const doc = createDocumentClient({ region: 'local', endpoint: inject('dynamoEndpoint') });
const OPS = 'manyi-ops';
const TOTALS = 'manyi-totals';
let browser: Browser;
let windows: Awaited<ReturnType<typeof demoWindows>>;
/** A 综合窗口 with many 事项 (more than the page shows as radios), and what it had before. */
const MANY_ITEMS = Array.from({ length: 30 }, (_, i) => `综合事项${String(i + 1).padStart(2, '0')}`);
let manyItemsWindow: string;
let originalItems: unknown;

async function setServiceItems(code: string, items: unknown): Promise<unknown> {
  const { Attributes } = await doc.send(
    new UpdateCommand({
      TableName: OPS,
      Key: keys.window(code),
      UpdateExpression: 'SET serviceItems = :items',
      ExpressionAttributeValues: { ':items': items },
      ReturnValues: 'UPDATED_OLD',
    }),
  );
  return Attributes?.serviceItems;
}

beforeAll(async () => {
  browser = await launchChromium();
  windows = await demoWindows(baseUrl, await loginToken(baseUrl));
  manyItemsWindow = windows[10]!.code;
  originalItems = await setServiceItems(manyItemsWindow, MANY_ITEMS.map((name) => ({ name })));
  // The rating path caches windows for a few seconds: let any cached copy of this one expire.
  await new Promise((resolve) => setTimeout(resolve, READ_CACHE_TTL_MS + 500));
});

afterAll(async () => {
  if (manyItemsWindow) await setServiceItems(manyItemsWindow, originalItems ?? []);
  await browser?.close();
  doc.destroy();
});

/**
 * Today and tomorrow (China time) when a test starts: the rating it sends lands on one of them,
 * even if the day changes before it is sent.
 */
function ratingDays(): string[] {
  const { from, to } = daysFrom(0);
  return [from, to];
}

/** One counter of a window's day totals, added up over `days`. */
async function counter(code: string, name: string, days: readonly string[]): Promise<number> {
  let sum = 0;
  for (const day of days) {
    const { Item } = await doc.send(new GetCommand({ TableName: TOTALS, Key: keys.windowDayTotals(code, day, 'window-qr'), ConsistentRead: true }));
    sum += Number(Item?.[name] ?? 0);
  }
  return sum;
}

/**
 * Opens one of the resident form's folded parts (a <details>) by its summary, unless it is open
 * already (with JavaScript, the 差评 reasons open when 不满意 or 非常不满意 is chosen).
 */
async function unfold(page: Page, summary: string | RegExp): Promise<void> {
  const fold = page.locator('form[data-rating-form] details').filter({ has: page.locator('summary', { hasText: summary }) });
  if ((await fold.getAttribute('open')) === null) await fold.locator('summary').click();
}

async function serviceItems(code: string): Promise<string[]> {
  return ((await (await fetch(`${baseUrl}/api/public/windows/${code}`)).json()) as { serviceItems?: string[] }).serviceItems ?? [];
}

describe.each(JS_MODES)('a resident names the service item $name', ({ javaScriptEnabled }) => {
  it('offers the window’s items with “不选” preselected, and the chosen item is counted under it', async () => {
    const window = windows[javaScriptEnabled ? 5 : 6]!;
    const items = await serviceItems(window.code);
    expect(items.length).toBeGreaterThan(0);
    const item = items.at(-1)!;
    const days = ratingDays();
    const before = await counter(window.code, `window-qr|si|${item}|4`, days);
    const context = await phoneContext(browser, javaScriptEnabled);
    const page = await context.newPage();

    const response = await page.goto(`${baseUrl}/w/${window.code}`);
    const html = await response!.body();
    await unfold(page, '您办理的事项');
    const group = page.getByRole('group', { name: '您办理的事项（可不选）' });
    for (const name of items) await expect(group.getByRole('radio', { name, exact: true }).count()).resolves.toBe(1);
    await expect(group.getByRole('radio', { name: '不选' }).isChecked()).resolves.toBe(true);
    await page.getByRole('group', { name: /满意吗/ }).getByRole('radio', { name: '满意', exact: true }).check();
    await group.getByRole('radio', { name: item, exact: true }).check();
    await Promise.all([page.waitForURL(/\/thanks$/), page.getByRole('button', { name: /提交/ }).click()]);

    expect(response?.status()).toBe(200);
    expect(html.length).toBeLessThan(15_000); // the resident page's HTML budget
    expect(await counter(window.code, `window-qr|si|${item}|4`, days)).toBe(before + 1);
    await context.close();
  });

  it('offers many items as a drop-down list that starts at “不选”', async () => {
    const item = MANY_ITEMS[javaScriptEnabled ? 20 : 21]!;
    const days = ratingDays();
    const before = await counter(manyItemsWindow, `window-qr|si|${item}|5`, days);
    const context = await phoneContext(browser, javaScriptEnabled);
    const page = await context.newPage();

    const response = await page.goto(`${baseUrl}/w/${manyItemsWindow}`);
    const html = await response!.body();
    await unfold(page, '您办理的事项');
    const list = page.getByRole('combobox', { name: '您办理的事项（可不选）' });
    await expect(list.inputValue()).resolves.toBe('');
    await expect(list.locator('option').count()).resolves.toBe(MANY_ITEMS.length + 1);
    await page.getByRole('group', { name: /满意吗/ }).getByRole('radio', { name: '非常满意', exact: true }).check();
    await list.selectOption(item);
    await Promise.all([page.waitForURL(/\/thanks$/), page.getByRole('button', { name: /提交/ }).click()]);

    expect(html.length).toBeLessThan(15_000);
    expect(await counter(manyItemsWindow, `window-qr|si|${item}|5`, days)).toBe(before + 1);
    await context.close();
  });

  it('shows a Chinese error next to the items when the posted item is not one of the window’s, and stores nothing', async () => {
    const window = windows[7]!;
    const context = await phoneContext(browser, javaScriptEnabled);
    const page = await context.newPage();
    await page.goto(`${baseUrl}/w/${window.code}`);
    const days = ratingDays();
    const before = await counter(window.code, 'c5', days);

    // A stale page or a hand-made post: the radio's value is not an item of the window (any more).
    const form = new URL((await page.locator('form[data-rating-form]').getAttribute('action'))!, page.url()).href;
    const key = await page.locator('input[name="idempotencyKey"]').inputValue();
    const reply = await page.request.post(form, {
      form: { idempotencyKey: key, level: '5', serviceItem: '结婚登记' },
      headers: { origin: baseUrl, accept: 'text/html' }, // what a browser without JavaScript sends
      maxRedirects: 0,
    });
    const text = await reply.text();
    await page.setContent(text);

    expect(reply.status()).toBe(400);
    await expect(page.locator('#service-item-error').innerText()).resolves.toContain('请从本窗口的事项中选择一项');
    expect(await counter(window.code, 'c5', days)).toBe(before);
    await context.close();
  });
});
