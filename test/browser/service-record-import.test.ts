import iconv from 'iconv-lite';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { JS_MODES, adminLogin, desktopContext, launchChromium } from '../support/browser.js';

/**
 * A GBK CSV of 3,000 办件 through the import page, JavaScript on and off (decision 0019): a bad row
 * is listed in Chinese with its field and nothing is written; the fixed file is applied step by
 * step — by itself with JavaScript, with 继续导入 without — until the final counts show.
 */

const baseUrl = inject('baseUrl');
let browser: Browser;

beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
});

const HEADER = '办件编号,单位编码,窗口编号,办理事项,工号,办结时间,办理方式,申请人类型,申请人手机';
const ROWS = 3_000;
/** An hour ago in China wall-clock time, as an export writes it. */
const FINISHED = new Date(Date.now() + 7 * 3_600_000).toISOString().slice(0, 16).replace('T', ' ');

function recordFile(mode: string, bad: boolean) {
  const lines = [HEADER];
  for (let i = 1; i <= ROWS; i++) {
    const via = bad && i === 5 ? '柜台' : ['窗口', '网上', '自助'][i % 3];
    lines.push(`WEB-${mode}-${String(i).padStart(5, '0')},jn-qh-lj,,不动产抵押登记,,${FINISHED},${via},个人,${i % 2 ? '13800138000' : ''}`);
  }
  return { name: '办件.csv', mimeType: 'text/csv', buffer: iconv.encode(`${lines.join('\r\n')}\r\n`, 'gbk') };
}

describe.each(JS_MODES)('importing 3,000 办件 $name', ({ javaScriptEnabled }) => {
  it('lists the bad row in Chinese, then imports the fixed file step by step to its final counts', async () => {
    const mode = javaScriptEnabled ? 'js' : 'nojs';
    const admin = await desktopContext(browser, javaScriptEnabled);
    const page = await admin.newPage();
    await adminLogin(page, baseUrl);
    await page.goto(`${baseUrl}/admin/units/import?kind=service-records`);
    await expect(page.getByText('按北京时间（UTC+8）理解').count()).resolves.toBe(1);

    await page.getByLabel('文件').setInputFiles(recordFile(mode, true));
    await page.getByRole('button', { name: '预览' }).click();
    await page.getByText('文件中有错误').waitFor();
    await expect(page.getByText(`共 ${ROWS} 行，其中有错误的 1 行。`).count()).resolves.toBe(1);
    const bad = await page.locator('tr.bad').allInnerTexts();
    expect(bad).toHaveLength(1);
    expect(bad[0]).toMatch(/^6\s/);
    expect(bad[0]).toContain('办理方式: 请填写“窗口”“网上”或“自助”');
    await expect(page.getByRole('button', { name: '确认导入' }).count()).resolves.toBe(0);

    await page.getByLabel('文件').setInputFiles(recordFile(mode, false));
    await page.getByRole('button', { name: '预览' }).click();
    await page.getByText('全部行无误').waitFor();
    await expect(page.getByText('138****8000').count()).resolves.toBeGreaterThan(0);
    await page.getByRole('button', { name: '确认导入' }).click();
    const done = page.getByText(`导入完成：新增 ${ROWS} 条，已存在且相同 0 条，办件编号冲突 0 条，被拒绝 0 条。`);
    if (!javaScriptEnabled) {
      // Without JavaScript each step is a click on 继续导入, until the counts are final.
      for (let step = 0; step < 30 && (await done.count()) === 0; step++) {
        await page.getByText(/已处理 \d+ \/ 3000 行。/).waitFor({ timeout: 60_000 });
        if ((await done.count()) > 0) break;
        await page.getByRole('button', { name: '继续导入' }).click();
      }
    }
    await done.waitFor({ timeout: 180_000 });
    await expect(page.getByText(`已处理 ${ROWS} / ${ROWS} 行。`).count()).resolves.toBe(1);
    await admin.close();
  }, 300_000);
});
