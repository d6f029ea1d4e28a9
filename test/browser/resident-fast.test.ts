import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { demoWindows, loginToken, windowCounts } from '../support/api-client.js';
import { JS_MODES, launchChromium, phoneContext } from '../support/browser.js';
import { daysFrom } from '../support/clock.js';

/**
 * Rating in under 20 seconds (issue 12 §2), with JavaScript on and off, on a 390 × 844 phone: the
 * level comes first and the submit button follows within about a screen and a half, the optional
 * parts folded; the receipt tells a 差评 rater what happens next without saying how they rated;
 * a submit with no level chosen stays at /w/{code} and says what is missing.
 */

const baseUrl = inject('baseUrl');
const LEVEL_NAMES = ['非常满意', '满意', '基本满意', '不满意', '非常不满意'];
const FOLLOW_UP = '转交该窗口所在单位核实';
/** About a screen and a half of a 390 × 844 phone. */
const SUBMIT_WITHIN_PX = 1_300;

let browser: Browser;
let token: string;
let windows: Awaited<ReturnType<typeof demoWindows>>;

beforeAll(async () => {
  browser = await launchChromium();
  token = await loginToken(baseUrl);
  // Demo windows 4 and 8: rated by no other resident test (see anti-stuffing.test.ts for who rates which).
  windows = await demoWindows(baseUrl, token);
});

afterAll(async () => {
  await browser?.close();
});

const overall = (page: Page) => page.getByRole('group', { name: /满意吗/ });
const submit = (page: Page) => page.getByRole('button', { name: '提交评价' });

/** The top of an element in page coordinates (the page is not scrolled in these tests). */
async function top(page: Page, selector: string): Promise<number> {
  const box = await page.locator(selector).first().boundingBox();
  if (!box) throw new Error(`${selector} is not shown`);
  return box.y;
}

async function rate(page: Page, code: string, level: string): Promise<void> {
  await page.goto(`${baseUrl}/w/${code}`);
  await overall(page).getByRole('radio', { name: level, exact: true }).check();
  await Promise.all([page.waitForURL(/\/thanks$/), submit(page).click()]);
}

describe.each(JS_MODES)('rating in under 20 seconds $name', ({ javaScriptEnabled }) => {
  it('asks for the level first and shows the submit button within 1,300 px at 390 × 844, the optional parts folded', async () => {
    const context = await phoneContext(browser, javaScriptEnabled);
    const page = await context.newPage();
    await page.goto(`${baseUrl}/w/${windows[0]!.code}`);

    const level = await top(page, 'fieldset.levels');
    const button = await top(page, 'button[type="submit"]');
    const folds = page.locator('form[data-rating-form] details');

    expect(button).toBeLessThan(SUBMIT_WITHIN_PX);
    expect(await folds.count()).toBeGreaterThanOrEqual(5);
    for (const fold of await folds.all()) await expect(fold.getAttribute('open')).resolves.toBeNull();
    // Before the staff cards, every optional part and the submit button.
    expect(level).toBeLessThan(await top(page, '#staff-title'));
    // With JavaScript the 差评 reasons' fold is hidden until 不满意 or 非常不满意 is chosen.
    expect(level).toBeLessThan(await top(page, 'form[data-rating-form] details:not([hidden])'));
    expect(level).toBeLessThan(button);
    // The folds open without JavaScript too, and what they hold can be filled in.
    await page.locator('summary', { hasText: '意见或建议' }).click();
    await page.getByRole('textbox', { name: /意见|建议/ }).fill('很快');
    await context.close();
  });

  it('tells a 不满意 rater that the unit will look into it, names no level, and says it only once', async () => {
    const context = await phoneContext(browser, javaScriptEnabled);
    const page = await context.newPage();

    await rate(page, windows[javaScriptEnabled ? 4 : 8]!.code, '不满意');

    const main = await page.locator('main').innerText();
    expect(main).toContain('感谢');
    expect(main).toContain(FOLLOW_UP);
    for (const level of LEVEL_NAMES) {
      expect(main).not.toContain(level);
      expect(await page.title()).not.toContain(level);
    }
    expect(page.url()).toMatch(/\/w\/[^/?#]+\/thanks$/);
    // A flash: nothing of it is left in the browser, and the receipt reloaded is the ordinary one.
    expect((await context.cookies()).map((cookie) => cookie.name)).not.toContain('followup');
    await page.reload();
    expect(await page.locator('main').innerText()).not.toContain(FOLLOW_UP);
    await context.close();
  });

  it('gives a 满意 rater the ordinary thanks', async () => {
    const context = await phoneContext(browser, javaScriptEnabled);
    const page = await context.newPage();

    await rate(page, windows[javaScriptEnabled ? 4 : 8]!.code, '满意');

    const main = await page.locator('main').innerText();
    expect(main).toContain('感谢');
    expect(main).not.toContain(FOLLOW_UP);
    for (const level of LEVEL_NAMES) expect(main).not.toContain(level);
    await context.close();
  });

  it('keeps the address clean when nothing is chosen, names the level in an alert, and counts the corrected rating once', async () => {
    const window = windows[javaScriptEnabled ? 4 : 8]!;
    const { from, to } = daysFrom(59);
    const before = await windowCounts(baseUrl, token, window.code, from, to);
    const context = await phoneContext(browser, javaScriptEnabled);
    const page = await context.newPage();
    await page.goto(`${baseUrl}/w/${window.code}`);

    const [response] = await Promise.all([page.waitForResponse((r) => r.request().method() === 'POST'), submit(page).click()]);
    await page.waitForLoadState('load');

    expect(response.status()).toBe(400);
    expect(page.url()).toBe(`${baseUrl}/w/${window.code}`);
    await expect(page.getByRole('alert').filter({ hasText: '请选择满意程度' }).count()).resolves.toBe(1);
    expect((await windowCounts(baseUrl, token, window.code, from, to)).n).toBe(before.n);

    await overall(page).getByRole('radio', { name: '非常满意', exact: true }).check();
    await Promise.all([page.waitForURL(/\/thanks$/), submit(page).click()]);
    const after = await windowCounts(baseUrl, token, window.code, from, to);
    expect(after.n).toBe(before.n + 1);
    expect(after.counts['5']).toBe(before.counts['5'] + 1);
    await context.close();
  });
});
