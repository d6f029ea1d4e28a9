import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { adminLogin, demoSessions, desktopContext, JS_MODES, launchChromium, type Session } from '../support/browser.js';

/**
 * The admin shell (issue 12, "The admin as a place to work"): on every admin page a bar with the
 * account (name, role, scope) and logout, and a navigation with every section the role may use and
 * no other, the current one marked; plain links, so the same without JavaScript.
 */
const baseUrl = inject('baseUrl');
const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
let browser: Browser;
/** Sessions of the demo accounts, each logged in once (one TOTP login per account). */
const sessions: Record<string, Session> = {};

const ADMIN_SECTIONS = ['工作台', '单位与窗口', '工作人员', '服务大厅', '导入', '问卷', '二维码海报', '满意度报表', '阳光测评', '民主评议', '评价留言', '差评整改', '账号'];
const COMMITTEE_SECTIONS = ['工作台', '单位与窗口', '工作人员', '服务大厅', '满意度报表', '阳光测评', '民主评议', '评价留言', '差评整改'];

beforeAll(async () => {
  browser = await launchChromium();
  Object.assign(sessions, await demoSessions(browser, baseUrl, ['admin', 'pingyi', 'shenji']));
}, 120_000);
afterAll(async () => {
  await browser?.close();
});

async function open(username: string, javaScriptEnabled: boolean, phone = false): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({
    javaScriptEnabled,
    locale: 'zh-CN',
    viewport: phone ? { width: 390, height: 844 } : { width: 1280, height: 900 },
    storageState: sessions[username]!,
  });
  return { context, page: await context.newPage() };
}

const navLabels = (page: Page) => page.getByTestId('admin-nav').getByRole('link').allInnerTexts();
const currentLabel = (page: Page) => page.getByTestId('admin-nav').locator('[aria-current="page"]').allInnerTexts();

describe.each(JS_MODES)('the admin shell $name', ({ javaScriptEnabled }) => {
  it('shows the system administrator every section of the role, marks the current one on each page, and each link opens', async () => {
    const { context, page } = await open('admin', javaScriptEnabled);
    expect((await page.goto(`${baseUrl}/admin/reports`))?.status()).toBe(200);
    await expect(navLabels(page)).resolves.toEqual(ADMIN_SECTIONS);
    await expect(currentLabel(page)).resolves.toEqual(['满意度报表']);
    await expect(page.getByTestId('account-name').innerText()).resolves.toBe('系统管理员');
    await expect(page.getByTestId('account-role').innerText()).resolves.toBe('系统管理员');
    await expect(page.getByTestId('account-scope').innerText()).resolves.toContain('临江县');
    for (const [label, href] of [
      ['评价留言', '/admin/reports/comments'],
      ['差评整改', '/admin/cases'],
      ['单位与窗口', '/admin/units'],
      ['工作人员', '/admin/staff'],
      ['服务大厅', '/admin/halls'],
      ['导入', '/admin/units/import'],
      ['问卷', '/admin/surveys'],
      ['二维码海报', '/admin/posters'],
      ['账号', '/admin/accounts'],
      ['工作台', '/admin'],
    ] as const) {
      // Without JavaScript a link is a page load; with it, SvelteKit navigates in the page.
      const [response] = await Promise.all([
        javaScriptEnabled ? Promise.resolve(null) : page.waitForNavigation(),
        page.getByTestId('admin-nav').getByRole('link', { name: label, exact: true }).click(),
      ]);
      await page.waitForURL((url) => url.pathname === href);
      if (response) expect(response.status(), href).toBe(200);
      await expect(page.locator('main h1').first().innerText(), href).resolves.not.toMatch(/出错了|页面不存在/);
      await expect(currentLabel(page), href).resolves.toEqual([label]);
    }
    await context.close();
  });

  it('shows a committee member only what the committee may use, and logs out from any page', async () => {
    const { context, page } = await open('pingyi', javaScriptEnabled);
    await page.goto(`${baseUrl}/admin/units`);
    await expect(navLabels(page)).resolves.toEqual(COMMITTEE_SECTIONS);
    await expect(currentLabel(page)).resolves.toEqual(['单位与窗口']);
    await expect(page.getByTestId('account-role').innerText()).resolves.toBe('考核委员会');
    // A unit page inside the tree is still 单位与窗口.
    const unitLink = page.locator('main a[href^="/admin/units/"]').first();
    const href = await unitLink.getAttribute('href');
    await unitLink.click();
    await page.waitForURL((url) => url.pathname === href);
    await expect(currentLabel(page)).resolves.toEqual(['单位与窗口']);
    await context.close();
  });
});

describe('the admin shell for the auditor', () => {
  it('shows the demo auditor the audit log and nothing else (separation of duties)', async () => {
    const { context, page } = await open('shenji', false);
    await page.goto(`${baseUrl}/admin/audit`);
    await expect(navLabels(page)).resolves.toEqual(['审计日志']);
    await expect(currentLabel(page)).resolves.toEqual(['审计日志']);
    await expect(page.getByTestId('account-role').innerText()).resolves.toBe('审计员');
    await context.close();
  });
});

describe('the admin shell at phone and desktop size', () => {
  it('fits a 390-px phone without horizontal overflow on the pages of the navigation', async () => {
    const { context, page } = await open('admin', true, true);
    for (const path of ['/admin', '/admin/units', '/admin/reports', '/admin/accounts']) {
      await page.goto(`${baseUrl}${path}`);
      const nav = await page.getByTestId('admin-nav').boundingBox();
      expect(nav!.x + nav!.width, path).toBeLessThanOrEqual(390);
      const bar = await page.getByTestId('account-bar').boundingBox();
      expect(bar!.x + bar!.width, path).toBeLessThanOrEqual(390);
    }
    await context.close();
  });

  it('has no serious or critical accessibility issues (axe-core) in the shell', async () => {
    const context = await browser.newContext({ bypassCSP: true, viewport: { width: 1280, height: 900 }, locale: 'zh-CN', storageState: sessions.admin! });
    const page = await context.newPage();
    await page.goto(`${baseUrl}/admin/units`);
    await page.addScriptTag({ content: axeSource });
    const violations = await page.evaluate(async () => {
      const axe = (window as unknown as { axe: { run: (ctx: unknown) => Promise<{ violations: { id: string; impact: string; help: string }[] }> } }).axe;
      const result = await axe.run({ include: [['[data-testid="account-bar"]'], ['[data-testid="admin-nav"]']] });
      return result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id}: ${v.help}`);
    });
    expect(violations).toEqual([]);
    await context.close();
  });

  it('logs out from the bar: the session ends and /admin goes to the login page', async () => {
    const login = await desktopContext(browser, false);
    await adminLogin(await login.newPage(), baseUrl, 'pingyi');
    const page = login.pages()[0]!;
    await page.goto(`${baseUrl}/admin/reports`);
    await Promise.all([page.waitForURL(/\/login$/), page.getByTestId('account-bar').getByRole('button', { name: '退出登录' }).click()]);
    await page.goto(`${baseUrl}/admin`);
    expect(new URL(page.url()).pathname).toBe('/login');
    await login.close();
  });
});
