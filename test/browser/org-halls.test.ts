import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { JS_MODES, adminLogin, desktopContext, launchChromium, phoneContext } from '../support/browser.js';

/**
 * 服务大厅 and 亮身份, end to end with JavaScript on and off: an administrator creates a hall of the
 * demo county (a missing name is refused next to the field), renames it, creates a window in a
 * department, a staff member with a photo on duty there, and moves the window into the county's
 * hall. The resident page of the window shows the hall's name and address and the staff photo.
 */

const baseUrl = inject('baseUrl');
/** A 1×1 PNG. */
const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8cfc0f01f0005000201a1e3c2a40000000049454e44ae426082', 'hex');
let browser: Browser;

beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
});

/** The row of the hall list whose name field holds `name` (by the field's value, which JS sets as a property). */
async function hallRow(page: Page, name: string) {
  const rows = page.locator('ul.halls > li');
  const find = async () => {
    const values = await rows.locator('input[name="name"]').evaluateAll((inputs) => inputs.map((input) => (input as HTMLInputElement).value));
    return values.indexOf(name);
  };
  await expect.poll(find, { timeout: 60_000 }).toBeGreaterThanOrEqual(0);
  return rows.nth(await find());
}

describe.each(JS_MODES)('service halls and the staff photo $name', ({ javaScriptEnabled }) => {
  it('creates and renames a hall, puts a window in it, and the resident page shows the hall and the photo', async () => {
    const mode = javaScriptEnabled ? 'js' : 'nojs';
    const hallName = `城东便民服务大厅（${mode}）`;
    const renamed = `城东政务服务大厅（${mode}）`;
    const staffName = `亮身份${mode === 'js' ? '甲' : '乙'}`;
    const admin = await desktopContext(browser, javaScriptEnabled);
    const page = await admin.newPage();
    await adminLogin(page, baseUrl);

    // A hall of the county (临江县): without a name it is refused next to the field, the address kept.
    await page.goto(`${baseUrl}/admin/units/jn-qh-lj`);
    await page.locator('#new-hall-address').fill(`城东路${mode}号`);
    await page.getByRole('button', { name: '新建服务大厅' }).click();
    await page.getByText('此项为必填').waitFor();
    await expect(page.locator('#new-hall-name').getAttribute('aria-invalid')).resolves.toBe('true');
    await expect(page.locator('#new-hall-address').inputValue()).resolves.toBe(`城东路${mode}号`);
    await page.locator('#new-hall-name').fill(hallName);
    await page.getByRole('button', { name: '新建服务大厅' }).click();

    // Renamed in its own row.
    const row = await hallRow(page, hallName);
    await row.getByLabel('大厅名称').fill(renamed);
    await row.getByRole('button', { name: '保存大厅' }).click();
    await expect((await hallRow(page, renamed)).getByLabel('地址').inputValue()).resolves.toBe(`城东路${mode}号`);

    // A staff member of 市场监管局 with a photo.
    await page.goto(`${baseUrl}/admin/units/lj-scjg`);
    await page.getByLabel('姓名').fill(staffName);
    await page.getByLabel('工号', { exact: true }).fill(`HALL-${mode}`);
    await page.getByLabel('岗位').fill('登记注册员');
    await page.getByLabel('职责').fill('企业开办');
    await page.getByLabel('服务承诺').fill('一次告知');
    await page.getByRole('button', { name: '新增工作人员' }).click();
    await Promise.all([page.waitForURL(/\/admin\/staff\/s-[0-9a-f]+$/), page.getByRole('link', { name: staffName }).click()]);
    await page.getByLabel('上传照片').setInputFiles({ name: 'photo.png', mimeType: 'image/png', buffer: PNG });
    await page.getByRole('button', { name: '保存照片' }).click();
    await page.getByRole('img', { name: `照片 ${staffName}` }).waitFor();

    // A window of 市场监管局 with that person on duty, moved into the county's hall.
    await page.goto(`${baseUrl}/admin/units/lj-scjg`);
    await page.getByLabel('窗口名称').fill(`大厅测试窗口（${mode}）`);
    await Promise.all([page.waitForURL(/\/admin\/windows\/[23456789a-hjkmnp-z]{8}$/), page.getByRole('button', { name: '新建窗口' }).click()]);
    const code = new URL(page.url()).pathname.split('/').at(-1)!;
    await page.getByLabel(`当前在岗 ${staffName}`).check();
    await page.getByRole('button', { name: '保存人员安排' }).click();
    await expect.poll(() => page.getByLabel(`本窗口人员 ${staffName}`).isChecked()).toBe(true);
    await page.getByLabel('所在服务大厅').selectOption({ label: `${renamed} · 临江县` });
    await page.getByRole('button', { name: '保存所在大厅' }).click();
    await expect.poll(async () => (await page.getByLabel('所在服务大厅').locator('option:checked').innerText()).trim()).toBe(`${renamed} · 临江县`);
    await admin.close();

    // The resident page: the hall's name and address, and the photo (lazy, 96×96) with the name as alt text.
    const resident = await phoneContext(browser, javaScriptEnabled);
    const phone = await resident.newPage();
    expect((await phone.goto(`${baseUrl}/w/${code}`))?.status()).toBe(200);
    const header = await phone.locator('header.window').innerText();
    expect(header).toContain(renamed);
    expect(header).toContain(`城东路${mode}号`);
    const photo = phone.getByRole('img', { name: staffName });
    await photo.scrollIntoViewIfNeeded();
    await expect.poll(() => photo.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBe(1);
    await expect(photo.getAttribute('loading')).resolves.toBe('lazy');
    const box = await photo.boundingBox();
    expect(box?.width).toBeLessThanOrEqual(96);
    expect(box?.height).toBeLessThanOrEqual(96);
    const served = await phone.request.get(new URL((await photo.getAttribute('src'))!, baseUrl).href);
    expect(served.status()).toBe(200);
    expect(served.headers()['content-type']).toBe('image/png');
    expect(served.headers()['x-content-type-options']).toBe('nosniff');
    expect(Buffer.from(await served.body()).equals(PNG)).toBe(true);
    await resident.close();
  });
});
