import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { demoSessions, JS_MODES, launchChromium, type Session } from '../support/browser.js';

/**
 * 民主评议 campaigns in the admin pages (issue 14 §1; docs/decisions/0026), with JavaScript and
 * without: the demo county's unit administrator makes a campaign through the form (two staff
 * members of the subtree, one of them not graded; two rater groups), is told in Chinese, next to
 * the groups, that weights totalling 99.99% are refused, fixes them, lands on the campaign's page
 * (草稿, the subjects), renames it, and finds it in the list. Screenshots of the list, the form
 * with its error and the campaign's page at phone and desktop size go to /tmp/appraisal-shots/.
 */
const baseUrl = inject('baseUrl');
const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const shotsDir = '/tmp/appraisal-shots';
const run = Date.now().toString(36);

let browser: Browser;
const sessions: Partial<Record<'cepingyuan', Session>> = {};

beforeAll(async () => {
  browser = await launchChromium();
  Object.assign(sessions, await demoSessions(browser, baseUrl, ['cepingyuan']));
  mkdirSync(shotsDir, { recursive: true });
}, 120_000);

afterAll(async () => {
  await browser?.close();
});

async function open(javaScriptEnabled: boolean, extra: { bypassCSP?: boolean } = {}): Promise<BrowserContext> {
  const context = await browser.newContext({ javaScriptEnabled, viewport: { width: 1280, height: 900 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai', storageState: sessions.cepingyuan!, ...extra });
  context.setDefaultTimeout(60_000);
  context.setDefaultNavigationTimeout(60_000);
  return context;
}

/** The page at a phone and a desktop width, full length. */
async function screenshots(page: Page, name: string): Promise<void> {
  for (const [size, width, height] of [['phone', 390, 844], ['desktop', 1280, 900]] as const) {
    await page.setViewportSize({ width, height });
    await page.screenshot({ path: join(shotsDir, `${name}-${size}.png`), fullPage: true });
  }
  await page.setViewportSize({ width: 1280, height: 900 });
}

/** Nothing wider than a 390-px phone (the page scrolls down, never sideways). */
async function fitsPhone(page: Page): Promise<void> {
  await page.setViewportSize({ width: 390, height: 844 });
  await expect(page.evaluate(() => document.documentElement.scrollWidth)).resolves.toBeLessThanOrEqual(390);
  await page.setViewportSize({ width: 1280, height: 900 });
}

/** Submits with the button and waits for the answer (a new page without JavaScript, an update in place with it). */
async function press(page: Page, name: string, javaScriptEnabled: boolean, after: () => Promise<unknown>): Promise<void> {
  const button = page.getByRole('button', { name, exact: true });
  if (javaScriptEnabled) await button.click();
  else await Promise.all([page.waitForLoadState('load'), button.click()]);
  await after();
}

describe.each(JS_MODES)('a 民主评议 campaign $name', ({ name: mode, javaScriptEnabled }) => {
  const tag = javaScriptEnabled ? 'js' : 'nojs';

  it('is made by a unit administrator, refused at 99.99%, fixed, shown as 草稿, renamed and listed', async () => {
    const context = await open(javaScriptEnabled);
    try {
      const page = await context.newPage();
      const settle = javaScriptEnabled ? ('networkidle' as const) : ('load' as const);
      await page.goto(`${baseUrl}/admin/appraisal`, { waitUntil: settle });
      await expect(page.locator('h1').innerText()).resolves.toBe('民主评议');
      await expect(page.locator('nav [data-section="appraisal"]').getAttribute('aria-current')).resolves.toBe('page');

      await Promise.all([page.waitForURL(/\/admin\/appraisal\/new\?unit=jn-qh-lj$/), page.getByRole('link', { name: '新建评议' }).click()]);
      if (javaScriptEnabled) await page.waitForLoadState('networkidle');
      await expect(page.locator('#year').inputValue()).resolves.toBe(new Date().toLocaleDateString('sv-SE', { timeZone: 'Asia/Shanghai' }).slice(0, 4));
      await expect(page.locator('#kind option:checked').innerText()).resolves.toBe('党员民主评议');
      await expect(page.locator('#kind option').allInnerTexts()).resolves.toEqual(['党员民主评议', '干部民主测评', '机关作风评议', '窗口评议']);
      await expect(page.locator('#groups-0-name').inputValue()).resolves.toBe('党员');
      await expect(page.locator('#groups-1-name').inputValue()).resolves.toBe('群众代表');
      await expect(page.locator('#indicators-0-name').inputValue()).resolves.toBe('总体评价');
      await expect(page.getByTestId('rules').innerText()).resolves.toBe('规则：超过半数回收有效（否则作废重投）；评议人数超过5人时去掉一个最高分和一个最低分；优秀不超过1/3（党员民主评议）');

      // Two staff members of the county's departments; the second takes part without a grade.
      const subjects = page.locator('li[data-subject^="staff:"]');
      expect(await subjects.count(), 'the staff of the subtree are offered').toBeGreaterThan(5);
      const names = [await subjects.nth(0).locator('.person').innerText(), await subjects.nth(1).locator('.person').innerText()];
      await subjects.nth(0).locator('input[name="subject"]').check();
      await subjects.nth(1).locator('input[name="subject"]').check();
      await subjects.nth(1).locator('input[name="ungraded"]').check();

      const name = `浏览器评议 ${mode} ${run}`;
      await page.locator('#name').fill(name);
      await page.locator('#groups-0-ballots').fill('20');
      await page.locator('#groups-1-weightPct').fill('29.99');
      await page.locator('#groups-1-ballots').fill('10');
      if (javaScriptEnabled) await expect(page.locator('#groups-sum').innerText()).resolves.toBe('权重合计 99.99%（须为 100%）');
      else await expect(page.locator('#groups-sum').count(), 'no live sum without JavaScript').resolves.toBe(0);

      // The API refuses the weights; the message stands next to the groups, in Chinese, and nothing typed is lost.
      await press(page, '保存草稿', javaScriptEnabled, () => page.locator('#groups-error').waitFor());
      await expect(page.locator('#groups-error').innerText()).resolves.toBe('评议主体的权重合计须恰好为 100%，现为 99.99%。');
      await expect(page.locator('#groups-1-weightPct').getAttribute('aria-invalid')).resolves.toBe('true');
      await expect(page.locator('#name').inputValue()).resolves.toBe(name);
      await expect(page.locator('#groups-1-weightPct').inputValue()).resolves.toBe('29.99');
      await expect(subjects.nth(1).locator('input[name="ungraded"]').isChecked()).resolves.toBe(true);
      await screenshots(page, `form-error-${tag}`);
      await fitsPhone(page);

      await page.locator('#groups-1-weightPct').fill('30');
      if (javaScriptEnabled) await expect(page.locator('#groups-sum').innerText()).resolves.toBe('权重合计 100%');
      await Promise.all([page.waitForURL(/\/admin\/appraisal\/a-[0-9a-f]{16}\?done=created$/), page.getByRole('button', { name: '保存草稿', exact: true }).click()]);
      if (javaScriptEnabled) await page.waitForLoadState('networkidle');
      const campaignUrl = page.url().split('?')[0]!;
      await expect(page.locator('h1 [data-state]').innerText()).resolves.toBe('草稿');
      await expect(page.locator('p.notice[role="status"]').innerText()).resolves.toBe('已创建评议草稿。');
      await expect(page.getByTestId('subjects').locator('li').allInnerTexts()).resolves.toEqual([names[0], `${names[1]}不定等次`]);
      await expect(page.getByTestId('rules').innerText()).resolves.toBe('规则：超过半数回收有效（否则作废重投）；评议人数超过5人时去掉一个最高分和一个最低分；优秀不超过1/3');
      await expect(page.locator('#groups-1-weightPct').inputValue()).resolves.toBe('30');
      await screenshots(page, `campaign-${tag}`);
      await fitsPhone(page);

      // Rename the draft: saved, and the page says so.
      const renamed = `${name} 改`;
      await page.locator('#name').fill(renamed);
      await Promise.all([page.waitForURL(/\?done=saved$/), page.getByRole('button', { name: '保存修改', exact: true }).click()]);
      await expect(page.locator('h1').innerText()).resolves.toContain(renamed);
      await expect(page.locator('p.notice[role="status"]').innerText()).resolves.toBe('已保存修改。');
      await expect(page.getByTestId('subjects').locator('li').count(), 'the subjects are kept').resolves.toBe(2);

      await page.goto(`${baseUrl}/admin/appraisal`, { waitUntil: settle });
      const listed = page.locator(`li[data-campaign="${campaignUrl.split('/').pop()}"]`);
      await expect(listed.locator('a').innerText()).resolves.toBe(renamed);
      await expect(listed.locator('[data-state]').innerText()).resolves.toBe('草稿');
      await expect(listed.locator('.meta').innerText()).resolves.toContain('党员民主评议');
      await expect(listed.locator('.meta').innerText()).resolves.toContain('评议对象 2 人');
      await screenshots(page, `list-${tag}`);
      await fitsPhone(page);
    } finally {
      await context.close();
    }
  }, 180_000);
});

describe('the 民主评议 pages', () => {
  it('have no accessibility violations (axe-core): the list, the form with an error, a campaign', async () => {
    const context = await open(true, { bypassCSP: true });
    try {
      const page = await context.newPage();
      const check = async (what: string) => {
        await page.addScriptTag({ content: axeSource });
        const violations = await page.evaluate(async () => {
          const axe = (window as unknown as { axe: { run: (ctx: Document) => Promise<{ violations: { id: string; impact: string; help: string; nodes: { target: unknown }[] }[] }> } }).axe;
          const result = await axe.run(document);
          return result.violations.map((v) => `${v.id} (${v.impact}): ${v.help} — ${JSON.stringify(v.nodes.map((node) => node.target).slice(0, 3))}`);
        });
        expect(violations, what).toEqual([]);
      };
      await page.goto(`${baseUrl}/admin/appraisal/new`, { waitUntil: 'networkidle' });
      await page.locator('li[data-subject^="staff:"] input[name="subject"]').first().check();
      await page.locator('#name').fill(`无障碍检查 ${run}`);
      await page.locator('#groups-0-ballots').fill('5');
      await page.locator('#groups-1-ballots').fill('5');
      await page.locator('#groups-1-weightPct').fill('29.99');
      await page.getByRole('button', { name: '保存草稿', exact: true }).click();
      await page.locator('#groups-error').waitFor();
      await check('the form with an error');
      await page.locator('#groups-1-weightPct').fill('30');
      await Promise.all([page.waitForURL(/\/admin\/appraisal\/a-[0-9a-f]{16}\?done=created$/), page.getByRole('button', { name: '保存草稿', exact: true }).click()]);
      await page.waitForLoadState('networkidle');
      await check('a draft campaign');
      await page.goto(`${baseUrl}/admin/appraisal`, { waitUntil: 'networkidle' });
      await check('the list');
    } finally {
      await context.close();
    }
  }, 180_000);
});
