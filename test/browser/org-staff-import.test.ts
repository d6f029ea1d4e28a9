import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { JS_MODES, adminLogin, desktopContext, launchChromium } from '../support/browser.js';

/**
 * A 1,000-row staff file through the import page, JavaScript on and off: bad rows are counted and
 * listed in Chinese with nothing written; the fixed file previews clean (summarised, not echoed),
 * imports as one job and the unit page lists the new staff.
 */

const baseUrl = inject('baseUrl');
let browser: Browser;

beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
});

const HEADER = '姓名,工号,所属单位编码,岗位,职责,服务承诺,是否党员';

/**
 * 工号 prefix per mode: the unit page lists staff by 工号, 100 a page, and the run without
 * JavaScript comes second, so its 1,000 people must sort before the first run's to be on page one.
 */
const prefix = (mode: string) => (mode === 'js' ? 'BI' : 'AI');

function staffFile(mode: string, bad: boolean) {
  const lines = [HEADER];
  for (let i = 1; i <= 1_000; i++) {
    const name = bad && i === 10 ? '' : `导入员${mode}${i}`;
    const unit = bad && i === 700 ? 'no-such-unit' : 'jn-qh-lj';
    lines.push(`${name},${prefix(mode)}${mode}${String(i).padStart(4, '0')},${unit},综合受理员,一窗受理,首问负责,否`);
  }
  return { name: 'staff.csv', mimeType: 'text/csv', buffer: Buffer.from(`${lines.join('\r\n')}\r\n`) };
}

describe.each(JS_MODES)('importing 1,000 staff $name', ({ javaScriptEnabled }) => {
  it('lists every bad row and writes nothing, then imports the fixed file at once', async () => {
    const mode = javaScriptEnabled ? 'js' : 'nojs';
    const admin = await desktopContext(browser, javaScriptEnabled);
    const page = await admin.newPage();
    await adminLogin(page, baseUrl);
    await page.goto(`${baseUrl}/admin/units/import?kind=staff`);

    // Two bad rows out of 1,000: counted, both listed with their reason in Chinese, no import button.
    await page.getByLabel('文件').setInputFiles(staffFile(mode, true));
    await page.getByRole('button', { name: '预览' }).click();
    await page.getByText('文件中有错误').waitFor();
    await expect(page.getByText('共 1000 行，其中有错误的 2 行。').count()).resolves.toBe(1);
    const bad = await page.locator('tr.bad').allInnerTexts();
    expect(bad).toHaveLength(2);
    expect(bad[0]).toMatch(/^11\s/);
    expect(bad[0]).toContain('姓名: 此项为必填');
    expect(bad[1]).toMatch(/^701\s/);
    await expect(page.getByRole('button', { name: '确认导入' }).count()).resolves.toBe(0);

    // The fixed file: summarised preview, one click, every row at once.
    await page.getByLabel('文件').setInputFiles(staffFile(mode, false));
    await page.getByRole('button', { name: '预览' }).click();
    await page.getByText('全部行无误').waitFor();
    await expect(page.getByText('共 1000 行，其中有错误的 0 行。').count()).resolves.toBe(1);
    await expect(page.locator('tbody tr').count()).resolves.toBe(50);
    await page.getByRole('button', { name: '确认导入' }).click();
    await page.getByText('已导入 1000 条。').waitFor({ timeout: 120_000 });
    await expect(page.getByText('分 21 批写入，全部同时生效。').count()).resolves.toBe(1);

    await page.goto(`${baseUrl}/admin/units/jn-qh-lj`);
    await expect(page.getByText(`${prefix(mode)}${mode}0001`).count()).resolves.toBeGreaterThan(0);
    await admin.close();
  }, 240_000);
});
