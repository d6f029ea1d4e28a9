import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { demoCounty } from '../../infra/local/demo-county.js';
import { JS_MODES, launchChromium, phoneContext } from '../support/browser.js';

/**
 * The public pages as a phone meets them (issue 12): a meta description on each, and nothing wider
 * than a 390-px screen (the /verify upload box once pushed the page to 446 px).
 */
const baseUrl = inject('baseUrl');
let browser: Browser;
const PAGES = ['/', '/verify', `/w/${demoCounty().windows[0]!.code}`, '/login'];

beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
});

describe.each(JS_MODES)('the public pages $name', ({ javaScriptEnabled }) => {
  it('carry a meta description and fit a 390-px phone without horizontal scrolling', async () => {
    const context = await phoneContext(browser, javaScriptEnabled);
    const page = await context.newPage();
    for (const path of PAGES) {
      expect((await page.goto(`${baseUrl}${path}`))?.status(), path).toBe(200);
      const descriptions = await page.locator('meta[name="description"]').evaluateAll((metas) => metas.map((m) => m.getAttribute('content') ?? ''));
      expect(descriptions, path).toHaveLength(1);
      expect(descriptions[0]!.length, path).toBeGreaterThan(20);
      const width = await page.evaluate(() => document.documentElement.scrollWidth);
      expect(width, path).toBeLessThanOrEqual(390);
    }
    await context.close();
  });
});
