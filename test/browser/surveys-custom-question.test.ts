import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { demoWindows, loginToken } from '../support/api-client.js';
import { JS_MODES, adminLogin, desktopContext, launchChromium, phoneContext } from '../support/browser.js';

/**
 * 问卷 end to end, with JavaScript on and off: an administrator publishes a custom question for a
 * unit, a resident answers it on the window page after the national part, and the administrator
 * retires it again (so the demo county is left as it was). The question text carries markup,
 * which must show as text.
 */

const baseUrl = inject('baseUrl');
let browser: Browser;
let windows: Awaited<ReturnType<typeof demoWindows>>;

beforeAll(async () => {
  browser = await launchChromium();
  windows = await demoWindows(baseUrl, await loginToken(baseUrl));
});
afterAll(async () => {
  await browser?.close();
});

describe.each(JS_MODES)('a custom question $name', ({ javaScriptEnabled }) => {
  it('is published by an admin and answered by a resident on /w/{code}', async () => {
    // Windows from the end of the list, one per mode, away from the resident-rating tests.
    const window = windows[windows.length - 1 - (javaScriptEnabled ? 0 : 1)]!;
    const card = (await (await fetch(`${baseUrl}/api/public/windows/${window.code}`)).json()) as { unit: { id: string } };
    const unit = card.unit.id;
    const question = `您本次是否预约？<b>${javaScriptEnabled ? 'js' : 'nojs'}</b>`;

    // An admin starts a draft, writes the question and publishes it.
    const admin = await desktopContext(browser, javaScriptEnabled);
    const page = await admin.newPage();
    await adminLogin(page, baseUrl);
    await page.goto(`${baseUrl}/admin/surveys?unit=${unit}`);
    await Promise.all([page.waitForURL(new RegExp(`/admin/surveys/${unit}/\\d+`)), page.getByRole('button', { name: '新建草稿（复制最新版本）' }).click()]);
    const version = Number(new URL(page.url()).pathname.split('/').at(-1));
    const slots = await page.locator('[data-slot]').count();
    for (let i = 1; i < slots; i++) await page.locator(`input[name="q${i}.text"]`).fill('');
    await page.locator('input[name="q0.text"]').fill(question);
    await page.locator('select[name="q0.kind"]').selectOption('single');
    await page.locator('textarea[name="q0.choices"]').fill('已预约\n未预约');
    await page.getByRole('button', { name: '保存草稿' }).click();
    await page.getByText('已保存').waitFor();
    await Promise.all([page.waitForURL(/\/admin\/surveys\?unit=/), page.getByRole('button', { name: '发布', exact: true }).click()]);
    await expect(page.locator(`tr[data-version="${version}"] [data-state]`).innerText()).resolves.toBe('已发布');

    // A resident sees it after the national part and answers it.
    const resident = await phoneContext(browser, javaScriptEnabled);
    const phone = await resident.newPage();
    await phone.goto(`${baseUrl}/w/${window.code}`);
    const section = phone.locator('section.agency');
    await phone.locator('details:has(section.agency) > summary').click(); // folded: its one question is optional
    await expect(section.innerText()).resolves.toContain(question);
    await expect(phone.locator('section.agency b').count()).resolves.toBe(0);
    await phone.getByRole('group', { name: /满意吗/ }).getByRole('radio', { name: '满意', exact: true }).check();
    await section.getByRole('radio', { name: '已预约' }).check();
    await Promise.all([phone.waitForURL(/\/thanks$/), phone.getByRole('button', { name: '提交评价' }).click()]);
    await resident.close();

    // Retired again, the window shows the national part only.
    await page.goto(`${baseUrl}/admin/surveys?unit=${unit}`);
    await page.locator(`tr[data-version="${version}"]`).getByRole('button', { name: '停用' }).click();
    await expect.poll(() => page.locator(`tr[data-version="${version}"] [data-state]`).innerText()).toBe('已停用');
    const after = (await (await fetch(`${baseUrl}/api/public/windows/${window.code}`)).json()) as { agencySection?: unknown };
    expect(after.agencySection).toBeUndefined();
    await admin.close();
  }, 60_000);
});
