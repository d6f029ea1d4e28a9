import { readFile } from 'node:fs/promises';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { chinaDay } from '../../shared/src/domain/china-time.js';
import { JS_MODES, adminLogin, desktopContext, launchChromium, phoneContext } from '../support/browser.js';

/**
 * From nothing to a counted rating, through the web app only, with JavaScript on and off: an
 * administrator creates a unit under the demo county, a staff member on duty and a window,
 * downloads the window's QR poster (a PDF), a resident opens the window's QR URL /w/{code} and
 * rates it 非常满意, and the administrator sees that the rating arrived — as "<5": one rating is a
 * group of one, which no page shows (issue 11, item 1), not as "1" — and, once four more residents
 * have rated, the five ratings with the first one counted.
 */

const baseUrl = inject('baseUrl');
let browser: Browser;

beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
});

describe.each(JS_MODES)('an administrator sets up a window and sees its first rating $name', ({ javaScriptEnabled }) => {
  it('creates unit, staff and window, downloads the QR poster, and counts the resident’s rating', async () => {
    const mode = javaScriptEnabled ? 'js' : 'nojs';
    // A name that sorts after the demo county's halls: GET /api/windows lists by hall (a unit
    // without one by its own name), and other browser tests rate the first demo windows listed.
    const unitName = `临江县综合端到端测试科（${mode}）`;
    const windowName = `端到端窗口（${mode}）`;
    const admin = await desktopContext(browser, javaScriptEnabled);
    const page = await admin.newPage();
    await adminLogin(page, baseUrl);

    // A unit under the demo county (临江县, jn-qh-lj).
    await page.goto(`${baseUrl}/admin/units`);
    await page.getByLabel('单位名称').fill(unitName);
    await page.getByLabel('上级单位编码').fill('jn-qh-lj');
    await Promise.all([page.waitForURL(/\/admin\/units\/u-[a-z0-9]+$/), page.getByRole('button', { name: '创建' }).click()]);
    await expect(page.getByRole('heading', { level: 1 }).innerText()).resolves.toContain(unitName);

    // A staff member of the unit.
    await page.getByLabel('姓名').fill('周敏');
    await page.getByLabel('工号', { exact: true }).fill(`E2E-${mode}`);
    await page.getByLabel('岗位').fill('综合受理员');
    await page.getByLabel('职责').fill('一窗受理');
    await page.getByLabel('服务承诺').fill('首问负责，一次告知');
    await page.getByRole('button', { name: '新增工作人员' }).click();
    await page.getByRole('link', { name: '周敏' }).waitFor();

    // A window with the staff member on duty.
    await page.getByLabel('窗口名称').fill(windowName);
    await page.getByLabel('办理事项').fill('社会保障卡申领');
    await Promise.all([page.waitForURL(/\/admin\/windows\/[23456789a-hjkmnp-z]{8}$/), page.getByRole('button', { name: '新建窗口' }).click()]);
    const code = new URL(page.url()).pathname.split('/').at(-1)!;
    await page.getByLabel('当前在岗 周敏').check();
    await page.getByRole('button', { name: '保存人员安排' }).click();
    await expect.poll(() => page.getByLabel('本窗口人员 周敏').isChecked()).toBe(true);

    // The QR poster from /admin/posters: the window's PDF, as the browser downloads it.
    await page.goto(`${baseUrl}/admin/posters`);
    const form = page.locator('form', { has: page.locator('select[name="window"]') });
    await form.getByLabel('窗口', { exact: true }).selectOption(code);
    await form.getByLabel('格式').selectOption('pdf');
    const [download] = await Promise.all([page.waitForEvent('download'), form.getByRole('button', { name: '下载' }).click()]);
    expect(download.suggestedFilename()).toMatch(/\.pdf$/);
    const file = await readFile((await download.path())!);
    expect(file.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    // The same URL with the page's session cookie answers a PDF.
    const poster = await admin.request.get(`${baseUrl}/admin/posters/download?window=${code}&format=pdf&size=A4`);
    expect(poster.status()).toBe(200);
    expect(poster.headers()['content-type']).toMatch(/^application\/pdf/);

    // A resident opens the QR URL and rates the window 非常满意.
    const resident = await phoneContext(browser, javaScriptEnabled);
    const phone = await resident.newPage();
    expect((await phone.goto(`${baseUrl}/w/${code}`))?.status()).toBe(200);
    const card = await phone.locator('main').innerText();
    expect(card).toContain(windowName);
    expect(card).toContain('周敏');
    await phone.getByRole('group', { name: /满意吗/ }).getByRole('radio', { name: '非常满意', exact: true }).check();
    await Promise.all([phone.waitForURL(/\/thanks$/), phone.getByRole('button', { name: /提交/ }).click()]);
    await expect(phone.locator('main').innerText()).resolves.toContain('感谢');
    await resident.close();

    // The administrator sees that the window has a rating today, and that it is a group under 5:
    // "<5", no count of any level, no rate, and why (before issue 11 the page showed n = 1 and
    // 非常满意 1, which told everyone present how that one resident rated).
    const today = chinaDay(new Date());
    await page.goto(`${baseUrl}/admin?window=${code}&from=${today}&to=${today}`);
    await expect(page.locator('#result-title').innerText()).resolves.toContain(windowName);
    await expect(page.getByTestId('n').innerText()).resolves.toBe('<5');
    await expect(page.getByTestId('suppressed').innerText()).resolves.toContain('少于 5 条');
    for (const level of [1, 2, 3, 4, 5]) await expect(page.getByTestId(`count-${level}`).count()).resolves.toBe(0);
    await expect(page.getByTestId('good-rate').count()).resolves.toBe(0);
    const shown = await page.locator('main').innerText();
    expect(shown).not.toMatch(/非常满意\s*1/);
    expect(shown).not.toContain('100.0%');

    // Four more residents rate it (through the public API): five ratings are shown, the first one counted.
    for (const level of [4, 4, 3, 5]) {
      const rated = await fetch(`${baseUrl}/api/public/ratings`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ windowCode: code, level }) });
      expect(rated.status).toBe(201);
    }
    await page.goto(`${baseUrl}/admin?window=${code}&from=${today}&to=${today}`);
    await expect(page.getByTestId('n').innerText()).resolves.toBe('5');
    const expected = { 5: '2', 4: '2', 3: '1', 2: '0', 1: '0' };
    for (const [level, count] of Object.entries(expected)) await expect(page.getByTestId(`count-${level}`).innerText()).resolves.toBe(count);
    await expect(page.getByTestId('suppressed').count()).resolves.toBe(0);
    await admin.close();
  });
});
