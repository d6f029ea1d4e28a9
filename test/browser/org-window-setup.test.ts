import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { JS_MODES, adminLogin, desktopContext, launchChromium, phoneContext } from '../support/browser.js';

/**
 * 单位 → 窗口 → 工作人员, end to end with JavaScript on and off: an administrator creates a unit
 * under the demo county, a staff member and a window in it, puts the staff member on duty, and the
 * window's resident page shows them with their pledge. The pledge carries markup, shown as text.
 * Then a unit file is imported: a bad row is listed in Chinese and nothing is written; the fixed
 * file is previewed and imported.
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

describe.each(JS_MODES)('setting up a window $name', ({ javaScriptEnabled }) => {
  it('creates a unit, a staff member on duty and a window whose /w/{code} shows them', async () => {
    const mode = javaScriptEnabled ? 'js' : 'nojs';
    const unitName = `临江县浏览器测试科（${mode}）`;
    const pledge = `<b>首问负责</b>，一次告知（${mode}）`;
    const admin = await desktopContext(browser, javaScriptEnabled);
    const page = await admin.newPage();
    await adminLogin(page, baseUrl);

    // A unit under the demo county (临江县, jn-qh-lj); its code is generated.
    await page.goto(`${baseUrl}/admin/units`);
    await page.getByLabel('单位名称').fill(unitName);
    await page.getByLabel('上级单位编码').fill('jn-qh-lj');
    await Promise.all([page.waitForURL(/\/admin\/units\/u-[a-z0-9]+$/), page.getByRole('button', { name: '创建' }).click()]);
    await expect(page.getByRole('heading', { level: 1 }).innerText()).resolves.toContain(unitName);

    // A staff member; a bad 工号 first is refused next to the field, with what was typed kept.
    await page.getByLabel('姓名').fill('林晓');
    await page.getByLabel('工号', { exact: true }).fill('no spaces');
    await page.getByLabel('岗位').fill('综合受理员');
    await page.getByLabel('职责').fill('一窗受理');
    await page.getByLabel('服务承诺').fill(pledge);
    await page.getByRole('button', { name: '新增工作人员' }).click();
    await page.getByText('工号只能包含字母、数字、- 或 _').waitFor();
    await expect(page.getByLabel('姓名').inputValue()).resolves.toBe('林晓');
    await page.getByLabel('工号', { exact: true }).fill(`BT-${mode}`);
    await page.getByRole('button', { name: '新增工作人员' }).click();
    await page.getByRole('link', { name: '林晓' }).waitFor();
    const unitUrl = page.url();

    // A photo on the staff member's page, served back under the admin's own origin.
    await Promise.all([page.waitForURL(/\/admin\/staff\/s-[0-9a-f]+$/), page.getByRole('link', { name: '林晓' }).click()]);
    await page.getByLabel('上传照片').setInputFiles({ name: 'photo.png', mimeType: 'image/png', buffer: PNG });
    await page.getByRole('button', { name: '保存照片' }).click();
    await page.getByRole('img', { name: '照片 林晓' }).waitFor();
    const photo = await page.request.get(`${page.url()}/photo`);
    expect(photo.status()).toBe(200);
    expect(Buffer.from(await photo.body()).equals(PNG)).toBe(true);
    await page.goto(unitUrl);

    // A window, then the staff member on duty at it.
    await page.getByLabel('窗口名称').fill(`测试窗口（${mode}）`);
    await page.getByLabel('办理事项').fill('营业执照设立登记\n营业执照变更登记');
    await Promise.all([page.waitForURL(/\/admin\/windows\/[23456789a-hjkmnp-z]{8}$/), page.getByRole('button', { name: '新建窗口' }).click()]);
    const code = new URL(page.url()).pathname.split('/').at(-1)!;
    await page.getByLabel('当前在岗 林晓').check();
    await page.getByRole('button', { name: '保存人员安排' }).click();
    await expect.poll(() => page.getByLabel('本窗口人员 林晓').isChecked()).toBe(true);
    await expect(page.getByLabel('当前在岗 林晓').isChecked()).resolves.toBe(true);
    await admin.close();

    // The resident page of the new code shows the unit, the staff member and the pledge as text.
    const resident = await phoneContext(browser, javaScriptEnabled);
    const phone = await resident.newPage();
    const response = await phone.goto(`${baseUrl}/w/${code}`);
    expect(response?.status()).toBe(200);
    const body = await phone.locator('main').innerText();
    expect(body).toContain(unitName);
    expect(body).toContain('林晓');
    expect(body).toContain(pledge);
    await expect(phone.locator('main b').count()).resolves.toBe(0);
    await resident.close();
  });
});

describe.each(JS_MODES)('importing units $name', ({ javaScriptEnabled }) => {
  it('lists a bad row with its reason and offers no import, then imports the fixed file', async () => {
    const mode = javaScriptEnabled ? 'js' : 'nojs';
    const admin = await desktopContext(browser, javaScriptEnabled);
    const page = await admin.newPage();
    await adminLogin(page, baseUrl);
    await page.goto(`${baseUrl}/admin/units/import`);
    const file = (rows: string) => ({ name: 'units.csv', mimeType: 'text/csv', buffer: Buffer.from(`单位编码,单位名称,上级单位编码\n${rows}`) });

    // A file with one good row and one without a name: listed, refused as a whole.
    await page.getByLabel('文件').setInputFiles(file(`imp-${mode}-a,导入测试甲科,jn-qh-lj\nimp-${mode}-b,,jn-qh-lj\n`));
    await page.getByRole('button', { name: '预览' }).click();
    await page.getByText('文件中有错误').waitFor();
    await expect(page.locator('tr.bad').innerText()).resolves.toContain('单位名称: 此项为必填');
    await expect(page.getByRole('button', { name: '确认导入' }).count()).resolves.toBe(0);

    // The fixed file previews clean and imports.
    await page.getByLabel('文件').setInputFiles(file(`imp-${mode}-a,导入测试甲科,jn-qh-lj\nimp-${mode}-b,导入测试乙科,imp-${mode}-a\n`));
    await page.getByRole('button', { name: '预览' }).click();
    await page.getByText('全部行无误').waitFor();
    await page.getByRole('button', { name: '确认导入' }).click();
    await page.getByText('已导入 2 条。').waitFor();
    await page.goto(`${baseUrl}/admin/units/imp-${mode}-a`);
    await expect(page.getByRole('link', { name: '导入测试乙科' }).count()).resolves.toBe(1);
    await admin.close();
  });
});

