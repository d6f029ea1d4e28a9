import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { demoCounty } from '../../infra/local/demo-county.js';
import { demoSessions, JS_MODES, launchChromium, type Session } from '../support/browser.js';

/**
 * The organisation as a place to work (issue 12 §1): the indexes the README names (窗口, 工作人员,
 * 服务大厅 by unit, /admin/imports), breadcrumbs through the unit tree, and a committee member who
 * reads the organisation without meeting a form it cannot use. JavaScript on and off.
 */
const baseUrl = inject('baseUrl');
const DEMO_CODES = demoCounty().windows.map((window) => window.code);
const DEPARTMENTS = ['临江县政务服务中心', '临江县市场监督管理局', '临江县人力资源和社会保障局', '临江县公安局', '临江县不动产登记中心', '临江县医疗保障局', '国家税务总局临江县税务局'];
const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
let browser: Browser;
const sessions: Record<string, Session> = {};

beforeAll(async () => {
  browser = await launchChromium();
  Object.assign(sessions, await demoSessions(browser, baseUrl, ['admin', 'pingyi']));
}, 120_000);
afterAll(async () => {
  await browser?.close();
});

async function open(username: string, javaScriptEnabled: boolean): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ javaScriptEnabled, locale: 'zh-CN', viewport: { width: 1280, height: 900 }, storageState: sessions[username]! });
  return { context, page: await context.newPage() };
}

const crumbs = (page: Page) => page.getByTestId('breadcrumb').locator('li').allInnerTexts();
const current = (page: Page) => page.getByTestId('breadcrumb').locator('[aria-current="page"]').innerText();
const currentSection = (page: Page) => page.getByTestId('admin-nav').locator('[aria-current="page"]').innerText();
/** Forms on the page other than the account bar's logout. */
const editForms = (page: Page) => page.locator('main form[method="POST" i]:not([action="/logout"])').count();

async function follow(page: Page, javaScriptEnabled: boolean, link: ReturnType<Page['locator']>): Promise<void> {
  const href = (await link.getAttribute('href'))!;
  await Promise.all([javaScriptEnabled ? Promise.resolve() : page.waitForNavigation(), link.click()]);
  await page.waitForURL((url) => `${url.pathname}${url.search}` === href);
}

describe.each(JS_MODES)('the organisation indexes $name', ({ javaScriptEnabled }) => {
  it('lists the windows of the scope by department, drills down a level and opens a window with its breadcrumb', async () => {
    const { context, page } = await open('admin', javaScriptEnabled);
    expect((await page.goto(`${baseUrl}/admin/windows`))?.status()).toBe(200);
    await expect(currentSection(page)).resolves.toBe('单位与窗口');
    // The scope root is 临江县: the units above it are named, not linked (their pages refuse the account).
    await expect(crumbs(page)).resolves.toEqual(['窗口', '江南省', '清河市', '临江县']);
    await expect(page.getByTestId('breadcrumb').getByRole('link').allInnerTexts()).resolves.toEqual(['窗口']);
    const groups = page.getByTestId('directory-group');
    await expect(groups.locator('h2').first().innerText()).resolves.toContain('本单位：临江县');
    // Every department is a group, and all 14 demo windows are on the one page (other test files
    // share this stack and may add units and windows: at least these).
    const headings = await groups.locator('h2').allInnerTexts();
    for (const department of DEPARTMENTS) expect(headings).toContain(department);
    const rows = await page.locator('main tbody tr').allInnerTexts();
    for (const code of DEMO_CODES) expect(rows.some((row) => row.includes(code)), code).toBe(true);
    await expect(groups.filter({ hasText: '临江县公安局' }).locator('tbody tr').allInnerTexts()).resolves.toEqual(
      expect.arrayContaining([expect.stringContaining('户籍办理窗口'), expect.stringContaining('出入境窗口')]),
    );

    await follow(page, javaScriptEnabled, page.getByRole('heading', { name: /临江县公安局/ }).getByRole('link', { name: '临江县公安局', exact: true }));
    await expect(current(page)).resolves.toBe('临江县公安局');
    await expect(page.getByTestId('breadcrumb').getByRole('link').allInnerTexts()).resolves.toEqual(['窗口', '临江县']);
    await expect(page.locator('main tbody tr').count()).resolves.toBeGreaterThanOrEqual(2);

    await follow(page, javaScriptEnabled, page.getByRole('link', { name: '出入境窗口' }));
    await expect(currentSection(page)).resolves.toBe('单位与窗口');
    await expect(crumbs(page)).resolves.toEqual(['窗口', '江南省', '清河市', '临江县', '临江县公安局', '出入境窗口']);
    await expect(current(page)).resolves.toBe('出入境窗口');
    await context.close();
  });

  it('lists staff and service halls by unit, and /admin/imports leads to the imports', async () => {
    const { context, page } = await open('admin', javaScriptEnabled);
    expect((await page.goto(`${baseUrl}/admin/staff`))?.status()).toBe(200);
    await expect(currentSection(page)).resolves.toBe('工作人员');
    await expect(page.locator('main tbody tr').count()).resolves.toBeGreaterThanOrEqual(14);
    await expect(page.locator('main').innerText()).resolves.toContain('LJ1001');
    const person = page.locator('main tbody a').first();
    const name = await person.innerText();
    await follow(page, javaScriptEnabled, person);
    await expect(current(page)).resolves.toBe(name);
    await expect(currentSection(page)).resolves.toBe('工作人员');

    expect((await page.goto(`${baseUrl}/admin/halls`))?.status()).toBe(200);
    await expect(currentSection(page)).resolves.toBe('服务大厅');
    const halls = (await page.locator('main tbody').allInnerTexts()).join('\n');
    expect(halls).toContain('临江县政务服务中心大厅');
    expect(halls).toContain('临江县社保医保服务大厅');

    await page.goto(`${baseUrl}/admin/imports?kind=staff`);
    expect(new URL(page.url()).pathname + new URL(page.url()).search).toBe('/admin/units/import?kind=staff');
    await expect(currentSection(page)).resolves.toBe('导入');
    await context.close();
  });

  it('refuses a unit outside the scope or unknown with a page that says so', async () => {
    const { context, page } = await open('admin', javaScriptEnabled);
    const response = await page.goto(`${baseUrl}/admin/windows?unit=no-such-unit`);
    expect(response?.status()).toBe(404);
    await expect(page.locator('main').innerText()).resolves.toContain('未找到，或不在您的管理范围内');
    await context.close();
  });

  it('shows a committee member the organisation without a form it cannot use; an administrator gets the forms', async () => {
    const committee = await open('pingyi', javaScriptEnabled);
    const admin = await open('admin', javaScriptEnabled);
    await committee.page.goto(`${baseUrl}/admin/windows?unit=lj-ga`);
    const windowHref = (await committee.page.getByRole('link', { name: '出入境窗口' }).getAttribute('href'))!;
    await committee.page.goto(`${baseUrl}/admin/staff?unit=lj-ga`);
    const staffHref = (await committee.page.locator('main tbody a').first().getAttribute('href'))!;
    for (const path of ['/admin/units', '/admin/units/lj-ga', '/admin/units/jn-qh-lj', windowHref, staffHref, '/admin/windows', '/admin/staff', '/admin/halls']) {
      expect((await committee.page.goto(`${baseUrl}${path}`))?.status(), path).toBe(200);
      await expect(editForms(committee.page), path).resolves.toBe(0);
      await expect(committee.page.getByTestId('read-only').innerText(), path).resolves.toContain('只能查看');
      await admin.page.goto(`${baseUrl}${path}`);
      await expect(admin.page.getByTestId('read-only').count(), path).resolves.toBe(0);
    }
    // What the forms held is still there to read.
    await committee.page.goto(`${baseUrl}${windowHref}`);
    await expect(committee.page.locator('main dl').innerText()).resolves.toMatch(/所在服务大厅\s+临江县政务服务中心大厅/);
    await committee.page.goto(`${baseUrl}/admin/units/lj-rs`);
    await expect(committee.page.locator('main .halls').innerText()).resolves.toContain('临江县社保医保服务大厅 · 临江县人民路16号');
    for (const path of ['/admin/units', '/admin/units/lj-ga', windowHref, staffHref]) {
      await admin.page.goto(`${baseUrl}${path}`);
      await expect(editForms(admin.page), path).resolves.toBeGreaterThan(0);
    }
    await committee.context.close();
    await admin.context.close();
  });
});

describe('the organisation indexes for everyone', () => {
  it('have no serious or critical accessibility issues (axe-core)', async () => {
    const context = await browser.newContext({ bypassCSP: true, viewport: { width: 1280, height: 900 }, locale: 'zh-CN', storageState: sessions.admin! });
    const page = await context.newPage();
    for (const path of ['/admin/windows', '/admin/staff?unit=lj-rs', '/admin/halls', '/admin/units/lj-ga']) {
      await page.goto(`${baseUrl}${path}`);
      await page.addScriptTag({ content: axeSource });
      const violations = await page.evaluate(async () => {
        const axe = (window as unknown as { axe: { run: (ctx: Document) => Promise<{ violations: { id: string; impact: string; help: string }[] }> } }).axe;
        const result = await axe.run(document);
        return result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id}: ${v.help}`);
      });
      expect(violations, path).toEqual([]);
    }
    await context.close();
  });
});
